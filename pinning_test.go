package tango_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// The pinning promise, checked through the public client: credentials travel
// only over the pinned transport, to the environment's host, whatever the
// caller's middleware (WithTransportMiddleware) or transport (WithHTTPClient)
// does; an answer that did not come through the pinned transport is refused.
// The rules live in internal/transport (guard.go, pinned.go); TLS itself
// (roots, versions, sessions, the caller's TLS settings) is tls_test.go's.

// TestMiddlewareCannotTakeRequestsPastThePin covers the ways a transport
// middleware could move a request off the pinned transport: it answers through
// its own transport, or it rewrites the URL (plain http, another host). Either
// way the credentials never leave and the call fails as untrusted.
func TestMiddlewareCannotTakeRequestsPastThePin(t *testing.T) {
	var mu sync.Mutex
	var auths []string
	record := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		answerJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	}
	tlsSrv := newCoreServer(t, record)
	plain := startCoreServer(t, record, nil, false)
	own := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: tlsSrv.pool}} // say, a system pool with a corporate CA
	t.Cleanup(own.CloseIdleConnections)

	tests := []struct {
		name    string
		reaches int // requests the other server receives (without credentials)
		mw      func(next http.RoundTripper) http.RoundTripper
	}{
		{"answers through its own transport", 2, func(http.RoundTripper) http.RoundTripper {
			return rtFunc(own.RoundTrip)
		}},
		{"rewrites the URL to plain http", 0, func(next http.RoundTripper) http.RoundTripper {
			return rtFunc(func(r *http.Request) (*http.Response, error) {
				r = r.Clone(r.Context())
				r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(plain.URL, "http://")
				return next.RoundTrip(r)
			})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			auths = nil
			mu.Unlock()
			c := pinnedClient(t, tlsSrv, tango.WithTransportMiddleware(tc.mw)) // the Amazon roots only
			_, err := c.Do(t.Context(), http.MethodGet, "/x", nil, nil, nil)
			require.ErrorIs(t, err, tango.ErrUntrustedServer)
			_, err = c.Do(t.Context(), http.MethodPost, "/x", nil, map[string]string{"k": "v"}, nil)
			require.ErrorIs(t, err, tango.ErrUntrustedServer)
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, auths, tc.reaches)
			for _, a := range auths {
				assert.Empty(t, a, "credentials must never leave without the pinned transport")
			}
		})
	}

	t.Run("a write answered off the pinned transport has an unknown outcome", func(t *testing.T) {
		c := pinnedClient(t, tlsSrv, tango.WithTransportMiddleware(tests[0].mw))
		_, err := c.Do(t.Context(), http.MethodPost, "/x", nil, map[string]string{"k": "v"}, nil)
		assert.ErrorIs(t, err, tango.ErrOutcomeUnknown, "the body may have reached someone: %v", err)
	})
}

// TestTokenFetchSkipsMiddleware: the token request carries the client secret in
// its body, so it goes straight to the pinned transport; a middleware that does
// not delegate never sees it.
func TestTokenFetchSkipsMiddleware(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	own := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.pool()}}
	t.Cleanup(own.CloseIdleConnections)
	var seen []string
	var mu sync.Mutex
	mw := func(http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			seen = append(seen, r.URL.Path)
			mu.Unlock()
			return own.RoundTrip(r)
		})
	}
	c, err := tango.NewClient(s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111"),
		tango.WithTransportMiddleware(mw), tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	defer c.Close()
	err = ping(context.Background(), c)
	require.Error(t, err)
	assert.EqualValues(t, 0, s.tokenCount.Load(), "the token endpoint outside the pinned roots never got the secret")
	mu.Lock()
	defer mu.Unlock()
	for _, p := range seen {
		assert.NotContains(t, p, "token", "token requests do not pass through middleware")
	}
}

// A middleware that logs resp.Request sees no credentials: the guard hands back the request it got.
func TestReviewedPinGuardMiddlewareSeesAuthOnRespRequest(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) { answerJSON(w, 200, map[string]string{"ok": "y"}) })
	var logged atomic.Value
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if resp != nil && resp.Request != nil {
				logged.Store(resp.Request.Header.Get("Authorization")) // a request/response logger
			}
			return resp, err
		})
	}
	c := newCoreClient(t, srv, tango.WithTransportMiddleware(mw))
	_, err := getPing(t.Context(), c)
	require.NoError(t, err)
	got, _ := logged.Load().(string)
	t.Logf("middleware saw Authorization on resp.Request: %q", got)
	assert.Empty(t, got, "a middleware never sees the credentials, not even on resp.Request")
}

