package tangotest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault makes the fake misbehave for matching requests. Inject it with
// Server.Inject; faults are checked in the order they were injected.
type Fault struct {
	// Method matches the request method; empty matches every method.
	Method string
	// Path matches the URL path exactly or as a prefix of whole segments:
	// "/raas/v2/orders" matches /raas/v2/orders and /raas/v2/orders/RA.../resends.
	// Empty matches every path. See PathOrders and PathToken.
	Path string
	// Times is how often the fault fires before it retires; 0 means every time.
	Times int
	// Probability is the chance (0 to 1) that a matching request triggers the
	// fault, drawn from the seeded random source (WithSeed); 0 means always.
	Probability float64
	// Action is what happens; build it with Latency, ConnectionReset, Status and
	// the other constructors.
	Action Action
}

// actionKind says what an Action does.
type actionKind int

const (
	actNone actionKind = iota
	actLatency
	actReset
	actStatus
	actGateway
	actTokenOutage
	actTokenQuota
)

// Action is what a Fault does to a request. Actions marked "after commit" act once
// the handler has done its work (the order is placed and the balance debited) but
// before the answer is written; the others act before the request is handled at all.
type Action struct {
	kind        actionKind
	afterCommit bool
	delay       time.Duration
	status      int
	i18nKey     string
	message     string
	retryAfter  string
}

// Latency holds the request for d (real time) before it is handled. A client whose
// attempt timeout is shorter sees a timeout; nothing has happened at the fake.
func Latency(d time.Duration) Action { return Action{kind: actLatency, delay: d} }

// LatencyAfterCommit holds the answer for d (real time) after the work is committed.
// For POST /orders the order exists and its externalRefID stays in flight meanwhile,
// so a concurrent duplicate gets 409 (409.002).
func LatencyAfterCommit(d time.Duration) Action {
	return Action{kind: actLatency, delay: d, afterCommit: true}
}

// ConnectionReset drops the connection before the request is handled: nothing
// happened at the fake.
func ConnectionReset() Action { return Action{kind: actReset} }

// ConnectionResetAfterCommit drops the connection after the work is committed: the
// order exists, but the client never hears of it.
func ConnectionResetAfterCommit() Action { return Action{kind: actReset, afterCommit: true} }

// Status answers with an HTTP error status and a realistic Tango error body instead
// of handling the request. The i18nKey follows the status: 429 429.001, 500 500.001,
// 502 502.001, 503 503.501, 504 504.001; change it with WithI18nKey.
func Status(code int) Action {
	key, msg := defaultFault(code)
	return Action{kind: actStatus, status: code, i18nKey: key, message: msg}
}

// StatusAfterCommit is Status once the work is committed: the order is placed, then
// the client is told 5xx (Tango's "processed but 503").
func StatusAfterCommit(code int) Action {
	a := Status(code)
	a.afterCommit = true
	return a
}

// RateLimited answers 429 (429.001). A positive retryAfter adds a Retry-After header
// in whole seconds (rounded up); zero sends none, as Tango documents none.
func RateLimited(retryAfter time.Duration) Action {
	return Status(http.StatusTooManyRequests).WithRetryAfter(retryAfter)
}

// GatewayForbidden answers like Tango's AWS load balancer: 403 with an HTML page and
// Server: awselb/2.0.
func GatewayForbidden() Action { return Action{kind: actGateway} }

// TokenOutage makes the token endpoint answer 503 with
// {"error":"temporarily_unavailable",...}.
func TokenOutage() Action { return Action{kind: actTokenOutage} }

// TokenQuotaExceeded makes the token endpoint answer like Tango's token quota: 400
// with an error_description saying the client has exceeded the daily rate limit.
func TokenQuotaExceeded() Action { return Action{kind: actTokenQuota} }

// WithI18nKey returns a copy of a Status action with another i18nKey and message.
func (a Action) WithI18nKey(key, message string) Action {
	a.i18nKey, a.message = key, message
	return a
}

// WithRetryAfter returns a copy of the action that also sends Retry-After in whole
// seconds, rounded up. Zero or less removes the header.
func (a Action) WithRetryAfter(d time.Duration) Action {
	a.retryAfter = ""
	if d > 0 {
		a.retryAfter = strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
	}
	return a
}

