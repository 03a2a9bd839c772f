package tango

// Pacing: before every attempt a Client asks a RateLimiter for a turn on the
// attempt's endpoint, so that it never sends faster than Tango's documented limit
// (1 request per second). A 429 pauses the endpoint for every caller of the limiter
// and lowers its rate for a while (additive increase, multiplicative decrease).

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a pace in requests per second, for WithRateLimit.
type Rate float64

const (
	// DefaultRate is Tango's documented limit: 1 request per second on each
	// endpoint. Every Client paces at this rate unless WithRateLimit says otherwise.
	DefaultRate Rate = 1
	// Unlimited turns pacing off: no wait before any attempt, and no 429 sharing.
	// Use it against tangotest (which enforces no limit unless asked), or where a
	// proxy of yours paces the traffic already.
	Unlimited Rate = math.MaxFloat64
)

// Endpoint names what a pace applies to: an HTTP method and the path template of
// a Tango route, such as {POST /orders} or {GET /orders/{id}}. Path parameters are
// written {id} whatever the documentation calls them.
type Endpoint struct {
	Method string
	Path   string
}

// String returns "METHOD /path/{id}", the form WithRateLimit accepts.
func (e Endpoint) String() string { return e.Method + " " + e.Path }

// Turn is one request for a turn from a RateLimiter, and what the limiter is told
// about the answer.
type Turn struct {
	// Endpoint is the endpoint of the attempt.
	Endpoint Endpoint
	// Rate is the pace the client is configured with for Endpoint: the most the
	// limiter may allow. It is never Unlimited (such attempts skip the limiter).
	Rate Rate
	// Now is the time by the client's Clock.
	Now time.Time
	// MaxWait is the longest the caller can wait (until its context's deadline).
	// A turn further away than MaxWait must not be booked.
	MaxWait time.Duration
}

// RateLimiter paces the attempts of one or several Clients. The default is a
// limiter in process memory per Client (NewRateLimiter); share one between the
// clients of one platform in a process with WithRateLimiter, or share one across
// a fleet with the github.com/tango-sdk/tango-go/redis module.
//
// Implementations must be safe for concurrent use.
type RateLimiter interface {
	// Reserve books the next turn on t.Endpoint and returns how long the caller
	// must wait before sending. When the turn is further away than t.MaxWait it
	// books nothing and returns the wait it would have needed with ok false. An
	// error means the limiter could not answer; the call fails with it.
	Reserve(ctx context.Context, t Turn) (wait time.Duration, ok bool, err error)
	// Throttled reports that Tango answered 429 on t.Endpoint: the limiter must not
	// give a turn on it to anyone for pause, and should lower its rate for a while.
	Throttled(ctx context.Context, t Turn, pause time.Duration)
	// Succeeded reports a successful answer on t.Endpoint, which lets a rate
	// lowered by Throttled climb back.
	Succeeded(ctx context.Context, t Turn)
}

// AIMD constants: a 429 multiplies an endpoint's rate by 0.7, as AWS's adaptive
// retry mode does (at most once per interval of the lowered rate, so one burst of
// 429s counts once), down to a quarter of the configured rate; every success gives
// back a tenth of the configured rate.
const (
	throttleFactor  = 0.7
	minRateFactor   = 0.25
	recoveryPerCall = 0.1
)

// paceMargin keeps turns slightly more than 1/rate apart (2 %), so that the jitter
// between a turn and the request's arrival at Tango does not make two requests
// look closer than the limit: at 1 TPS, turns are 1.02 s apart (0.98 requests/s).
const paceMargin = 1.02

// NewRateLimiter returns a RateLimiter in process memory, built on
// golang.org/x/time/rate, with a burst of 1: turns on an endpoint are spaced
// 1/rate apart. Every Client has one of its own; give the same one to several
// clients of the same platform with WithRateLimiter so that together they keep
// to Tango's limit.
func NewRateLimiter() RateLimiter {
	return &localLimiter{eps: map[Endpoint]*endpointPace{}}
}

// localLimiter keeps one pace per endpoint.
type localLimiter struct {
	mu  sync.Mutex
	eps map[Endpoint]*endpointPace
}