// Do sends every SDK model as it encodes itself: contact data included, nothing
// redacted.
func TestReviewedPinGuardDoSendsAccountBodiesFaithfully(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		answerJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	})
	c := newCoreClient(t, srv)
	for _, body := range []any{
		&tango.UpdateAccountRequest{DisplayName: "New name", ContactEmail: "rep@example.com"},
		&tango.CreateAccountRequest{AccountIdentifier: "acct-1", DisplayName: "Acct one", ContactEmail: "rep@example.com"},
		&tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("5")},
	} {
		_, err := c.Do(t.Context(), http.MethodPatch, "/customers/c/accounts/a", nil, body, nil)
		assert.NoError(t, err)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 3)
	for _, b := range bodies {
		assert.NotContains(t, b, "[REDACTED]")
	}
	assert.Contains(t, bodies[0], `"contactEmail":"rep@example.com"`)
	assert.Contains(t, bodies[1], `"contactEmail":"rep@example.com"`)
}

// Middleware calling next from another goroutine, concurrently (hedging), under -race.
func TestReviewedPinGuardMiddlewareGoroutineRace(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		answerJSON(w, 200, map[string]string{"ok": "y"})
	})
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			type res struct {
				resp *http.Response
				err  error
			}
			ch := make(chan res, 1)
			go func() { resp, err := next.RoundTrip(r); ch <- res{resp, err} }()
			x := <-ch
			return x.resp, x.err
		})
	}
	c := newCoreClient(t, srv, tango.WithTransportMiddleware(mw))
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Do(context.Background(), http.MethodPost, "/x", nil, map[string]string{"a": "b"}, nil)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
}

// HTTP/2 through middleware, with a body.
func TestReviewedPinGuardHTTP2WithMiddleware(t *testing.T) {
	var protos sync.Map
	srv := &coreServer{}
	srv.Server = newUnstartedCounting(srv, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		protos.Store(r.Proto+" "+string(b)+" "+r.Header.Get("Authorization")[:6], true)
		answerJSON(w, 200, map[string]string{"ok": "y"})
	})
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	srv.pool = srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	mw := func(next http.RoundTripper) http.RoundTripper { return rtFunc(next.RoundTrip) }
	c := newCoreClient(t, srv, tango.WithTransportMiddleware(mw))
	_, err := c.Do(t.Context(), http.MethodPost, "/x", nil, map[string]string{"a": "b"}, nil)
	require.NoError(t, err)
	var seen []string
	protos.Range(func(k, _ any) bool { seen = append(seen, k.(string)); return true })
	require.Equal(t, []string{`HTTP/2.0 {"a":"b"} Basic `}, seen, "HTTP/2, the body, and the credentials added beneath the middleware")
}

// The OAuth2 401 replay works through middleware.
func TestReviewedPinGuardOAuth401ReplayThroughMiddleware(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	mw := func(next http.RoundTripper) http.RoundTripper { return rtFunc(next.RoundTrip) }
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithTransportMiddleware(mw))
	require.NoError(t, ping(t.Context(), c))
	s.revokeAll()
	require.NoError(t, ping(t.Context(), c), "replayed with a fresh token")
	assert.EqualValues(t, 2, s.tokenCount.Load())
	assert.EqualValues(t, 1, s.api401.Load())
}

// Auth errors stay final through middleware (no retries).
func TestReviewedPinGuardAuthErrorFinal(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	var calls atomic.Int64
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) { calls.Add(1); return next.RoundTrip(r) })
	}
	c := newTestClient(t, s, tango.OAuth2("client-1", "wrong"), tango.WithTransportMiddleware(mw), quickRetries(5))
	_, err := c.Do(t.Context(), http.MethodPost, "/x", nil, map[string]string{"a": "b"}, nil)
	require.Error(t, err)
	t.Logf("err=%v calls=%d tokens=%d", err, calls.Load(), s.tokenCount.Load())
	assert.EqualValues(t, 1, calls.Load())
	assert.EqualValues(t, 0, s.apiCount.Load())
	assert.False(t, errors.Is(err, tango.ErrOutcomeUnknown))
}

