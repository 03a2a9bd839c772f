package tango

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/tango-sdk/tango-go/internal/wire"
)

// parseErrorBody turns a non-2xx answer into *GatewayError (an HTML 403 from the
// load balancer) or *APIError, with the top-level i18nKey for retry
// classification.
func parseErrorBody(r *request, resp *http.Response, data []byte) (i18nKey string, err error) {
	reqID := resp.Header.Get("X-Request-Id")
	// The path relative to the API root, as every other error and log line of the
	// SDK names the call ("/orders", not "/raas/v2/orders" or the body's path).
	path := r.path
	server := resp.Header.Get("Server")
	trimmed := bytes.TrimSpace(data)
	isJSON := wire.IsJSONObject(trimmed)
	if resp.StatusCode == http.StatusForbidden && !isJSON &&
		(strings.HasPrefix(strings.ToLower(server), "awselb") || strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "html")) {
		return "", &GatewayError{
			StatusCode: resp.StatusCode, Server: server, RequestID: reqID,
			Method: r.method, Path: scrubPath(path), Excerpt: scrubServerText(wire.Excerpt(trimmed)),
		}
	}
	e := &APIError{StatusCode: resp.StatusCode, RequestID: reqID, Method: r.method, Path: path, RetryAfter: resp.Header.Get("Retry-After")}
	if info, ok := wire.DecodeErrorInfo(trimmed); ok {
		e.I18nKey, e.Message = info.I18nKey, scrubServerText(info.Message)
		if info.Errors != nil {
			// A conversion, so that a field added to one type and not the other
			// does not compile.
			e.Errors = make([]FieldError, len(info.Errors))
			for i, f := range info.Errors {
				e.Errors[i] = FieldError(f)
				e.Errors[i].Message = scrubServerText(f.Message)
			}
		}
		e.HTTPCode, e.HTTPPhrase = info.HTTPCode, info.HTTPPhrase
		if t, err := time.Parse(time.RFC3339Nano, info.Timestamp); err == nil {
			e.Timestamp = t
		}
		for _, tok := range info.I18nTokenReplacements {
			e.I18nTokenReplacements = append(e.I18nTokenReplacements, scrubServerText(wire.TokenText(tok)))
		}
		if e.RequestID == "" {
			e.RequestID = info.RequestID
		}
	} else {
		e.Message = scrubServerText(wire.Excerpt(trimmed))
	}
	e.Path = scrubPath(e.Path)
	return e.I18nKey, e
}

// Patterns of contact data and query strings a server's error text may echo.
var (
	serverEmailPattern = regexp.MustCompile(`[^\s@"'<>,;:()\[\]]+@[^\s@"'<>,;:()\[\]]+\.[A-Za-z]{2,}`)
	serverPhonePattern = regexp.MustCompile(`\+\d{7,15}\b`)
	serverQueryPattern = regexp.MustCompile(`\?[^\s"'<>?]*=[^\s"'<>]*`)
)

// scrubServerText removes from a server's error text what may be a recipient's
// contact data or a query string that holds some: email addresses, E.164 phone
// numbers and query strings (a "?" followed by a "name=value") become
// [REDACTED]. Errors end up in logs, and a
// server (or a gateway) may echo what it was sent.
func scrubServerText(s string) string {
	s = serverQueryPattern.ReplaceAllString(s, "?"+redacted)
	s = serverEmailPattern.ReplaceAllString(s, redacted)
	return serverPhonePattern.ReplaceAllString(s, redacted)
}

// scrubPath drops the query string from a path an answer reports.
func scrubPath(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		return p[:i]
	}
	return p
}