// String describes the action, for test failure messages.
func (a Action) String() string {
	when := ""
	if a.afterCommit {
		when = " after commit"
	}
	switch a.kind {
	case actLatency:
		return fmt.Sprintf("latency %v%s", a.delay, when)
	case actReset:
		return "connection reset" + when
	case actStatus:
		return fmt.Sprintf("status %d (%s)%s", a.status, a.i18nKey, when)
	case actGateway:
		return "load balancer 403"
	case actTokenOutage:
		return "token endpoint outage"
	case actTokenQuota:
		return "token quota exceeded"
	}
	return "no action"
}

// defaultFault returns the i18nKey and message Tango uses for an error status.
func defaultFault(code int) (string, string) {
	switch code {
	case 400:
		return "400.001", "Invalid request."
	case 401:
		return "401.002", "Invalid credentials."
	case 403:
		return "403.001", "Authorization Error"
	case 404:
		return "404.001", "Not found."
	case 409:
		return "409.002", "Another order with the same external reference ID is in process; retry at least 2 seconds apart."
	case 429:
		return "429.001", "Too many requests."
	case 500:
		return "500.001", "Unexpected application error."
	case 502:
		return "502.001", "Gateway error."
	case 503:
		return "503.501", "Service timed out. Retry with an increasing delay; see the status page."
	case 504:
		return "504.001", "Gateway timeout."
	}
	return fmt.Sprintf("%d.001", code), http.StatusText(code)
}

// injected is a fault in the server's list.
type injected struct {
	f       Fault
	fired   int
	removed bool
}

// Inject adds a fault and returns a function that removes it. It panics on a fault
// that makes no sense (no action, a probability outside 0..1, negative Times): that
// is a mistake in the test.
func (s *Server) Inject(f Fault) (remove func()) {
	if f.Action.kind == actNone {
		panic("tangotest: Fault has no Action")
	}
	if f.Probability < 0 || f.Probability > 1 || f.Times < 0 {
		panic(fmt.Sprintf("tangotest: Fault probability %v must be within 0..1 and Times %d must not be negative", f.Probability, f.Times))
	}
	in := &injected{f: f}
	s.mu.Lock()
	s.faults = append(s.faults, in)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		in.removed = true
		for i, x := range s.faults {
			if x == in {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				break
			}
		}
	}
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		f.removed = true
	}
	s.faults = nil
}

// matches reports whether the fault applies to the request.
func (f *Fault) matches(method, path string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Path == "" || f.Path == path {
		return true
	}
	return strings.HasPrefix(path, strings.TrimSuffix(f.Path, "/")+"/")
}

// firing picks the faults of one phase that fire for this request, counting them.
func (s *Server) firing(method, path string, afterCommit bool) []Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Action
	for _, in := range s.faults {
		f := &in.f
		if in.removed || f.Action.afterCommit != afterCommit || !f.matches(method, path) {
			continue
		}
		if f.Times > 0 && in.fired >= f.Times {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && s.rng.Float64() >= f.Probability {
			continue
		}
		in.fired++
		out = append(out, f.Action)
	}
	return out
}

// runFaults applies the faults of one phase to the call. It returns false when a
// fault answered (or dropped) the request, so that the caller must stop.
func (c *call) runFaults(afterCommit bool) bool {
	for _, a := range c.s.firing(c.r.Method, c.r.URL.Path, afterCommit) {
		switch a.kind {
		case actLatency:
			c.s.holds.add(1, 0)
			if !sleepCtx(c.r.Context(), a.delay) {
				// The client left or the server is closing: write nothing.
				// ServeHTTP counts the request abandoned once it has unwound.
				c.abandoned = true
				panic(http.ErrAbortHandler)
			}
		case actReset:
			panic(http.ErrAbortHandler)
		case actStatus:
			if a.retryAfter != "" {
				c.w.Header().Set("Retry-After", a.retryAfter)
			}
			c.fail(a.status, a.i18nKey, a.message)
			return false
		case actGateway:
			writeGatewayForbidden(c.w)
			return false
		case actTokenOutage:
			c.tokenFail(http.StatusServiceUnavailable, "temporarily_unavailable", "The authorization server is temporarily unavailable.")
			return false
		case actTokenQuota:
			c.tokenFail(http.StatusBadRequest, "access_denied",
				"Client tangotest "+c.s.cfg.clientID+" has exceeded the daily rate limit")
			return false
		}
	}
	return true
}

// sleepCtx waits for d or until ctx ends; it reports whether the full wait elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
