package transport

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errRefused stands for tango.ErrUntrustedServer.
var errRefused = errors.New("untrusted server")

// authFunc is an Authorizer from a function.
type authFunc func(ctx context.Context, req *http.Request) (any, error)

func (f authFunc) Authorize(ctx context.Context, req *http.Request) (any, error) { return f(ctx, req) }

// bearer adds "Bearer <token>" and reports token as the credential used.
func bearer(token string) Authorizer {
	return authFunc(func(_ context.Context, req *http.Request) (any, error) {
		req.Header.Set("Authorization", "Bearer "+token)
		return token, nil
	})
}

// guardServer is a loopback TLS server and a Guard in front of a transport pinned to it.
type guardServer struct {
	srv   *httptest.Server
	guard *Guard
	hits  atomic.Int32
	auth  atomic.Value // the last Authorization header seen
}

func newGuardServer(t *testing.T) *guardServer {
	t.Helper()
	gs := &guardServer{}
	gs.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gs.hits.Add(1)
		gs.auth.Store(r.Header.Get("Authorization"))
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	roots := x509.NewCertPool()
	roots.AddCert(gs.srv.Certificate())
	pinned, err := Pinned(nil, roots)
	require.NoError(t, err)
	u, err := url.Parse(gs.srv.URL)
	require.NoError(t, err)
	gs.guard = NewGuard(pinned, u.Scheme, u.Host, errRefused)
	t.Cleanup(func() {
		pinned.CloseIdleConnections()
		gs.srv.Close()
	})
	return gs
}

// closeSpy records whether a request body was closed.
type closeSpy struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeSpy) Close() error { c.closed.Store(true); return nil }

func TestGuardRefusesOtherDestinations(t *testing.T) {
	gs := newGuardServer(t)
	u, err := url.Parse(gs.srv.URL)
	require.NoError(t, err)
	tests := []struct {
		name   string
		target string
	}{
		{"plain http", "http://" + u.Host + "/orders"},
		{"another host", "https://sidecar.invalid/orders"},
		{"another port", "https://" + u.Hostname() + ":1/orders"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var st AttemptState
			var authorized atomic.Bool
			st.Begin(authFunc(func(context.Context, *http.Request) (any, error) {
				authorized.Store(true)
				return nil, nil
			}))
			actx := NewAttemptContext(t.Context(), &st)
			body := &closeSpy{Reader: strings.NewReader("{}")}
			req, err := http.NewRequestWithContext(&actx, http.MethodPost, tc.target, body)
			require.NoError(t, err)

			resp, err := gs.guard.RoundTrip(req)
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.ErrorIs(t, err, errRefused)
			assert.True(t, body.closed.Load(), "the body a RoundTripper will not send is closed")
			assert.False(t, authorized.Load(), "no credentials for a refused request")
			reached, _, _ := st.Result()
			assert.False(t, reached)
			assert.Zero(t, gs.hits.Load())
		})
	}
}

func TestGuardAddsCredentialsAndRecordsTheAttempt(t *testing.T) {
	tests := []struct {
		name       string
		noState    bool // the request's context carries no attempt state
		auth       Authorizer
		callerHook bool // the request's context already has a trace
		calls      int  // how often a middleware calls the guard
		wantAuth   string
		wantUsed   any
	}{
		{name: "no attempt state: sent as it is", noState: true, calls: 1},
		{name: "credentials added", auth: bearer("tok-1"), calls: 1, wantAuth: "Bearer tok-1", wantUsed: "tok-1"},
		{name: "no credentials", auth: nil, calls: 1},
		{name: "caller's trace kept", auth: bearer("tok-2"), callerHook: true, calls: 1, wantAuth: "Bearer tok-2", wantUsed: "tok-2"},
		{name: "middleware calls twice", auth: bearer("tok-3"), calls: 2, wantAuth: "Bearer tok-3", wantUsed: "tok-3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := newGuardServer(t)
			var st AttemptState
			ctx := t.Context()
			var callerWrites atomic.Int32
			if tc.callerHook {
				ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { callerWrites.Add(1) }})
			}
			actx := NewAttemptContext(ctx, &st)
			if !tc.noState {
				st.Begin(tc.auth)
				ctx = &actx
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, gs.srv.URL+"/ping", nil)
			require.NoError(t, err)
			req.Header.Set("Accept", "application/json")

			var answers []*http.Response
			for range tc.calls {
				resp, err := gs.guard.RoundTrip(req)
				require.NoError(t, err)
				resp.Body.Close()
				assert.Same(t, req, resp.Request, "the answer points at the request the middleware sent")
				answers = append(answers, resp)
			}
			assert.Equal(t, int32(tc.calls), gs.hits.Load())
			assert.Equal(t, tc.wantAuth, gs.auth.Load())
			assert.Empty(t, req.Header.Get("Authorization"), "the caller's request is never changed")
			if tc.callerHook {
				assert.Equal(t, int32(tc.calls), callerWrites.Load(), "the caller's hook sees each write once")
			}
			if tc.noState {
				return
			}
			reached, used, authErr := st.Result()
			assert.True(t, reached)
			assert.Equal(t, tc.wantUsed, used)
			assert.NoError(t, authErr)
			assert.True(t, st.Wrote())
			for _, a := range answers {
				assert.True(t, st.FromPinnedTransport(a))
			}
			assert.False(t, st.FromPinnedTransport(&http.Response{}), "an answer from elsewhere")
			assert.False(t, st.FromPinnedTransport(nil))
		})
	}
}

func TestGuardAuthorizeFailureSendsNothing(t *testing.T) {
	gs := newGuardServer(t)
	failure := errors.New("vault unreachable")
	var st AttemptState
	st.Begin(authFunc(func(context.Context, *http.Request) (any, error) { return nil, failure }))
	actx := NewAttemptContext(t.Context(), &st)
	body := &closeSpy{Reader: strings.NewReader("{}")}
	req, err := http.NewRequestWithContext(&actx, http.MethodPost, gs.srv.URL+"/orders", body)
	require.NoError(t, err)

	resp, err := gs.guard.RoundTrip(req)
	assert.Nil(t, resp)
	require.ErrorIs(t, err, failure)
	assert.True(t, body.closed.Load())
	reached, used, authErr := st.Result()
	assert.True(t, reached)
	assert.Nil(t, used)
	assert.ErrorIs(t, authErr, failure)
	assert.False(t, st.Wrote(), "nothing was written")
	assert.Zero(t, gs.hits.Load())
}

func TestAttemptContextCarriesTheStateOnly(t *testing.T) {
	type otherKey struct{}
	var st AttemptState
	parent, cancel := context.WithCancel(context.WithValue(t.Context(), otherKey{}, "kept"))
	actx := NewAttemptContext(parent, &st)
	assert.Same(t, &st, actx.Value(attemptStateKey{}))
	assert.Equal(t, "kept", actx.Value(otherKey{}))
	cancel()
	assert.ErrorIs(t, actx.Err(), context.Canceled, "cancellation is the embedded context's")
}
