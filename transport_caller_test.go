package tango_test

// What a caller's *http.Transport (WithHTTPClient) brings along must never see
// credentials or choose a connection the pinned handshake did not verify.

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// TestCallerTLSNextProtoIsNotUsed: protocol upgrades registered on the caller's
// transport (as x/net/http2.ConfigureTransports does for "h2") are never handed
// a pinned connection or a credentialed request; net/http's own HTTP/2 is used.
func TestCallerTLSNextProtoIsNotUsed(t *testing.T) {
	ts := &coreServer{}
	ts.Server = newUnstartedCounting(ts, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{"proto": r.Proto})
	})
	ts.EnableHTTP2 = true
	ts.StartTLS()
	ts.pool = x509.NewCertPool()
	ts.pool.AddCert(ts.Certificate())
	t.Cleanup(ts.Close)

	var upgrades atomic.Int64
	var seenAuth atomic.Value
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{NextProtos: []string{"h2", "http/1.1"}},
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{
			"h2": func(string, *tls.Conn) http.RoundTripper {
				upgrades.Add(1)
				return rtFunc(func(r *http.Request) (*http.Response, error) {
					seenAuth.Store(r.Header.Get("Authorization"))
					return nil, errors.New("the caller's HTTP/2 transport")
				})
			},
		},
	}
	c := newCoreClient(t, ts, tango.WithHTTPClient(&http.Client{Transport: tr}), quickRetries(1))
	var out struct{ Proto string }
	_, err := c.Do(t.Context(), http.MethodGet, "/ping", nil, nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "HTTP/2.0", out.Proto, "net/http's own HTTP/2 served the call")
	assert.Zero(t, upgrades.Load(), "the caller's upgrade never got a connection")
	assert.Nil(t, seenAuth.Load())
}

// TestCallerProxySeesOnlyTheDestination: the caller's Proxy function still
// decides where requests go, but is handed neither headers (credentials) nor
// bodies (the token request's client secret) nor paths and queries.
func TestCallerProxySeesOnlyTheDestination(t *testing.T) {
	type seen struct{ auth, body, path, query string }
	var (
		mu    sync.Mutex
		calls []seen
	)
	proxy := func(r *http.Request) (*url.URL, error) {
		s := seen{auth: r.Header.Get("Authorization"), path: r.URL.Path, query: r.URL.RawQuery}
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			s.body = string(b)
		}
		mu.Lock()
		calls = append(calls, s)
		mu.Unlock()
		return nil, nil // direct
	}
	hc := func() *http.Client { return &http.Client{Transport: &http.Transport{Proxy: proxy}} }

	t.Run("basic", func(t *testing.T) {
		srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
			answerJSON(w, http.StatusOK, map[string]any{"page": map[string]any{}, "orders": []any{}})
		})
		c := newCoreClient(t, srv, tango.WithHTTPClient(hc()))
		_, err := c.Orders.List(t.Context(), &tango.ListOrdersParams{RecipientEmail: ordRecipientEmail})
		require.NoError(t, err)
	})
	t.Run("oauth2", func(t *testing.T) {
		srv := ordFake(t)
		c, err := tango.NewClient(srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()),
			tango.WithRootCAs(srv.RootCAs()), tango.WithHTTPClient(hc()))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		_, err = c.Accounts.List(t.Context(), nil)
		require.NoError(t, err)
	})

	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, calls, "the caller's proxy function was consulted")
	for _, s := range calls {
		assert.Empty(t, s.auth, "no credentials")
		assert.Empty(t, s.body, "no body")
		assert.Empty(t, s.query, "no query")
		assert.Contains(t, []string{"", "/"}, s.path, "no path")
	}
}

// TestCallerLowerTLSMinimumIsRaised: a caller's TLS config that allows TLS 1.0
// does not lower the SDK's TLS 1.2 minimum.
func TestCallerLowerTLSMinimumIsRaised(t *testing.T) {
	ts := newTLSVersionServer(t, tls.VersionTLS11)
	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}
	c := newCoreClient(t, ts, tango.WithHTTPClient(&http.Client{Transport: tr}), quickRetries(1))
	_, err := getPing(t.Context(), c)
	require.Error(t, err)
	assert.Contains(t, strings.ToLower(err.Error()), "version")
	assert.Zero(t, ts.hits.Load(), "no request reached the TLS 1.1 server")
}

// TestUntrustedChainMatchesErrUntrustedServer: a real unknown-authority failure,
// for an API call and for a token fetch, matches ErrUntrustedServer and keeps
// the x509 error reachable.
func TestUntrustedChainMatchesErrUntrustedServer(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	t.Run("api call", func(t *testing.T) {
		c := pinnedClient(t, srv)
		_, err := getPing(t.Context(), c)
		require.ErrorIs(t, err, tango.ErrUntrustedServer)
		var verr *tls.CertificateVerificationError
		assert.ErrorAs(t, err, &verr)
	})
	t.Run("token fetch", func(t *testing.T) {
		env := srv.env()
		env.TokenURL = srv.URL + "/oauth/token"
		c, err := tango.NewClient(env, tango.OAuth2("client-1", "client-secret-PLANTED"), quickRetries(1))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		_, err = getPing(t.Context(), c)
		require.ErrorIs(t, err, tango.ErrUntrustedServer)
		assert.NotContains(t, err.Error(), "client-secret-PLANTED")
	})
}
