package tango_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/doctor"
)

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

// wrappedDefault stands for an APM agent that replaced http.DefaultTransport.
type wrappedDefault struct{ http.RoundTripper }

func TestNewClientDoesNotDependOnTheGlobalTransport(t *testing.T) {
	old := http.DefaultTransport
	http.DefaultTransport = wrappedDefault{old}
	t.Cleanup(func() { http.DefaultTransport = old })
	c, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey))
	require.NoError(t, err)
	require.NoError(t, c.Close())
}

// TestDoctorSeesTheProxyThroughMiddleware: the doctor reads the proxy from the
// pinned transport, middleware or not.
func TestDoctorSeesTheProxyThroughMiddleware(t *testing.T) {
	proxy, _ := url.Parse("http://127.0.0.1:3128")
	env := tango.Environment{Name: "corp", APIBaseURL: "https://api.tango.invalid/raas/v2"}
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	mw := func(next http.RoundTripper) http.RoundTripper { return rtFunc(next.RoundTrip) }
	c, err := tango.NewClient(env, tango.BasicAuth(testPlatform, testAPIKey), tango.WithHTTPClient(hc), tango.WithTransportMiddleware(mw))
	require.NoError(t, err)
	defer c.Close()
	d, err := c.Diagnose(t.Context())
	require.NoError(t, err)
	dns, ok := d.Lookup(doctor.CheckDNS)
	require.True(t, ok)
	assert.NotEqual(t, doctor.Failed, dns.Status, "%s", dns.Summary)
	assert.Contains(t, dns.Summary+strings.Join(dns.Details, " "), "127.0.0.1:3128")
}

// TestDoSendsSDKModels: Do encodes the SDK's own models as they are, contact
// data included, like a map with the same values.
func TestDoSendsSDKModels(t *testing.T) {
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
	_, err := c.Do(t.Context(), http.MethodPost, "/asyncOrders", nil, &tango.CreateOrderRequest{
		ExternalRefID: "async-1", CustomerIdentifier: "cust-00001", AccountIdentifier: "acct-00001", UTID: "U1",
		Amount: tango.MustParseAmount("5"), Recipient: &tango.Recipient{Email: "real.person@example.com", FirstName: "Real"},
	}, nil)
	require.NoError(t, err)
	_, err = c.Do(t.Context(), http.MethodPost, "/asyncOrders", nil, map[string]any{"recipient": map[string]string{"email": "real.person@example.com"}}, nil)
	require.NoError(t, err, "a map carries the real values")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 2)
	for _, b := range bodies {
		assert.Contains(t, b, `"email":"real.person@example.com"`)
		assert.NotContains(t, b, "[REDACTED]")
	}
}

// TestOnlyTangosNotFoundSettlesAnOrder: a 404 that is not Tango's own answer for an
// unknown customer or account, or for a lookup with no order, proves nothing.
func TestOnlyTangosNotFoundSettlesAnOrder(t *testing.T) {
	var mu sync.Mutex
	posts, placed := 0, 0
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodPost && posts == 0:
			posts++
			placed++ // committed, then the answer is lost
			resetConnection(t, w)
		default:
			posts++
			writeTangoError(w, r, http.StatusNotFound, "404.001", "Not found.")
		}
	})
	c := newCoreClient(t, srv, quickRetries(2))
	_, err := c.Orders.Create(context.Background(), &tango.CreateOrderRequest{
		ExternalRefID: "gw404-ref-001", CustomerIdentifier: "cust-00001", AccountIdentifier: "acct-00001",
		UTID: "U999999", Amount: tango.MustParseAmount("5.00"), DeliveryMethod: tango.DeliveryNone,
	})
	require.Error(t, err)
	assert.True(t, errors.Is(err, tango.ErrOutcomeUnknown), "a foreign 404 settles nothing: %v", err)
	assert.Equal(t, 1, placed)
}
