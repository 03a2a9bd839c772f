package tango

// The request pipeline: a request is encoded once, then each attempt gets a fresh
// body reader, its own deadline, the auth header, and a verdict from retry.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/tango-sdk/tango-go/internal/transport"
	"github.com/tango-sdk/tango-go/internal/wire"
)

// maxErrorBody caps how much of an error answer is read; drainLimit caps how much
// more is read (and thrown away) so the connection can be reused.
const (
	maxErrorBody = 64 << 10
	drainLimit   = 4 << 10
)

// errResponseTooLarge is returned when an answer is bigger than the client's cap.
var errResponseTooLarge = errors.New("tango: response larger than the client's limit (WithMaxResponseBytes)")

// request is one logical call, built once and replayed byte for byte.
type request struct {
	method        string
	path          string // relative to the API root, path parameters escaped
	query         url.Values
	body          []byte // nil when the call has no body
	mode          retryMode
	externalRefID string // the idempotency key, for logs and errors
	customer      string // for the account guard
	account       string
}

// newRequest encodes body once, so that every attempt sends the same bytes.
func newRequest(method, path string, query url.Values, body any, mode retryMode) (*request, error) {
	if hasDotSegment(path) {
		// Every typed method checks its path parameters; this is the backstop
		// for one that does not: a "." or ".." would address another resource.
		var v validator
		v.add("path", keyUnprocessable, `a path parameter must not be "." or ".."`)
		return nil, v.err()
	}
	r := &request{method: method, path: path, query: query, mode: mode}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("tango: encoding %s %s: %w", method, path, err)
		}
		r.body = b
	}
	return r, nil
}

// send runs the attempts of r and decodes a successful answer into out.
func (c *Client) send(ctx context.Context, r *request, out any) (*Response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("tango: %s %s: %w", r.method, r.path, errNilContext)
	}
	if c.refuse != nil {
		return nil, fmt.Errorf("tango: %s %s: %w", r.method, r.path, c.refuse)
	}
	if c.accountGuard != nil && (r.customer != "" || r.account != "") {
		if err := c.accountGuard(ctx, r.customer, r.account); err != nil {
			return nil, fmt.Errorf("tango: %s %s: account guard refused customer %q account %q: %w", r.method, r.path, r.customer, r.account, err)
		}
	}
	target := c.baseURL + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	// The backoff is made at the first retry; most calls never need one. With a
	// MaxElapsedTime it is made now, since its clock starts when it is made.
	var bo *backoff.ExponentialBackOff
	if c.policy.MaxElapsedTime > 0 {
		bo = c.policy.newBackOff(c.clock)
	}
	var (
		attempts     int
		retries      int
		authReplayed bool
		ambiguous    bool  // some attempt may have taken effect
		last         error // the error the last attempt stands for
		turn         Turn  // the endpoint and pace, when paced
	)
	paced := c.paced
	if paced {
		turn.Endpoint = endpointOf(r)
		turn.Rate = c.rates.rateFor(turn.Endpoint)
		paced = turn.Rate != Unlimited
	}
	for {
		if paced {
			if err := c.awaitTurn(ctx, r, turn); err != nil {
				if last == nil {
					return nil, err
				}
				return nil, c.giveUp(r, attempts, ambiguous, fmt.Errorf("%w (last attempt: %w)", err, last))
			}
		}
		attempts++
		o, body := c.attempt(ctx, r, target, attempts)
		if o.err == nil && o.status >= 200 && o.status < 300 {
			c.budget.succeeded()
			if paced {
				turn.Now = c.clock.Now()
				c.rates.limiter.Succeeded(ctx, turn)
			}
			return c.decode(r, o, body, attempts, out)
		}
		if o.status == http.StatusUnauthorized && !authReplayed && c.auth.invalidate(o.authUsed) {
			authReplayed = true
			c.logger.LogAttrs(ctx, slog.LevelDebug, "tango retry",
				slog.String("method", r.method), slog.String("path", r.path), slog.Int("attempt", attempts),
				slog.String("reason", "credential refused (401); replaying once with a fresh one"), slog.Duration("delay", 0))
			continue
		}
		d := classify(r.mode, &o.attemptOutcome)
		ambiguous = ambiguous || d.ambiguous
		last = c.attemptError(r, o, attempts)
		if ctx.Err() != nil {
			return nil, c.giveUp(r, attempts, ambiguous, fmt.Errorf("%w (last attempt: %w)", ctx.Err(), last))
		}
		if !d.retry {
			return nil, c.giveUp(r, attempts, ambiguous, last)
		}
		if c.policy.attemptsExhausted(retries) {
			return nil, c.giveUp(r, attempts, ambiguous, last)
		}
		if bo == nil {
			bo = c.policy.newBackOff(c.clock)
		}
		delay, ok, why := retryDelay(c.policy, bo, d, o.header, c.clock.Now())
		if !ok {
			return nil, c.giveUp(r, attempts, ambiguous, fmt.Errorf("%s: %w", why, last))
		}
		pausedBy429 := paced && o.status == http.StatusTooManyRequests
		if pausedBy429 {
			// A 429 is news for every caller of the limiter: it pauses the endpoint
			// for all of them, and the retry waits for its turn like any attempt,
			// so it neither sleeps here nor spends the retry budget.
			delay, d.cost = 0, 0
			c.throttled(ctx, turn, d, o.header)
		}
		if err := c.stopBeforeWait(ctx, delay, d.cost, last); err != nil {
			return nil, c.giveUp(r, attempts, ambiguous, err)
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "tango retry",
			slog.String("method", r.method), slog.String("path", r.path), slog.Int("attempt", attempts),
			slog.String("reason", d.reason), slog.Duration("delay", delay), slog.String("external_ref_id", r.externalRefID))
		if !pausedBy429 {
			if err := c.clock.Sleep(ctx, delay); err != nil {
				return nil, c.giveUp(r, attempts, ambiguous, fmt.Errorf("%w (while waiting to retry; last attempt: %w)", err, last))
			}
		}
		retries++
	}
}

