package tango_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// These tests run the authenticators against tangotest, the fake Tango, whose token
// endpoint and API are written independently of the SDK.

func fakeClient(t *testing.T, srv *tangotest.Server, auth tango.Auth, opts ...tango.Option) *tango.Client {
	t.Helper()
	opts = append([]tango.Option{tango.WithRootCAs(srv.RootCAs()), tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}), noPacing()}, opts...)
	c, err := tango.NewClient(srv.Environment(), auth, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func listAccounts(ctx context.Context, c *tango.Client) error {
	_, err := c.Do(ctx, http.MethodGet, "/accounts", nil, nil, nil)
	return err
}

func TestAuthAgainstTangotest(t *testing.T) {
	checkLeaks(t)
	srv := tangotest.NewServer(tangotest.WithServiceAccount("svc-user", "svc-password-1234"))
	t.Cleanup(srv.Close)
	tests := []struct {
		name       string
		auth       tango.Auth
		wantTokens int
	}{
		{"basic", tango.BasicAuth(srv.PlatformName(), srv.PlatformKey()), 0},
		{"oauth2", tango.OAuth2(srv.ClientID(), srv.ClientSecret()), 1},
		{"service account", tango.OAuth2ServiceAccount(srv.ClientID(), srv.ClientSecret(), "svc-user", "svc-password-1234"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.TokenRequests()
			c := fakeClient(t, srv, tt.auth)
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() { assert.NoError(t, listAccounts(context.Background(), c)) })
			}
			wg.Wait()
			assert.Equal(t, tt.wantTokens, srv.TokenRequests()-before)
		})
	}
}

func TestTangotestTokenFaults(t *testing.T) {
	checkLeaks(t)
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()

	// Quota: typed, not the credentials' fault, and asked once.
	remove := srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Action: tangotest.TokenQuotaExceeded()})
	c := fakeClient(t, srv, tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 6}))
	for range 5 {
		err := listAccounts(ctx, c)
		require.ErrorIs(t, err, tango.ErrTokenQuota)
		require.NotErrorIs(t, err, tango.ErrUnauthorized)
	}
	assert.Equal(t, 1, srv.TokenRequests())
	remove()

	// Revoked tokens: one new token, each call replayed once.
	c2 := fakeClient(t, srv, tango.OAuth2(srv.ClientID(), srv.ClientSecret()))
	require.NoError(t, listAccounts(ctx, c2))
	srv.ExpireTokens()
	require.NoError(t, listAccounts(ctx, c2))
	assert.Equal(t, 3, srv.TokenRequests())
}

// TestTangotestRefreshAndOutage runs the fake and the client on one fake clock: a
// token endpoint outage during the refresh window does not fail calls, and the token
// is renewed once the endpoint is back.
func TestTangotestRefreshAndOutage(t *testing.T) {
	checkLeaks(t)
	clock := newFakeClock()
	srv := tangotest.NewServer(tangotest.WithClock(clock.Now), tangotest.WithTokenLifetime(time.Hour))
	t.Cleanup(srv.Close)
	logger, logs := debugLogger()
	c := fakeClient(t, srv, tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithClock(clock), tango.WithLogger(logger))
	ctx := context.Background()
	require.NoError(t, listAccounts(ctx, c))

	remove := srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Action: tangotest.TokenOutage()})
	clock.Advance(55 * time.Minute) // inside the 6-minute window
	for range 5 {
		require.NoError(t, listAccounts(ctx, c))
	}
	// Wait until the client has recorded the failure (and its backoff).
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "refresh failed") }, 5*time.Second, time.Millisecond)
	assert.Equal(t, 4, srv.TokenRequests(), "the failing refresh asked three times (a 503 is transient)")
	remove()

	clock.Advance(2 * time.Second) // past the first backoff
	require.NoError(t, listAccounts(ctx, c))
	require.Eventually(t, func() bool { return srv.TokensIssued() == 2 }, 5*time.Second, time.Millisecond)
	clock.Advance(6 * time.Minute) // the first token has expired at the fake
	require.NoError(t, listAccounts(ctx, c))
	assert.Equal(t, 5, srv.TokenRequests())
}

func TestTangotestFileStoreSharedByTwoClients(t *testing.T) {
	checkLeaks(t)
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "tokens.json")
	for range 2 {
		c, err := tango.NewClient(srv.Environment(),
			tango.OAuth2(srv.ClientID(), srv.ClientSecret(), tango.WithTokenStore(tango.FileTokenStore(path))),
			tango.WithRootCAs(srv.RootCAs()))
		require.NoError(t, err)
		require.NoError(t, listAccounts(context.Background(), c))
		require.NoError(t, c.Close())
	}
	assert.Equal(t, 1, srv.TokenRequests())
}