// endpointPace is the state of one endpoint.
type endpointPace struct {
	lim         *rate.Limiter
	factor      float64   // the share of the configured rate in use (AIMD), in [minRateFactor, 1]
	pausedUntil time.Time // no turn before this (set by a 429)
	lastNow     time.Time // the latest time seen, so that the pace never runs backwards
	lastCut     time.Time // when the rate was last lowered
}

// String describes the limiter without its state.
func (l *localLimiter) String() string { return "tango.RateLimiter(in-process)" }

// pace returns the state of t's endpoint with its limit set for t.Rate, and t.Now
// made monotonic; l.mu is held.
func (l *localLimiter) pace(t Turn) (*endpointPace, time.Time) {
	p := l.eps[t.Endpoint]
	if p == nil {
		p = &endpointPace{lim: rate.NewLimiter(limitOf(t.Rate, 1), 1), factor: 1}
		l.eps[t.Endpoint] = p
	}
	now := t.Now
	if now.Before(p.lastNow) {
		now = p.lastNow
	}
	p.lastNow = now
	if want := limitOf(t.Rate, p.factor); p.lim.Limit() != want {
		p.lim.SetLimitAt(now, want)
	}
	return p, now
}

// Reserve implements RateLimiter.
func (l *localLimiter) Reserve(_ context.Context, t Turn) (time.Duration, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, now := l.pace(t)
	at := now
	if p.pausedUntil.After(at) {
		at = p.pausedUntil
	}
	r := p.lim.ReserveN(at, 1)
	if !r.OK() {
		return 0, false, fmt.Errorf("tango: rate limiter: no turn possible on %s", t.Endpoint)
	}
	wait := at.Sub(t.Now) + r.DelayFrom(at)
	if wait > t.MaxWait {
		r.CancelAt(at)
		return wait, false, nil
	}
	return max(wait, 0), true, nil
}

// Throttled implements RateLimiter.
func (l *localLimiter) Throttled(_ context.Context, t Turn, pause time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, now := l.pace(t)
	if until := now.Add(pause); until.After(p.pausedUntil) {
		p.pausedUntil = until
	}
	interval := time.Duration(float64(time.Second) / float64(limitOf(t.Rate, p.factor)))
	if p.lastCut.IsZero() || now.Sub(p.lastCut) >= interval {
		p.factor = max(p.factor*throttleFactor, minRateFactor)
		p.lastCut = now
		p.lim.SetLimitAt(now, limitOf(t.Rate, p.factor))
	}
}

// limitOf is the x/time/rate limit for a configured rate r at share factor.
func limitOf(r Rate, factor float64) rate.Limit {
	return rate.Limit(float64(r) * factor / paceMargin)
}

// Succeeded implements RateLimiter.
func (l *localLimiter) Succeeded(_ context.Context, t Turn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p := l.eps[t.Endpoint]; p != nil && p.factor < 1 {
		p.factor = min(p.factor+recoveryPerCall, 1)
	}
}

// rateLimits is what WithRateLimit and WithRateLimiter configure.
type rateLimits struct {
	all     Rate
	by      map[Endpoint]Rate // overrides all
	limiter RateLimiter       // nil: NewRateLimiter()
}

// rateFor returns the configured pace of ep.
func (r *rateLimits) rateFor(ep Endpoint) Rate {
	if v, ok := r.by[ep]; ok {
		return v
	}
	return r.all
}

// off reports whether no endpoint is paced, so that calls skip the limiter.
func (r *rateLimits) off() bool {
	if r.all != Unlimited {
		return false
	}
	for _, v := range r.by {
		if v != Unlimited {
			return false
		}
	}
	return true
}

// parseEndpoint reads "METHOD /path/{param}" as WithRateLimit accepts it.
func parseEndpoint(s string) (Endpoint, error) {
	method, path, ok := strings.Cut(strings.TrimSpace(s), " ")
	method, path = strings.ToUpper(method), strings.TrimSpace(path)
	switch {
	case !ok || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?# "):
		return Endpoint{}, fmt.Errorf("endpoint %q: want \"METHOD /path\", such as \"POST /orders\"", s)
	case method != "GET" && method != "POST" && method != "PATCH" && method != "PUT" && method != "DELETE" && method != "HEAD":
		return Endpoint{}, fmt.Errorf("endpoint %q: unknown method %q", s, method)
	}
	return Endpoint{Method: method, Path: pathTemplate(path)}, nil
}

