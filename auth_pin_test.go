package tango_test

import (
	"context"
	"crypto/x509"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

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
