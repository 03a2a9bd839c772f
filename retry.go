package tango

// This file holds every retry rule of the SDK: which outcomes are retried for which
// kind of operation, how long to wait, how Retry-After is honoured, and the
// client-wide budget that stops an outage from multiplying traffic.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/tango-sdk/tango-go/internal/transport"
)

// RetryPolicy says how often and how patiently a Client retries. Zero fields take
// the defaults of DefaultRetryPolicy, so RetryPolicy{MaxAttempts: 3} changes only the
// attempt count. Set MaxAttempts to 1 to turn retries off.
//
// Which failures are retried is not configurable: it follows from what a retry can
// do to money (see the package documentation and retry.go).
type RetryPolicy struct {
	// MaxAttempts caps attempts per call, the first included. Default 6: Tango
	// advises at most 5 retries.
	MaxAttempts int
	// InitialInterval is the ceiling of the first backoff. Default 1 s.
	InitialInterval time.Duration
	// MaxInterval caps the backoff ceiling. Default 30 s.
	MaxInterval time.Duration
	// Multiplier grows the ceiling after each retry. Default 2.
	Multiplier float64
	// MaxElapsedTime stops retrying once this much time has passed since the
	// first attempt. Default 0: only MaxAttempts and the caller's context limit it.
	MaxElapsedTime time.Duration
	// MaxRetryAfter is the longest Retry-After the SDK waits for. A server asking
	// for more ends the retries at once, with the delay in the error, rather than
	// holding the call. Default 30 s.
	MaxRetryAfter time.Duration
	// BudgetCapacity is the size of the client-wide retry budget, in tokens. A
	// retry costs 5 tokens (10 after a timeout) and every successful call returns
	// one, so during an outage retries stop after about BudgetCapacity/5 of them
	// and calls fail after their first attempt until calls succeed again.
	// Default 500, as in AWS's SDKs; at least 10, so that any retry can be paid
	// for. A retry after a 429 on a paced endpoint costs nothing: the pacing, not
	// the budget, holds those back.
	BudgetCapacity int
	// DisableBudget turns the retry budget off.
	DisableBudget bool
}

// Retry timing floors that Tango asks for. They apply whatever the policy says.
const (
	// rateLimitFloor is the least wait after a 429.
	rateLimitFloor = time.Second
	// inFlightFloor is the least wait after 409.002: "a minimum of 2 seconds for all retries".
	inFlightFloor = 2 * time.Second
	// keyedFloor is the least wait before re-sending an order: Tango's create-order
	// page says to wait 1 s after any order error.
	keyedFloor = time.Second
)

// Retry budget costs.
const (
	retryCost        = 5
	timeoutRetryCost = 10
	successRefund    = 1
)

// DefaultRetryPolicy returns the policy a Client uses unless WithRetryPolicy says
// otherwise: 6 attempts, backoff ceilings 1 s, 2 s, 4 s ... capped at 30 s with full
// jitter, Retry-After honoured up to 30 s, and a budget of 500 tokens (AWS's
// numbers: a retry costs 5, one after a timeout 10, a success gives 1 back).
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:     6,
		InitialInterval: time.Second,
		MaxInterval:     30 * time.Second,
		Multiplier:      2,
		MaxRetryAfter:   30 * time.Second,
		BudgetCapacity:  500,
	}
}

// withDefaults fills zero fields from DefaultRetryPolicy.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts == 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.InitialInterval == 0 {
		p.InitialInterval = d.InitialInterval
	}
	if p.MaxInterval == 0 {
		p.MaxInterval = max(d.MaxInterval, p.InitialInterval)
	}
	if p.Multiplier == 0 {
		p.Multiplier = d.Multiplier
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	if p.BudgetCapacity == 0 {
		p.BudgetCapacity = d.BudgetCapacity
	}
	return p
}

// validate refuses policies that make no sense.
func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1 || p.MaxAttempts > 20:
		return fmt.Errorf("tango: RetryPolicy.MaxAttempts must be 1..20, got %d", p.MaxAttempts)
	case p.InitialInterval < 0:
		return fmt.Errorf("tango: RetryPolicy.InitialInterval must not be negative, got %v", p.InitialInterval)
	case p.MaxInterval < p.InitialInterval:
		return fmt.Errorf("tango: RetryPolicy.MaxInterval (%v) must be at least InitialInterval (%v)", p.MaxInterval, p.InitialInterval)
	case p.Multiplier < 1 || p.Multiplier > 10:
		return fmt.Errorf("tango: RetryPolicy.Multiplier must be 1..10, got %v", p.Multiplier)
	case p.MaxElapsedTime < 0:
		return fmt.Errorf("tango: RetryPolicy.MaxElapsedTime must not be negative, got %v", p.MaxElapsedTime)
	case p.MaxRetryAfter < 0:
		return fmt.Errorf("tango: RetryPolicy.MaxRetryAfter must not be negative, got %v", p.MaxRetryAfter)
	case p.BudgetCapacity < timeoutRetryCost && !p.DisableBudget:
		return fmt.Errorf("tango: RetryPolicy.BudgetCapacity must be at least %d (the cost of one retry after a timeout), got %d; set DisableBudget to turn the budget off", timeoutRetryCost, p.BudgetCapacity)
	}
	return nil
}