// outcome adds what the pipeline needs beyond retry classification. It also
// holds the state the attempt shares with transport.Guard, so that one
// allocation serves both.
type outcome struct {
	attemptOutcome
	authUsed  any
	requestID string
	state     transport.AttemptState
	ctx       transport.AttemptContext // the request's context, carrying state
	resp      Response                 // what decode returns, allocated with the rest
}

// attempt makes one attempt with its own deadline and reads the answer within it.
func (c *Client) attempt(ctx context.Context, r *request, target string, n int) (*outcome, []byte) {
	start := c.clock.Now()
	actx, cancel := context.WithTimeout(ctx, c.attemptTimeout)
	defer cancel()
	// The credentials are added by transport.Guard, next to the pinned
	// transport, so that no middleware can send them anywhere else; it also
	// records whether the request was written.
	o := &outcome{}
	st := &o.state
	st.Begin(c.auth)
	o.ctx = transport.NewAttemptContext(actx, st)
	var body io.Reader
	hdr := c.header
	if r.body != nil {
		// net/http gives a *bytes.Reader body a GetBody that replays the same bytes.
		body = bytes.NewReader(r.body)
		hdr = c.bodyHeader
	}
	hreq, err := http.NewRequestWithContext(&o.ctx, r.method, target, body)
	if err != nil {
		o.err, o.fatal = fmt.Errorf("tango: building %s %s: %w", r.method, r.path, err), true
		return o, nil
	}
	if c.shareHeader {
		// Nothing between here and transport.Guard, which copies it, changes a header.
		hreq.Header = hdr
	} else {
		hreq.Header = hdr.Clone() // middleware may (wrongly) change it
	}

	resp, err := c.roundTrip(hreq)
	reached, used, authErr := st.Result()
	o.authUsed = used
	switch {
	case err == nil && !st.FromPinnedTransport(resp):
		// A middleware answered with something the pinned transport did not
		// give: its own transport's answer, perhaps a forged one. It never had the
		// credentials, but the body may have gone somewhere: for a write, the
		// outcome is unknown.
		_ = resp.Body.Close()
		how := "answered without calling the SDK's pinned transport"
		if reached {
			how = "returned an answer the SDK's pinned transport did not give"
		}
		o.err, o.fatal, o.sent = fmt.Errorf("%w: a transport middleware %s; it must call the next RoundTripper and return its answer", ErrUntrustedServer, how), true, true
		c.logAttempt(ctx, r, n, o, start)
		return o, nil
	case err != nil && authErr != nil && !st.Wrote():
		o.err, o.fatal = fmt.Errorf("tango: %s %s: authenticating: %w", r.method, r.path, authErr), true
		c.logAttempt(ctx, r, n, o, start)
		return o, nil
	case err != nil:
		o.err = scrubTransportError(r, err)
		o.sent = st.Wrote()
		o.timedOut = errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		c.logAttempt(ctx, r, n, o, start)
		return o, nil
	}
	defer resp.Body.Close()
	o.sent = true
	o.status, o.header = resp.StatusCode, resp.Header
	o.requestID = resp.Header.Get("X-Request-Id")
	limit := c.maxBody
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBody
	}
	data, err := wire.ReadAtMost(resp.Body, limit+1, resp.ContentLength)
	if err == nil && errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		// The attempt's own deadline passed while the body was read: the end seen
		// then may be where the read was cut, not the end of the answer, so the
		// answer is not used. (A caller's cancellation keeps the answer read.)
		err = actx.Err()
	}
	switch {
	case err != nil:
		o.status, o.err = 0, scrubTransportError(r, err)
		o.timedOut = errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	case int64(len(data)) > limit && limit == maxErrorBody:
		data = data[:limit] // an oversized error body is only an excerpt anyway
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
	case int64(len(data)) > limit:
		o.status, o.err, o.fatal = 0, errResponseTooLarge, true
	}
	if o.status != 0 && (o.status < 200 || o.status > 299) {
		o.i18nKey, o.apiErr = parseErrorBody(r, resp, data)
	}
	c.logAttempt(ctx, r, n, o, start)
	return o, data
}