// endpointOf is the endpoint a request is paced on.
func endpointOf(r *request) Endpoint {
	return Endpoint{Method: r.method, Path: pathTemplate(r.path)}
}

// pathTemplate turns a request path into its route template, writing every path
// parameter as {id}: "/orders/RA-1/resends" becomes "/orders/{id}/resends". Tango's
// routes alternate collection names and identifiers, with a few fixed names where
// an identifier would stand (listed below); a segment in braces is a parameter
// already.
func pathTemplate(path string) string {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	first := segs[0]
	for i := 1; i < len(segs); i++ {
		s := segs[i]
		if !isPathParam(first, segs, i) && !(strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}")) {
			continue
		}
		segs[i] = "{id}"
	}
	return "/" + strings.Join(segs, "/")
}

// isPathParam reports whether segment i of a path under first is an identifier.
func isPathParam(first string, segs []string, i int) bool {
	s := segs[i]
	switch first {
	case "lineItems":
		if i == 1 && s == "reasonCodes" {
			return false
		}
	case "webhooks":
		if i == 1 && s == "eventtypes" {
			return false
		}
	case "prepaidCardService":
		// /prepaidCardService/<action>/{referenceLineItemID}
		return i == 2
	case "asyncOrders":
		// /asyncOrders/reasonCodes, /asyncOrders/lineItems/{id},
		// /asyncOrders/customers/{c}/accounts/{a}/{externalRefID}/lineItems
		switch {
		case i == 1:
			return false
		case segs[1] == "customers":
			return i == 2 || i == 4 || i == 5
		default:
			return i == 2
		}
	}
	return i%2 == 1
}

// awaitTurn waits for the next turn on the request's endpoint. It fails at once,
// with a *RateLimitWaitError, when the turn would come after ctx's deadline.
func (c *Client) awaitTurn(ctx context.Context, r *request, t Turn) error {
	if a, ok := c.auth.(interface{ ready(context.Context) error }); ok {
		// A failure here is left to the attempt, which reports it as usual.
		_ = a.ready(ctx)
	}
	t.MaxWait = time.Duration(math.MaxInt64)
	if dl, ok := ctx.Deadline(); ok {
		// Context deadlines are wall-clock times, whatever Clock the client uses.
		t.MaxWait = time.Until(dl)
	}
	t.Now = c.clock.Now()
	wait, ok, err := c.rates.limiter.Reserve(ctx, t)
	switch {
	case err != nil:
		return fmt.Errorf("tango: %s %s: rate limiter: %w", r.method, r.path, err)
	case !ok:
		return &RateLimitWaitError{Endpoint: t.Endpoint.String(), Wait: wait, Deadline: max(t.MaxWait, 0)}
	case wait <= 0:
		return nil
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "tango pacing",
		slog.String("endpoint", t.Endpoint.String()), slog.Duration("wait", wait))
	if err := c.clock.Sleep(ctx, wait); err != nil {
		return fmt.Errorf("tango: %s %s: while waiting %v for a turn in the client's pacing: %w", r.method, r.path, wait, err)
	}
	return nil
}

// throttled tells the limiter about a 429: the endpoint pauses for the server's
// Retry-After, and at least the decision's floor (1 s) and one interval of the pace.
func (c *Client) throttled(ctx context.Context, t Turn, d retryDecision, h http.Header) {
	t.Now = c.clock.Now()
	pause := max(d.floor, time.Duration(float64(time.Second)/float64(t.Rate)))
	if ra, ok := parseRetryAfter(h.Get("Retry-After"), t.Now); ok {
		pause = max(pause, ra)
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "tango pacing",
		slog.String("endpoint", t.Endpoint.String()), slog.String("reason", "rate limited (429); pausing the endpoint for every caller"), slog.Duration("pause", pause))
	c.rates.limiter.Throttled(ctx, t, pause)
}