// retryMode says what a retry may do to the operation's effect at Tango.
type retryMode int

const (
	// retryRead: a read. Any attempt may be repeated.
	retryRead retryMode = iota
	// retryKeyed: a write that carries an idempotency key (an order's
	// externalRefID). Tango answers a repeat with the first result, so a write
	// whose fate is unknown may be repeated.
	retryKeyed
	// retryUnsafe: any other write. It is repeated only when Tango certainly did
	// nothing: the request never left, or Tango refused it with a 429.
	retryUnsafe
)

// attemptOutcome is what one attempt produced.
type attemptOutcome struct {
	status   int         // 0 when no response arrived
	header   http.Header // response header, when status != 0
	apiErr   error       // *APIError or *GatewayError for a non-2xx status
	i18nKey  string      // the error body's top-level i18nKey
	err      error       // transport error, when status == 0
	sent     bool        // the request may have reached Tango
	timedOut bool        // the attempt's own deadline expired
	fatal    bool        // retrying cannot help (the request could not be built or authenticated, the answer was too large or did not come through the pinned transport)
}

// retryDecision is the verdict on one failed attempt.
type retryDecision struct {
	retry     bool
	reason    string        // for logs and errors
	floor     time.Duration // the least wait before the next attempt
	cost      int           // retry budget tokens the retry spends
	ambiguous bool          // the write may have taken effect
}

// classify applies the retry table to an attempt's outcome (the README's "Retries
// and timeouts" states it for users; ARCHITECTURE.md shows where it sits on the
// request path). The first rule that matches decides.
func classify(mode retryMode, o *attemptOutcome) retryDecision {
	var floor time.Duration
	if mode == retryKeyed {
		floor = keyedFloor
	}
	switch {
	case o.fatal:
		return retryDecision{reason: "not retryable", ambiguous: o.sent && mode != retryRead}
	case o.err != nil && (transport.IsCertificateError(o.err) || errors.Is(o.err, ErrUntrustedServer)):
		return retryDecision{reason: "server certificate not trusted"}
	case o.err != nil && isHostNotFound(o.err):
		// The name does not exist (NXDOMAIN): it will not appear within a call,
		// and nothing was sent. A temporary resolver failure is retried below.
		return retryDecision{reason: "host name not found"}
	case o.err != nil && !o.sent:
		return retryDecision{retry: true, reason: "connection failed before the request was sent", floor: floor, cost: retryCost}
	case o.err != nil:
		cost := retryCost
		reason := "connection lost after the request was sent"
		if o.timedOut {
			cost, reason = timeoutRetryCost, "attempt timed out"
		}
		if mode == retryUnsafe {
			return retryDecision{reason: reason, ambiguous: true}
		}
		return retryDecision{retry: true, reason: reason, floor: floor, cost: cost, ambiguous: mode == retryKeyed}
	case o.status == http.StatusTooManyRequests:
		return retryDecision{retry: true, reason: "rate limited (429)", floor: max(floor, rateLimitFloor), cost: retryCost}
	case o.status == http.StatusConflict && o.i18nKey == "409.002":
		if mode != retryKeyed {
			return retryDecision{reason: "409.002 on a request without an idempotency key"}
		}
		return retryDecision{retry: true, reason: "same externalRefID still in flight (409.002)", floor: inFlightFloor, cost: retryCost, ambiguous: true}
	case o.status == 500 || o.status == 502 || o.status == 503 || o.status == 504:
		reason := fmt.Sprintf("server error (%d)", o.status)
		if mode == retryUnsafe {
			return retryDecision{reason: reason, ambiguous: true}
		}
		return retryDecision{retry: true, reason: reason, floor: floor, cost: retryCost, ambiguous: mode == retryKeyed}
	case o.status >= 500 || o.status == http.StatusRequestTimeout:
		// Any other 5xx (501, 505, 507, a gateway's 520-599) or a 408 comes from
		// a server or gateway that failed after the request reached it: it is not
		// retried, but a write may have taken effect, so it is settled (an order
		// by lookup) or reported as an unknown outcome, never as a clean refusal.
		return retryDecision{reason: fmt.Sprintf("status %d is final, but the request reached a server that failed", o.status), ambiguous: mode != retryRead}
	}
	return retryDecision{reason: fmt.Sprintf("status %d is final", o.status)}
}