// roundTrip sends req through the client's transport chain and holds the answer
// to the RoundTripper contract, as http.Client would: an error comes without an
// answer, an answer without an error has a body.
func (c *Client) roundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	switch {
	case err != nil:
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return nil, err
	case resp == nil:
		return nil, errors.New("a transport middleware returned neither an answer nor an error")
	case resp.Body == nil:
		resp.Body = http.NoBody
	}
	return resp, nil
}

// logAttempt writes the one debug record of an attempt.
func (c *Client) logAttempt(ctx context.Context, r *request, n int, o *outcome, start time.Time) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.method),
		slog.String("path", r.path),
		slog.Int("status", o.status),
		slog.Int("attempt", n),
		slog.Duration("duration", c.clock.Now().Sub(start)),
		slog.String("request_id", o.requestID),
	}
	if r.externalRefID != "" {
		attrs = append(attrs, slog.String("external_ref_id", r.externalRefID))
	}
	if o.err != nil {
		attrs = append(attrs, slog.String("error", o.err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "tango attempt", attrs...)
}

// decode turns a successful answer into a Response and fills out.
func (c *Client) decode(r *request, o *outcome, body []byte, attempts int, out any) (*Response, error) {
	o.resp = Response{StatusCode: o.status, Header: o.header, RequestID: o.requestID, Attempts: attempts}
	resp := &o.resp
	if out != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			err = fmt.Errorf("tango: %s %s: decoding the answer (request id %s): %w", r.method, r.path, o.requestID, err)
			if r.mode != retryRead {
				// The write succeeded; only its answer is unreadable.
				return resp, &OutcomeUnknownError{Method: r.method, Path: r.path, ExternalRefID: r.externalRefID, Attempts: attempts, Err: err}
			}
			return resp, err
		}
	}
	return resp, nil
}

// attemptError is the error one failed attempt stands for.
func (c *Client) attemptError(r *request, o *outcome, attempts int) error {
	switch e := o.apiErr.(type) {
	case *APIError:
		e.Attempts = attempts
		return e
	case *GatewayError:
		return e
	}
	if o.err != nil {
		return o.err
	}
	return fmt.Errorf("tango: %s %s: unexpected status %d", r.method, r.path, o.status)
}

// giveUp makes the error a call ends with. A write that may have taken effect
// becomes an *OutcomeUnknownError, so that nobody mistakes it for a clean failure.
func (c *Client) giveUp(r *request, attempts int, ambiguous bool, last error) error {
	last = withHint(last, c.env.Name, attempts)
	if ambiguous && r.mode != retryRead {
		return &OutcomeUnknownError{Method: r.method, Path: r.path, ExternalRefID: r.externalRefID, Attempts: attempts, Err: last}
	}
	return last
}

// scrubTransportError strips the URL that net/http puts into its errors: the query
// string can hold recipient email addresses, which must not reach logs.
func scrubTransportError(r *request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("tango: %s %s: %w", r.method, r.path, markUntrusted(err))
}
