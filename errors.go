package tango

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors, for use with errors.Is. Every *APIError matches the sentinels that
// fit its status code and i18nKey, so callers can branch without parsing messages:
//
//	if errors.Is(err, tango.ErrInsufficientFunds) { ... }
var (
	// ErrUnauthorized matches a 401: missing, wrong or expired credentials.
	ErrUnauthorized = errors.New("tango: unauthorized")
	// ErrForbidden matches any 403, including one from the load balancer (*GatewayError).
	ErrForbidden = errors.New("tango: forbidden")
	// ErrBrowserCall matches 403.001, which Tango also returns to calls made from a browser.
	ErrBrowserCall = errors.New("tango: authorization error (403.001; Tango's answer to browser calls)")
	// ErrNotFound matches a 404.
	ErrNotFound = errors.New("tango: not found")
	// ErrConflict matches any 409.
	ErrConflict = errors.New("tango: conflict")
	// ErrOrderInFlight matches 409.002: an order with the same externalRefID is still
	// being processed. Retrying later with the same externalRefID is safe.
	ErrOrderInFlight = errors.New("tango: order with this externalRefID is still in flight (409.002)")
	// ErrInsufficientFunds matches 402.001: the account balance does not cover the order.
	ErrInsufficientFunds = errors.New("tango: insufficient funds (402.001)")
	// ErrRateLimited matches a 429, and a *RateLimitWaitError: a call the client's
	// pacing could not fit before its context's deadline.
	ErrRateLimited = errors.New("tango: rate limited")
	// ErrServerError matches any 5xx.
	ErrServerError = errors.New("tango: server error")
	// ErrValidation matches a *ValidationError: the SDK refused to send the request.
	ErrValidation = errors.New("tango: invalid request")
	// ErrRetryBudgetExhausted is wrapped into the error of a call that was not retried
	// because the client-wide retry budget ran dry (see RetryPolicy).
	ErrRetryBudgetExhausted = errors.New("tango: retry budget exhausted; not retrying")
	// ErrUntrustedServer is wrapped into the error of a call (API call or token
	// fetch) whose server certificate failed verification: its chain does not end
	// in a trusted root, it does not name the host, or it is expired or otherwise
	// invalid; also when a transport middleware took a request past the pinned
	// transport. The x509 or tls error stays reachable with errors.As. Such
	// calls are never retried.
	ErrUntrustedServer = errors.New("tango: server certificate not trusted")
	// ErrListTooLong is yielded by an All walk that reached the cap on its list
	// requests (WithMaxListRequests) before the server reported the end.
	ErrListTooLong = errors.New("tango: the list walk reached its request cap (WithMaxListRequests) before the end; narrow the filter, raise the cap, or page with List")
	// errNilContext is returned by calls given a nil context.Context.
	errNilContext = errors.New("nil context; pass context.Background() or a context with a deadline")
	// ErrOutcomeUnknown matches an *OutcomeUnknownError.
	ErrOutcomeUnknown = errors.New("tango: outcome unknown")
)

// FieldError is one field-level problem, as Tango reports it in the errors array of
// its error body, or as the SDK's own validation reports it before sending.
//
// The offending value is deliberately not kept: it may be a recipient's email
// address or another secret, and errors end up in logs.
type FieldError struct {
	// Path names the field, in Tango's dotted form ("recipient.email").
	Path string `json:"path"`
	// I18nKey is Tango's message key ("422.134"), the stable thing to branch on.
	I18nKey string `json:"i18nKey"`
	// Message is the human explanation.
	Message string `json:"message"`
	// Constraint names the rule that failed, when Tango says ("Email").
	Constraint string `json:"constraint,omitempty"`
}

