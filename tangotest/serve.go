package tangotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// maxBody bounds what the fake reads of a request body.
const maxBody = 1 << 20

// call is one request on its way through the fake: the writer, the request, its
// request id and body, and the path parameters the router found.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	reqID  string
	body   []byte
	params map[string]string
	// abandoned is set when a Latency hold ended because the client left.
	abandoned bool
}

// ServeHTTP runs the fake's pipeline: request id, recording, injected faults, the
// load balancer's X-Forwarded-For check, then the token endpoint or the API (browser
// check, Accept, authentication, routing). Exported so that Server is an
// http.Handler; tests normally talk to it over HTTPS instead.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.handlers.enter() {
		panic(http.ErrAbortHandler) // closing: drop the connection
	}
	defer s.handlers.leave()

	c := &call{s: s, w: w, r: r, reqID: uuid.NewString()}
	defer func() {
		// Counted last, after the handler's own cleanup (an order key's
		// in-flight period) has run, so that WaitAbandoned means finished.
		if c.abandoned {
			s.holds.add(0, 1)
		}
	}()
	w.Header().Set("X-REQUEST-ID", c.reqID)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		panic(http.ErrAbortHandler) // the client went away while sending
	}
	c.body = body
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.record(r, body)
	if len(body) > maxBody {
		c.fail(http.StatusRequestEntityTooLarge, "400.001", "The request body is too large.")
		return
	}

	if !c.runFaults(false) {
		return
	}
	if forwardedWithPort(r.Header.Values("X-Forwarded-For")) {
		writeGatewayForbidden(w)
		return
	}
	path := r.URL.Path
	switch {
	case path == PathToken:
		s.handleToken(c)
	case path == APIPrefix || strings.HasPrefix(path, APIPrefix+"/"):
		s.serveAPI(c, strings.TrimPrefix(path, APIPrefix))
	default:
		c.fail(http.StatusNotFound, "404.001", "Not found.")
	}
}

// serveAPI handles a /raas/v2 request: browser check, Accept, auth, then the route.
func (s *Server) serveAPI(c *call, rel string) {
	if c.r.Header.Get("Origin") != "" {
		c.fail(http.StatusForbidden, "403.001", "Authorization Error")
		return
	}
	if !acceptsJSON(c.r.Header.Values("Accept")) {
		c.fail(http.StatusNotAcceptable, "406.001", "Not Acceptable: this API only produces application/json.")
		return
	}
	if !s.authorize(c) {
		return
	}
	rt, params, status := s.match(c.r.Method, rel)
	switch status {
	case http.StatusNotFound:
		c.fail(http.StatusNotFound, "404.001", "Not found.")
		return
	case http.StatusMethodNotAllowed:
		c.fail(http.StatusMethodNotAllowed, "405.002", "Request method '"+c.r.Method+"' is not supported here.")
		return
	}
	c.params = params
	rt.handle(c)
}

// acceptsJSON reports whether the Accept headers (if any) allow application/json.
func acceptsJSON(values []string) bool {
	if len(values) == 0 {
		return true
	}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			switch mt {
			case "application/json", "*/*", "application/*":
				return true
			}
		}
	}
	return false
}

// param returns a path parameter.
func (c *call) param(name string) string { return c.params[name] }

// ok writes a success answer, after the faults that act once the work is committed
// (latency or reset after commit, a 5xx after commit) have had their turn.
func (c *call) ok(status int, v any) {
	if !c.runFaults(true) {
		return
	}
	c.writeJSON(status, v)
}

// writeJSON writes v as the JSON body.
func (c *call) writeJSON(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(c.errorBody(status, "500.001", "Unexpected application error.", nil))
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	_, _ = c.w.Write(b)
}

// fail writes Tango's error body with a top-level i18nKey and message.
func (c *call) fail(status int, key, message string) {
	c.writeJSON(status, c.errorBody(status, key, message, nil))
}

// failWith is fail with i18nTokenReplacements: the values filled into the
// message's placeholders, as Tango's ErrorDTO lists them.
func (c *call) failWith(status int, key, message string, tokens ...string) {
	body := c.errorBody(status, key, message, nil)
	body.I18nTokenReplacements = tokens
	c.writeJSON(status, body)
}

// fieldErrors writes a 400 whose errors array lists field-level problems, the way
// Tango answers validation failures (with 422.xxx keys inside a 400).
func (c *call) fieldErrors(errs ...fieldErrorInfo) {
	c.writeJSON(http.StatusBadRequest, c.errorBody(http.StatusBadRequest, "", "", errs))
}

// errorBody builds the ErrorInfo for this call.
func (c *call) errorBody(status int, key, message string, errs []fieldErrorInfo) errorInfo {
	return errorInfo{
		Timestamp:  stamp(c.s.now()),
		RequestID:  c.reqID,
		Path:       c.r.URL.Path,
		HTTPCode:   status,
		HTTPPhrase: http.StatusText(status),
		I18nKey:    key,
		Message:    message,
		Errors:     errs,
	}
}

// errNotJSON says the body was not JSON of the expected shape.
var errNotJSON = errors.New("not JSON")

// decode reads the JSON body into v. It answers 415 when the body is not declared
// as JSON and 400 (400.009) when it does not parse, and then returns false.
func (c *call) decode(v any) bool {
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		c.fail(http.StatusUnsupportedMediaType, "415.001", "Unsupported Media Type: send application/json.")
		return false
	}
	if err := decodeJSON(c.body, v); err != nil {
		c.fail(http.StatusBadRequest, "400.009", "Could not read the request body; check the JSON formatting.")
		return false
	}
	return true
}

// decodeJSON parses exactly one JSON value, keeping numbers as text.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errNotJSON
	}
	return nil
}

// stamp formats a time the way Tango does: UTC, milliseconds, Z.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