// A credentials provider that makes its own HTTP calls does not make a refused connection look sent.
func TestReviewedPinGuardProviderHTTPMarksWriteSent(t *testing.T) {
	vault := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, 200, map[string]string{"id": testPlatform, "secret": testAPIKey})
	})
	vaultClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: vault.pool}}}
	t.Cleanup(vaultClient.CloseIdleConnections)
	prov := tango.CredentialsProviderFunc(func(ctx context.Context) (tango.Credentials, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, vault.URL+"/secret", nil)
		resp, err := vaultClient.Do(req)
		if err != nil {
			return tango.Credentials{}, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return tango.Credentials{ID: testPlatform, Secret: tango.NewSecret(testAPIKey)}, nil
	})
	env := tango.Environment{Name: "down", APIBaseURL: refusedLoopbackURL(t) + apiRoot}
	c, err := tango.NewClient(env, tango.BasicAuthFromProvider(prov), quickRetries(3))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Do(t.Context(), http.MethodPost, "/x", nil, map[string]string{"a": "b"}, nil)
	require.Error(t, err)
	var ou *tango.OutcomeUnknownError
	t.Logf("err=%v", err)
	assert.False(t, errors.As(err, &ou), "a refused connection sent nothing, whatever the credentials provider did over HTTP")
}

// A middleware that falls back to its own transport after the pin refused the server: its answer is refused.
func TestReviewedPinGuardFallbackAnswerAccepted(t *testing.T) {
	var auths []string
	var mu sync.Mutex
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		answerJSON(w, 200, map[string]string{"ok": "forged"})
	})
	own := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.pool}}
	t.Cleanup(own.CloseIdleConnections)
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err != nil { // failover: "try our own transport"
				return own.RoundTrip(r)
			}
			return resp, nil
		})
	}
	c := pinnedClient(t, srv, tango.WithTransportMiddleware(mw)) // Amazon roots: the pin fails
	var out map[string]string
	_, err := c.Do(t.Context(), http.MethodGet, "/x", nil, nil, &out)
	t.Logf("err=%v out=%v auths=%q", err, out, auths)
	assert.ErrorIs(t, err, tango.ErrUntrustedServer, "an answer from outside the pinned transport is refused")
	assert.Empty(t, out, "and not decoded")
	for _, a := range auths {
		assert.Empty(t, a, "the fallback never had the credentials")
	}
}

// A guard refusal of a write is final and not an unknown outcome: nothing was sent.
func TestReviewedPinGuardGuardRefusalClassification(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) { answerJSON(w, 200, nil) })
	var calls atomic.Int64
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			r = r.Clone(r.Context())
			r.URL.Host = "127.0.0.1:1"
			return next.RoundTrip(r)
		})
	}
	c := newCoreClient(t, srv, tango.WithTransportMiddleware(mw), quickRetries(5))
	_, err := c.Do(t.Context(), http.MethodPost, "/x", nil, map[string]string{"a": "b"}, nil)
	t.Logf("err=%v calls=%d", err, calls.Load())
	assert.ErrorIs(t, err, tango.ErrUntrustedServer)
	assert.False(t, errors.Is(err, tango.ErrOutcomeUnknown))
	assert.EqualValues(t, 1, calls.Load())
}

// Close releases everything (goleak) with middleware and OAuth2.
func TestReviewedPinGuardCloseReleases(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	mw := func(next http.RoundTripper) http.RoundTripper { return rtFunc(next.RoundTrip) }
	c, err := tango.NewClient(s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithRootCAs(s.pool()), tango.WithTransportMiddleware(mw))
	require.NoError(t, err)
	require.NoError(t, ping(t.Context(), c))
	require.NoError(t, c.Close())
}

// WithHTTPClient with a nil Transport does not read http.DefaultTransport, which agents replace.
func TestReviewedPinGuardWithHTTPClientNilTransportWrappedDefault(t *testing.T) {
	old := http.DefaultTransport
	http.DefaultTransport = wrappedDefault{old}
	t.Cleanup(func() { http.DefaultTransport = old })
	_, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey), tango.WithHTTPClient(&http.Client{Timeout: 20 * time.Second}))
	t.Logf("err=%v", err)
	assert.NoError(t, err, "a nil Transport means net/http's defaults, built by the SDK")
}

