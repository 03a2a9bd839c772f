package tango

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// excerptLen is how much of a non-JSON error body an error keeps.
const excerptLen = 200

// errorInfo is Tango's error body ("ErrorInfo"); the smaller ErrorDTO some customer
// endpoints send decodes into it too.
type errorInfo struct {
	Timestamp             string            `json:"timestamp"`
	RequestID             string            `json:"requestId"`
	Path                  string            `json:"path"`
	HTTPCode              int               `json:"httpCode"`
	HTTPPhrase            string            `json:"httpPhrase"`
	I18nKey               string            `json:"i18nKey"`
	Message               string            `json:"message"`
	I18nTokenReplacements []json.RawMessage `json:"i18nTokenReplacements"`
	Errors                []FieldError      `json:"errors"`
}

// tokenText renders one i18nTokenReplacements entry: a string as itself, any
// other JSON value as its text.
func tokenText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

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
	isJSON := len(trimmed) > 0 && trimmed[0] == '{'
	if resp.StatusCode == http.StatusForbidden && !isJSON &&
		(strings.HasPrefix(strings.ToLower(server), "awselb") || strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "html")) {
		return "", &GatewayError{
			StatusCode: resp.StatusCode, Server: server, RequestID: reqID,
			Method: r.method, Path: scrubPath(path), Excerpt: scrubServerText(excerpt(trimmed)),
		}
	}
	e := &APIError{StatusCode: resp.StatusCode, RequestID: reqID, Method: r.method, Path: path, RetryAfter: resp.Header.Get("Retry-After")}
	var info errorInfo
	if isJSON && json.Unmarshal(trimmed, &info) == nil {
		e.I18nKey, e.Message, e.Errors = info.I18nKey, scrubServerText(info.Message), info.Errors
		e.HTTPCode, e.HTTPPhrase = info.HTTPCode, info.HTTPPhrase
		if t, err := time.Parse(time.RFC3339Nano, info.Timestamp); err == nil {
			e.Timestamp = t
		}
		for i := range e.Errors {
			e.Errors[i].Message = scrubServerText(e.Errors[i].Message)
		}
		for _, tok := range info.I18nTokenReplacements {
			e.I18nTokenReplacements = append(e.I18nTokenReplacements, scrubServerText(tokenText(tok)))
		}
		if e.RequestID == "" {
			e.RequestID = info.RequestID
		}
	} else {
		e.Message = scrubServerText(excerpt(trimmed))
	}
	e.Path = scrubPath(e.Path)
	return e.I18nKey, e
}

// excerpt keeps the start of a body, printable characters only, on one line.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, string(b))), " ")
	if r := []rune(s); len(r) > excerptLen {
		s = string(r[:excerptLen]) + "…"
	}
	return s
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
