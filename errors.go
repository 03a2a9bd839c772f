package tango

import (
	"errors"
	"fmt"
	"log/slog"
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
	// Method and Path name the call ("POST", "/orders"): the path relative to the
	// API root, as in every other error and log line of the SDK.
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
		"Run `tango doctor --behind-proxy` (or Client.Diagnose with doctor.BehindProxy) to check each",
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

// Errors of particular areas: scopes, OAuth tokens, the catalog, funding, money, order lists, orders.

// ErrOutsideScope is wrapped into the error of a scoped call that names or reaches
// another account. Nothing was sent, or (for a read) nothing was returned.
var ErrOutsideScope = errors.New("tango: outside the account scope")

// ErrTokenQuota matches a *TokenError in which the token endpoint refused to issue a
// token because the platform asked for too many (Tango's older limit is one token per
// 20 hours; past it the endpoint answers 400 "exceeded the daily rate limit"). The
// client never retries such an answer in a loop: it backs off and keeps serving a
// still-valid token if it has one. Keep tokens in a TokenStore to stay under the limit.
var ErrTokenQuota = errors.New("tango: OAuth token quota exceeded")

// TokenError is a failed request to the OAuth 2.0 token endpoint: an error answer
// (StatusCode, and the RFC 6749 Code and Description when the server sent them) or a
// transport failure (Err). Its text never holds a secret: the client secret, the
// password and anything shaped like a token are replaced with [REDACTED], and the
// server's body is cut short.
//
// errors.Is(err, ErrTokenQuota) tells a quota refusal; errors.Is(err,
// ErrUnauthorized) tells refused credentials (invalid_client, unauthorized_client,
// invalid_grant, access_denied, or a 401) unless the refusal is about the quota.
type TokenError struct {
	// Environment names the environment whose token endpoint answered.
	Environment string
	// StatusCode is the HTTP status of the answer; 0 when none arrived.
	StatusCode int
	// Code is the RFC 6749 error code ("invalid_client"), when the server sent one.
	Code string
	// Description is the server's error_description, or an excerpt of a body that
	// was not in the RFC 6749 shape, with secrets removed.
	Description string
	// Err is the transport failure (timeout, refused connection, untrusted
	// certificate) when no answer arrived.
	Err error

	quota bool
}

// Error says what the token endpoint answered, without secrets.
func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("tango: OAuth token request")
	if e.Environment != "" {
		b.WriteString(" (" + e.Environment + ")")
	}
	b.WriteString(" failed")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.quota {
		b.WriteString(" (token quota exceeded; the client will not ask again before its backoff ends: keep tokens in a TokenStore)")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the transport failure, if any.
func (e *TokenError) Unwrap() error { return e.Err }

// Is matches ErrTokenQuota for a quota refusal, ErrUnauthorized for refused
// credentials and ErrServerError for a 5xx answer of the token endpoint.
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrServerError:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrTokenQuota:
		return e.quota
	case ErrUnauthorized:
		if e.quota {
			return false // Tango words its quota refusal as access_denied; the credentials are fine
		}
		switch e.Code {
		case "invalid_client", "unauthorized_client", "invalid_grant", "access_denied":
			return true
		}
		return e.StatusCode == 401
	}
	return false
}

// ErrItemNotFound is wrapped into the error of FindItem when the catalog has no
// item with the given utid.
var ErrItemNotFound = errors.New("tango: no such item in the catalog")

// DuplicateFundingError says that Tango refused a deposit or transfer because a
// funding request with the same externalRefID was already processed on the
// account. Nothing was processed twice, but Tango does not say which request
// processed the key: an attempt of this call, or an earlier call that used the
// same key, possibly for another amount or another purpose. Check the account's
// funding history or balance to learn what was moved. errors.Is(err,
// ErrConflict) holds, and errors.As reaches the *APIError.
//
// Calling again with the key of a call that ended with an *OutcomeUnknownError
// is how that outcome is settled, and is not a mistake: this error then means
// that the earlier call went through (unless the key was used by yet another
// call before it).
//
// When an attempt of this call had an unknown outcome before Tango's duplicate
// answer (a timeout, a lost connection, a 5xx), AfterUnknownOutcome is set and
// errors.Is(err, ErrOutcomeUnknown) holds as well, with errors.As reaching the
// *OutcomeUnknownError: the key may have been processed by that attempt or by
// an earlier call. A Deposit or Transfer whose key the SDK generated cannot meet
// this case, since no earlier call can have used the key; it reports the
// processed write with AlreadyProcessed instead.
type DuplicateFundingError struct {
	// ExternalRefID is the key that was already processed.
	ExternalRefID string
	// AfterUnknownOutcome is true when an attempt of this call whose outcome
	// was unknown came before the duplicate answer.
	AfterUnknownOutcome bool
	// Err is Tango's answer.
	Err *APIError

	// unknown is the pipeline's error for this call, when AfterUnknownOutcome.
	unknown *OutcomeUnknownError
}

