package tango_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

// tokenRetryClient is an OAuth2 client for srv on a fake clock.
func tokenRetryClient(t *testing.T, srv *tangotest.Server) *tango.Client {
	t.Helper()
	c, err := tango.NewClient(srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()),
		tango.WithRootCAs(srv.RootCAs()), tango.WithClock(testclock.New(time.Now())), quickRetries(1))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestTokenFetchRetriesTransientFailures: one 503 from the token endpoint costs a
// second ask, not the call (nor every call for a second after it); a lasting
// outage ends in an error that matches ErrServerError, after a bounded number
// of asks; a quota refusal is never asked again.
func TestTokenFetchRetriesTransientFailures(t *testing.T) {
	checkLeaks(t)
	t.Run("one 503", func(t *testing.T) {
		srv := ordFake(t)
		srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Times: 1, Action: tangotest.TokenOutage()})
		c := tokenRetryClient(t, srv)
		_, err := c.Accounts.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Equal(t, 2, srv.TokenRequests())
	})
	t.Run("lasting outage", func(t *testing.T) {
		srv := ordFake(t)
		srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Action: tangotest.TokenOutage()})
		c := tokenRetryClient(t, srv)
		_, err := c.Accounts.List(context.Background(), nil)
		require.ErrorIs(t, err, tango.ErrServerError)
		assert.NotErrorIs(t, err, tango.ErrUnauthorized)
		assert.Equal(t, 3, srv.TokenRequests(), "asked three times, then gave up")
	})
	t.Run("quota", func(t *testing.T) {
		srv := ordFake(t)
		srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Action: tangotest.TokenQuotaExceeded()})
		c := tokenRetryClient(t, srv)
		_, err := c.Accounts.List(context.Background(), nil)
		require.ErrorIs(t, err, tango.ErrTokenQuota)
		assert.Equal(t, 1, srv.TokenRequests(), "a quota refusal is not asked again")
	})
}
