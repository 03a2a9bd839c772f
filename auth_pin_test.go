package tango_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

type wrapRT struct{ rt http.RoundTripper }

func (w wrapRT) RoundTrip(r *http.Request) (*http.Response, error) { return w.rt.RoundTrip(r) }

func TestTokenFetchPinnedWithCustomRoundTripper(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	inner := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.pool()}}
	defer inner.CloseIdleConnections()
	hc := &http.Client{Transport: wrapRT{inner}}
	c, err := tango.NewClient(s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111"),
		tango.WithHTTPClient(hc), tango.WithRootCAs(tango.RootCAs()), tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	defer c.Close()
	err = ping(context.Background(), c)
	require.ErrorIs(t, err, tango.ErrUntrustedServer)
	var te *tango.TokenError
	require.ErrorAs(t, err, &te)
	require.EqualValues(t, 0, s.apiCount.Load())

	ok, err := tango.NewClient(s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111"),
		tango.WithHTTPClient(hc), tango.WithRootCAs(s.pool()))
	require.NoError(t, err)
	defer ok.Close()
	require.NoError(t, ping(context.Background(), ok))
}
