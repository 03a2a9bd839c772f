package transport

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"slices"
	"sync"
	"sync/atomic"
)

// Authorizer puts credentials on a request. The value it returns identifies the
// credential it used (an OAuth token), so that the pipeline can hand it back to
// the credentials' owner after a 401.
type Authorizer interface {
	Authorize(ctx context.Context, req *http.Request) (used any, err error)
}

// Guard is the innermost layer of a Client's transport, between the caller's
// middleware (WithTransportMiddleware) and the pinned transport. It is what keeps
// the pin when middleware is present:
//
//   - it refuses a request whose scheme or host is not the environment's, so a
//     middleware that rewrites the URL (to plain http, to a sidecar) cannot take
//     the request past the pinned roots;
//   - it adds the credentials itself, so a middleware that answers without calling
//     it, or sends the request through another transport, never had them;
//   - it records that the request reached it and which answers the pinned
//     transport gave, so that the pipeline can refuse any other answer.
type Guard struct {
	next      *http.Transport
	scheme    string
	host      string
	untrusted error
}

// NewGuard returns the guard in front of next for requests to scheme://host. A
// request sent anywhere else is refused with an error wrapping untrusted
// (tango.ErrUntrustedServer).
func NewGuard(next *http.Transport, scheme, host string, untrusted error) *Guard {
	return &Guard{next: next, scheme: scheme, host: host, untrusted: untrusted}
}

// AttemptState is what one attempt shares with the Guard through the request's
// context (see AttemptContext). A middleware may call the Guard several times
// (retries, hedging) and from other goroutines; the state accumulates over the
// calls. The zero value is ready after Begin.
type AttemptState struct {
	auth Authorizer // nil: send without credentials

	wrote atomic.Bool // the pinned transport wrote a request's headers
	// trace sets wrote. The Guard hands it to httptrace as it is unless the
	// request's context has a trace already, which httptrace would merge into it.
	trace httptrace.ClientTrace

	mu      sync.Mutex
	reached bool
	used    any   // what the last successful Authorize returned, for invalidation after a 401
	authErr error // the last failed Authorize
	// The answers the pinned transport gave: almost always one, so the first
	// needs no allocation.
	first *http.Response
	more  []*http.Response
}

// Begin prepares the state for an attempt whose credentials auth adds (nil: none).
func (st *AttemptState) Begin(auth Authorizer) {
	st.auth = auth
	st.trace.WroteHeaders = st.markWrote
}

// attemptStateKey is the context key of an attempt's state.
type attemptStateKey struct{}

// AttemptContext is an attempt's context: the attempt's deadline context, carrying
// the attempt's state. It does what context.WithValue would, but can live in the
// attempt's own record, so it costs no allocation of its own. Cancellation and
// deadlines are the embedded context's, which the context package and net/http
// see through it.
type AttemptContext struct {
	context.Context
	st *AttemptState
}

// NewAttemptContext returns ctx carrying st. Use it through a pointer (&c), which
// is what implements context.Context without copying.
func NewAttemptContext(ctx context.Context, st *AttemptState) AttemptContext {
	return AttemptContext{Context: ctx, st: st}
}

// Value returns the attempt's state for the Guard's key, and defers to the
// embedded context for every other key.
func (c *AttemptContext) Value(key any) any {
	if key == (attemptStateKey{}) {
		return c.st
	}
	return c.Context.Value(key)
}

// Result reports what the Guard saw of the attempt: whether a request reached it,
// the credential the last successful Authorize used, and the last Authorize error.
func (st *AttemptState) Result() (reached bool, used any, authErr error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reached, st.used, st.authErr
}

// FromPinnedTransport reports whether resp is an answer the pinned transport
// gave. A middleware must hand that answer back, not one it got elsewhere.
func (st *AttemptState) FromPinnedTransport(resp *http.Response) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return resp != nil && (resp == st.first || slices.Contains(st.more, resp))
}

// Wrote reports whether the pinned transport wrote a request's headers: after
// that, a write may have reached the server.
func (st *AttemptState) Wrote() bool { return st.wrote.Load() }

// markWrote records that the pinned transport wrote a request's headers.
func (st *AttemptState) markWrote() { st.wrote.Store(true) }

// RoundTrip checks the destination, authenticates and sends through the pinned
// transport.
func (g *Guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != g.scheme || req.URL.Host != g.host {
		closeBody(req)
		return nil, fmt.Errorf("%w: a transport middleware sent the request to %s://%s instead of %s://%s; it must call the next RoundTripper with the URL unchanged",
			g.untrusted, req.URL.Scheme, req.URL.Host, g.scheme, g.host)
	}
	st, _ := req.Context().Value(attemptStateKey{}).(*AttemptState)
	if st == nil {
		return g.next.RoundTrip(req)
	}
	st.mu.Lock()
	st.reached = true
	st.mu.Unlock()
	// A RoundTripper must not change the caller's request: the credentials go on
	// a copy with a header of its own, whose context also carries the trace that
	// tells the pipeline whether anything was written. Nothing else of the
	// request is changed, so the copy shares the rest. The credentials provider
	// runs with the request's own context, without the trace, so its own HTTP
	// calls do not count as sending this request.
	trace := &st.trace
	if httptrace.ContextClientTrace(req.Context()) != nil {
		t := st.trace // WithClientTrace merges the caller's hooks into it: a copy
		trace = &t
	}
	out := req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	out.Header = cloneHeader(req.Header)
	if st.auth != nil {
		used, err := st.auth.Authorize(req.Context(), out)
		st.mu.Lock()
		if err != nil {
			st.authErr = err
		} else {
			st.used = used
		}
		st.mu.Unlock()
		if err != nil {
			closeBody(req)
			return nil, err
		}
	}
	resp, err := g.next.RoundTrip(out)
	if resp != nil {
		// The answer points back at the request the middleware sent, not at the
		// copy that carries the credentials.
		resp.Request = req
		st.mu.Lock()
		if st.first == nil {
			st.first = resp
		} else {
			st.more = append(st.more, resp)
		}
		st.mu.Unlock()
	}
	return resp, err
}

// cloneHeader copies h (a new map, new value slices), or makes an empty header.
func cloneHeader(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h.Clone()
}

// closeBody closes a request body a RoundTripper will not send, as the
// RoundTripper contract asks.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