// String formats the field error as "path (key): message".
func (f FieldError) String() string {
	var b strings.Builder
	b.WriteString(f.Path)
	if f.I18nKey != "" {
		b.WriteString(" (")
		b.WriteString(f.I18nKey)
		b.WriteString(")")
	}
	if f.Message != "" {
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	return b.String()
}

// APIError is an error answer from Tango: any non-2xx response that is not a load
// balancer page (see *GatewayError). It carries what Tango's support asks for: the
// request id, the status and the i18nKey.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// I18nKey is Tango's top-level message key ("402.001"); empty for validation
	// failures, whose keys are in Errors.
	I18nKey string
	// Message is Tango's top-level message, or a short excerpt of a non-JSON body,
	// with email addresses, E.164 phone numbers and query strings replaced by
	// "[REDACTED]" (a server may echo a recipient's data, and errors reach logs);
	// Errors[].Message are scrubbed the same way, and Path carries no query.
	Message string
	// RequestID identifies the call at Tango (body requestId, else X-REQUEST-ID).
	RequestID string
	// Method and Path name the call ("POST", "/raas/v2/orders").
	Method, Path string
	// Errors lists field-level problems.
	Errors []FieldError
	// RetryAfter is the delay the server asked for in a Retry-After header, if any.
	RetryAfter string
	// Attempts is how many attempts the SDK made before returning this error.
	Attempts int
	// HTTPCode and HTTPPhrase are the status as Tango's body states it (httpCode,
	// httpPhrase: 404, "Not Found"); HTTPCode normally equals StatusCode. Zero and
	// empty when the body has none.
	HTTPCode   int
	HTTPPhrase string
	// Timestamp is when Tango produced the error (the body's timestamp); zero
	// when absent or unreadable.
	Timestamp time.Time
	// I18nTokenReplacements are the values Tango filled into the message's
	// placeholders ({0}, {1}: an externalRefID, an account id), as text, scrubbed
	// like Message. Error() does not print them.
	I18nTokenReplacements []string
}

// Error formats the status, key, message, field errors and request id on one line.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tango: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.I18nKey != "" {
		fmt.Fprintf(&b, " (%s)", e.I18nKey)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, " %s", e.Message)
	}
	for i, f := range e.Errors {
		if i == 0 {
			b.WriteString(":")
		} else {
			b.WriteString(";")
		}
		b.WriteString(" ")
		b.WriteString(f.String())
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Is reports whether the error matches one of the package's sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == 401
	case ErrForbidden:
		return e.StatusCode == 403
	case ErrBrowserCall:
		return e.StatusCode == 403 && e.I18nKey == "403.001"
	case ErrNotFound:
		return e.StatusCode == 404
	case ErrConflict:
		return e.StatusCode == 409
	case ErrOrderInFlight:
		return e.StatusCode == 409 && e.I18nKey == "409.002"
	case ErrInsufficientFunds:
		return e.StatusCode == 402 && e.I18nKey == "402.001"
	case ErrRateLimited:
		return e.StatusCode == 429
	case ErrServerError:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// HasKey reports whether the error carries the given i18nKey, at the top level or
// on any field.
func (e *APIError) HasKey(key string) bool {
	if e.I18nKey == key {
		return true
	}
	for _, f := range e.Errors {
		if f.I18nKey == key {
			return true
		}
	}
	return false
}

// GatewayError is a 403 (or other error) that came from Tango's AWS load balancer
// (Server: awselb/2.0) as an HTML page, before the API saw the request. Its message
// walks through the causes Tango's guide lists, most likely first.
type GatewayError struct {
	// StatusCode is the HTTP status (403 in every case seen so far).
	StatusCode int
	// Server is the Server header ("awselb/2.0").
	Server string
	// RequestID is the X-REQUEST-ID header, when the load balancer sent one.
	RequestID string
	// Method and Path name the call.
	Method, Path string
	// Excerpt is the start of the HTML body, for support tickets.
	Excerpt string
}

// Error explains the likely causes of a load balancer refusal.
func (e *GatewayError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tango: %s %s: %d from the load balancer (%s), not from the Tango API; likely causes, in order: "+
		"(1) an X-Forwarded-For header carrying ip:port, added by a proxy or API gateway (Azure API Management, MuleSoft, nginx): strip the port or the header; "+
		"(2) an expired or invalid token; "+
		"(3) a call that looks browser-originated (Origin or Sec-Fetch headers added on the way); "+
		"(4) the wrong environment: sandbox credentials against production, or the reverse. "+
		"Run `tango doctor --behind-proxy` (or Client.Diagnose with DiagnoseBehindProxy) to check each",
		e.Method, e.Path, e.StatusCode, e.Server)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

// Is makes a 403 GatewayError match ErrForbidden.
func (e *GatewayError) Is(target error) bool {
	return target == ErrForbidden && e.StatusCode == 403
}

// ValidationError lists every field of a request that the SDK refused to send because
// Tango would reject it. Nothing reached the wire. Each FieldError carries the i18nKey
// Tango would have answered with, so one handler serves both sides.
type ValidationError struct {
	// Fields lists the offending fields, in the order they were checked.
	Fields []FieldError
}

// Error lists the offending fields and keys; it never repeats the rejected values.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return "tango: invalid request, nothing was sent: " + strings.Join(parts, "; ")
}