// newBackOff makes the backoff for one call. Backoffs are never shared between
// calls: cenkalti's ExponentialBackOff is not safe for concurrent use.
func (p RetryPolicy) newBackOff(clock Clock) *backoff.ExponentialBackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     p.InitialInterval,
		RandomizationFactor: 0, // full jitter is applied in retryDelay
		Multiplier:          p.Multiplier,
		MaxInterval:         p.MaxInterval,
		MaxElapsedTime:      p.MaxElapsedTime,
		Stop:                backoff.Stop,
		Clock:               backoffClock{clock},
	}
	b.Reset()
	return b
}

// backoffClock lets cenkalti's backoff read the Client's Clock.
type backoffClock struct{ c Clock }

func (b backoffClock) Now() time.Time { return b.c.Now() }

// retryDelay picks the wait before the next attempt: a full-jitter draw below the
// backoff ceiling, raised to the decision's floor, or the server's Retry-After when
// it sent one. It returns ok=false when retrying must stop (the backoff's elapsed
// time ran out, or Retry-After asks for more than the policy allows) and says why.
func retryDelay(p RetryPolicy, b *backoff.ExponentialBackOff, d retryDecision, header http.Header, now time.Time) (delay time.Duration, ok bool, why string) {
	ceiling := b.NextBackOff()
	if ceiling == backoff.Stop {
		return 0, false, fmt.Sprintf("retrying stopped: MaxElapsedTime %v reached", p.MaxElapsedTime)
	}
	if ra, has := parseRetryAfter(header.Get("Retry-After"), now); has {
		if ra > p.MaxRetryAfter {
			return 0, false, fmt.Sprintf("server asked to wait %v, more than MaxRetryAfter %v", ra, p.MaxRetryAfter)
		}
		return max(ra, d.floor), true, ""
	}
	if ceiling > 0 {
		delay = rand.N(ceiling + 1)
	}
	return max(delay, d.floor), true, ""
}

// parseRetryAfter reads a Retry-After header in either form RFC 9110 allows: a
// number of seconds or an HTTP date. A date in the past means no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// retryBudget is a client-wide token bucket: retries spend tokens, successes put
// one back. When it runs dry, calls stop retrying, so an outage does not multiply
// the traffic Tango sees. A nil budget never runs dry.
type retryBudget struct {
	mu       sync.Mutex
	tokens   int
	capacity int
}

func newRetryBudget(p RetryPolicy) *retryBudget {
	if p.DisableBudget {
		return nil
	}
	return &retryBudget{tokens: p.BudgetCapacity, capacity: p.BudgetCapacity}
}

// take spends cost tokens and reports whether there were enough.
func (b *retryBudget) take(cost int) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < cost {
		return false
	}
	b.tokens -= cost
	return true
}

// succeeded returns a token after a successful call.
func (b *retryBudget) succeeded() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.tokens+successRefund, b.capacity)
	b.mu.Unlock()
}

// settlingKey marks the context of the lookup that settles an uncertain order.
type settlingKey struct{}

// withSettling marks ctx as the lookup that settles an order attempt whose
// outcome is unknown. Its retries do not draw on the client-wide retry budget:
// the budget stops retry storms, and one lookup per uncertain order (at most
// MaxAttempts attempts each for its list and fetch) is not a storm, while
// skipping it would leave an order that may have been paid for unsettled. It
// is still bounded by MaxAttempts, the backoff and the caller's context.
func withSettling(ctx context.Context) context.Context {
	return context.WithValue(ctx, settlingKey{}, true)
}

// settling reports whether ctx is a settling lookup's (see withSettling).
func settling(ctx context.Context) bool {
	v, _ := ctx.Value(settlingKey{}).(bool)
	return v
}

// isHostNotFound reports a DNS answer that the host name does not exist, as
// opposed to a resolver that failed or timed out (which asking again may cure).
func isHostNotFound(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound && !dnsErr.IsTemporary && !dnsErr.IsTimeout
}

// Stop decisions. The pipeline (Client.send) asks them at the same points of each
// round; the answers live here, with the rest of the retry rules.

// attemptsExhausted reports whether the policy allows no attempt after retries
// retries: MaxAttempts counts the first attempt too.
func (p RetryPolicy) attemptsExhausted(retries int) bool { return retries+1 >= p.MaxAttempts }

// stopBeforeWait answers, once the wait before the next attempt is known, whether
// the retry may go ahead. It may not if it would start after ctx's deadline, or if
// the retry budget cannot pay cost (a lookup that settles an uncertain write does
// not pay). A nil answer has taken the budget's tokens; otherwise the error says
// why, wrapping last.
func (c *Client) stopBeforeWait(ctx context.Context, delay time.Duration, cost int, last error) error {
	// Context deadlines are wall-clock times, whatever Clock the client uses.
	if dl, has := ctx.Deadline(); has && time.Until(dl) < delay {
		return fmt.Errorf("%w: the next attempt (in %v) would start after the context's deadline (last attempt: %w)", context.DeadlineExceeded, delay, last)
	}
	if !settling(ctx) && !c.budget.take(cost) {
		return fmt.Errorf("%w: %w", ErrRetryBudgetExhausted, last)
	}
	return nil
}