// A middleware retries a POST whose first send was lost and the retry fails to
// authenticate: the write was sent, so its outcome is unknown.
func TestReviewedPinGuardAuthErrorAfterSendIsNotAmbiguous(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	var orders atomic.Int64
	s.setHook(func(string) { orders.Add(1) })
	clk := newFakeClock()
	s.setLifetime(3600)
	var once sync.Once
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err == nil && r.Method == http.MethodPost && resp.StatusCode == 200 {
				retry := false
				once.Do(func() { retry = true })
				if retry { // pretend the answer was lost (e.g. a gateway 502 / reset) and retry
					resp.Body.Close()
					s.setFail(func(w http.ResponseWriter, r *http.Request) bool {
						writeJSON(w, 503, map[string]string{"error": "temporarily_unavailable"})
						return true
					})
					clk.Advance(2 * time.Hour) // the token expired meanwhile
					r2 := r.Clone(r.Context())
					r2.Body, _ = r.GetBody()
					return next.RoundTrip(r2)
				}
			}
			return resp, err
		})
	}
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithTransportMiddleware(mw), tango.WithClock(clk))
	_, err := c.Do(t.Context(), http.MethodPost, "/orders", nil, map[string]string{"a": "b"}, nil)
	t.Logf("err=%v api requests=%d", err, orders.Load())
	assert.True(t, errors.Is(err, tango.ErrOutcomeUnknown), "a write that was sent is never a clean auth failure: %v", err)
}

// A middleware that calls next twice (hedging) and returns the first, successful
// answer: the loser's auth failure does not discard the winner.
func TestReviewedPinGuardLoserAuthErrorDiscardsSuccess(t *testing.T) {
	s := newAuthServer(t)
	clk := newFakeClock()
	var bodyClosed, hedge atomic.Bool
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			if !hedge.Load() {
				return resp, nil
			}
			resp.Body = closeSpy{resp.Body, &bodyClosed}
			clk.Advance(48 * time.Hour) // the hedge starts after the token expired
			ctx, cancel := context.WithCancel(r.Context())
			cancel() // the loser is cancelled because the first answer won
			if r2, e2 := next.RoundTrip(r.Clone(ctx)); e2 == nil {
				r2.Body.Close()
			}
			return resp, nil
		})
	}
	s.setGate(make(chan struct{})) // second token fetch hangs
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithTransportMiddleware(mw), tango.WithClock(clk))
	s.setGate(nil)
	require.NoError(t, ping(t.Context(), c)) // warm the token
	g := make(chan struct{})
	s.setGate(g)
	hedge.Store(true)
	t.Cleanup(func() { close(g) })
	err := ping(t.Context(), c)
	require.NoError(t, err, "the winning answer stands")
	assert.True(t, bodyClosed.Load(), "and its body is closed")
}

type closeSpy struct {
	io.ReadCloser
	closed *atomic.Bool
}

func (c closeSpy) Close() error { c.closed.Store(true); return c.ReadCloser.Close() }

// TestTokenFetchPinnedThroughMiddleware: token requests go through the same pinned
// transport as API calls, middleware or not: a token server outside the pinned
// roots never receives the client secret.
func TestTokenFetchPinnedThroughMiddleware(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	var seen atomic.Int64
	mw := func(next http.RoundTripper) http.RoundTripper {
		return authRTFunc(func(r *http.Request) (*http.Response, error) {
			seen.Add(1)
			return next.RoundTrip(r)
		})
	}
	c, err := tango.NewClient(s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111"),
		tango.WithTransportMiddleware(mw), tango.WithRootCAs(tango.RootCAs()), tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	defer c.Close()
	err = ping(context.Background(), c)
	require.Error(t, err)
	var te *tango.TokenError
	require.ErrorAs(t, err, &te)
	var unknownAuthority x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknownAuthority, "refused in the handshake: %v", err)
	require.EqualValues(t, 0, s.tokenCount.Load(), "the token endpoint never saw the secret")
	require.EqualValues(t, 0, s.apiCount.Load())
	require.EqualValues(t, 1, seen.Load(), "the token request went through the middleware")

	ok, err := tango.NewClient(s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111"),
		tango.WithTransportMiddleware(mw), tango.WithRootCAs(s.pool()))
	require.NoError(t, err)
	defer ok.Close()
	require.NoError(t, ping(context.Background(), ok))
}

// authRTFunc adapts a function to http.RoundTripper.
type authRTFunc func(*http.Request) (*http.Response, error)

func (f authRTFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