// Is makes a ValidationError match ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// HasKey reports whether any field carries the given i18nKey.
func (e *ValidationError) HasKey(key string) bool {
	for _, f := range e.Fields {
		if f.I18nKey == key {
			return true
		}
	}
	return false
}

// OutcomeUnknownError says that a write may or may not have taken effect at Tango: the
// request was sent, and no answer settled it before retries ran out or were not
// allowed. For an order it carries the externalRefID: retrying later with the same
// externalRefID is safe and returns the order if it was placed.
type OutcomeUnknownError struct {
	// Method and Path name the call.
	Method, Path string
	// ExternalRefID is the idempotency key the request carried, if any.
	ExternalRefID string
	// Attempts is how many attempts were made.
	Attempts int
	// Err is the last cause.
	Err error
}

// Error says what is unknown and how to settle it.
func (e *OutcomeUnknownError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tango: %s %s: outcome unknown after %d attempt(s)", e.Method, e.Path, e.Attempts)
	if e.ExternalRefID != "" {
		fmt.Fprintf(&b, "; retry with externalRefID %q to settle it", e.ExternalRefID)
	} else {
		b.WriteString("; check at Tango before retrying")
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the last cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is makes an OutcomeUnknownError match ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// AsyncOrderMismatchError says that Tango answered an async order with one it
// already had for the same externalRefID, and that order does not match the
// request: it holds a different number of line items. Usually the caller reused
// an externalRefID for another batch by mistake.
type AsyncOrderMismatchError struct {
	// ExternalRefID is the key both share.
	ExternalRefID string
	// RequestLineItems and ExistingLineItems are the two line item counts.
	RequestLineItems, ExistingLineItems int
}

// Error names the key and the counts.
func (e *AsyncOrderMismatchError) Error() string {
	return fmt.Sprintf("tango: externalRefID %q already belongs to an async order of %d line item(s); the request has %d",
		e.ExternalRefID, e.ExistingLineItems, e.RequestLineItems)
}

// HintedError adds to the error a call ended with what to check first: the
// likely cause of a refused credential, an unresolved host name or an untrusted
// certificate, and the `tango doctor` command that checks it step by step.
// errors.Is and errors.As reach the cause through it.
type HintedError struct {
	// Err is the cause.
	Err error
	// Hint says what to check.
	Hint string
}

// Error is the cause followed by the hint.
func (e *HintedError) Error() string { return e.Err.Error() + "; " + e.Hint }

// Unwrap returns the cause.
func (e *HintedError) Unwrap() error { return e.Err }

// RateLimitWaitError is the error of a call that was not sent because its turn in
// the client's pacing (WithRateLimit) would have come after its context's
// deadline. Nothing was sent for that attempt. It matches ErrRateLimited.
type RateLimitWaitError struct {
	// Endpoint is the paced endpoint ("POST /orders").
	Endpoint string
	// Wait is how long the call would have had to wait for its turn.
	Wait time.Duration
	// Deadline is how much time the context had left.
	Deadline time.Duration
}

// Error says how long the wait would have been.
func (e *RateLimitWaitError) Error() string {
	return fmt.Sprintf("tango: %s: rate limited by the client's pacing: the next turn is %v away, but the context's deadline is %v away; nothing was sent",
		e.Endpoint, e.Wait.Round(time.Millisecond), e.Deadline.Round(time.Millisecond))
}

// Is makes a RateLimitWaitError match ErrRateLimited.
func (e *RateLimitWaitError) Is(target error) bool { return target == ErrRateLimited }