// Error names the key, says what is and is not known, and gives Tango's answer.
func (e *DuplicateFundingError) Error() string {
	by := "by an earlier call with the same key (if that call ended with an unknown outcome, it went through)"
	if e.AfterUnknownOutcome {
		by = "by this call (an attempt whose outcome was unknown) or by an earlier call with the same key"
	}
	return fmt.Sprintf("tango: externalRefID %q was already processed on this account, %s; nothing was processed twice: check the account's funding history or balance for the amount: %v",
		e.ExternalRefID, by, e.Err)
}

// Unwrap returns Tango's answer and, when AfterUnknownOutcome, the
// *OutcomeUnknownError of this call.
func (e *DuplicateFundingError) Unwrap() []error {
	errs := []error{e.Err}
	if e.unknown != nil {
		errs = append(errs, e.unknown)
	}
	return errs
}

// Is makes the error match ErrOutcomeUnknown when AfterUnknownOutcome is set.
func (e *DuplicateFundingError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.AfterUnknownOutcome
}

// ErrInvalidAmount is wrapped into every error about text that is not an amount the
// SDK can hold exactly: empty input, NaN, stray characters, more decimal places or
// digits than the bounds documented on [Amount], or a value that is not a whole
// number of cents where cents are asked for.
var ErrInvalidAmount = errors.New("tango: invalid amount")

// ErrAmountOverflow is wrapped into the error of arithmetic or a conversion whose
// exact result does not fit in an [Amount] or an int64.
var ErrAmountOverflow = errors.New("tango: amount out of range")

// ErrResultsTruncated is yielded by OrdersService.All when a window of time holds
// more orders than Tango lets a filter reach (10,000) and cannot be split further.
var ErrResultsTruncated = errors.New("tango: more orders match than Tango returns for one filter (10,000); narrow the filter")

// OrderError wraps every error OrdersService.Create returns, so that the
// externalRefID the order was (or would have been) placed with is never lost:
// retrying with it later is always safe. errors.As still reaches the cause
// (*APIError, *ValidationError, *OutcomeUnknownError, ...) through it.
type OrderError struct {
	// ExternalRefID is the idempotency key of the attempt; empty only when the
	// request was refused before one was chosen.
	ExternalRefID string
	// Err is the cause.
	Err error
}

// Error names the externalRefID and the cause.
func (e *OrderError) Error() string {
	if e.ExternalRefID == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("%v (order externalRefID %q)", e.Err, e.ExternalRefID)
}

// Unwrap returns the cause.
func (e *OrderError) Unwrap() error { return e.Err }

// IdempotencyMismatchError says that Tango answered an order request with an order
// it already had for the same externalRefID, and that order is not what was asked
// for: another item, amount, customer or account. Tango returns the stored order
// "even if the original order is for a different item"; the SDK refuses to pass it
// off as the result. Usually the caller reused an externalRefID by mistake.
type IdempotencyMismatchError struct {
	// ExternalRefID is the key both orders share.
	ExternalRefID string
	// Request is what the caller asked for (printing it redacts contact data).
	Request *CreateOrderRequest
	// Existing is the order Tango holds for that key.
	Existing *Order
	// Fields names what differs: "utid", "amount", "customerIdentifier",
	// "accountIdentifier", "deliveryMethod", "recipient" (where the reward goes:
	// the email address, mobile number or postal address the delivery method
	// uses, compared as far as Tango's answer states it).
	Fields []string
}

// LogValue presents the error to slog field by field (see logValueOf): a value
// of this type is not an error (Error has a pointer receiver), so slog's JSON
// handler would otherwise encode the request and the order with encoding/json.
func (e IdempotencyMismatchError) LogValue() slog.Value { return logValueOf(e) }

// Error names the key and the fields that differ.
func (e *IdempotencyMismatchError) Error() string {
	return fmt.Sprintf("tango: externalRefID %q already belongs to order %s, which differs from the request in %s",
		e.ExternalRefID, e.Existing.ReferenceOrderID, strings.Join(e.Fields, ", "))
}
