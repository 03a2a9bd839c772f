package tango

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// pinGuard is the innermost layer of a Client's transport, between the caller's
// middleware (WithTransportMiddleware) and the pinned transport. It is what keeps
// the pin when middleware is present:
//
//   - it refuses a request whose scheme or host is not the environment's, so a
//     middleware that rewrites the URL (to plain http, to a sidecar) cannot take
//     the request past the pinned roots;
//   - it adds the credentials itself, so a middleware that answers without calling
//     it, or sends the request through another transport, never had them;
//   - it records that the request reached it, so that the pipeline can refuse an
//     answer that did not come through the pinned transport.
type pinGuard struct {
	next   *http.Transport
	scheme string
	host   string
}

// attemptState is what one attempt shares with pinGuard through the request's
// context.
type attemptState struct {
	apply func(ctx context.Context, req *http.Request) (any, error)

	mu      sync.Mutex // a middleware may call pinGuard from another goroutine
	reached bool
	used    any   // what apply returned, for invalidation after a 401
	authErr error // apply failed: the request was not sent
}

// attemptStateKey is the context key of an attempt's state.
type attemptStateKey struct{}

// withAttemptState returns ctx carrying st.
func withAttemptState(ctx context.Context, st *attemptState) context.Context {
	return context.WithValue(ctx, attemptStateKey{}, st)
}

// result reports what pinGuard saw of the attempt.
func (st *attemptState) result() (reached bool, used any, authErr error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reached, st.used, st.authErr
}

// RoundTrip checks the destination, authenticates and sends through the pinned
// transport.
func (g *pinGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != g.scheme || req.URL.Host != g.host {
		closeBody(req)
		return nil, fmt.Errorf("%w: a transport middleware sent the request to %s://%s instead of %s://%s; it must call the next RoundTripper with the URL unchanged",
			ErrUntrustedServer, req.URL.Scheme, req.URL.Host, g.scheme, g.host)
	}
	st, _ := req.Context().Value(attemptStateKey{}).(*attemptState)
	if st != nil {
		st.mu.Lock()
		st.reached = true
		st.mu.Unlock()
		if st.apply != nil {
			req = req.Clone(req.Context()) // a RoundTripper must not change the caller's request
			used, err := st.apply(req.Context(), req)
			st.mu.Lock()
			st.used, st.authErr = used, err
			st.mu.Unlock()
			if err != nil {
				closeBody(req)
				return nil, err
			}
		}
	}
	return g.next.RoundTrip(req)
}

// closeBody closes a request body a RoundTripper will not send, as the
// RoundTripper contract asks.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
