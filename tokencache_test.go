package tango_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

// quotaAnswer is the token endpoint's refusal once a client's daily quota is spent.
func quotaAnswer(w http.ResponseWriter) {
	writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too_many_requests", "error_description": "slow down"})
}

// TestTokenQuotaBackoffDoublesToItsCapAndResetsAfterSuccess: after each quota
// refusal in a row the next fetch waits between half and all of 1, 2, 4 ... minutes,
// capped at 30; a token obtained in between starts the count again, so the next
// refusal waits at most a minute (not the capped half hour).
func TestTokenQuotaBackoffDoublesToItsCapAndResetsAfterSuccess(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.setLifetime(3600)
	var quota atomic.Bool
	quota.Store(true)
	s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
		if quota.Load() {
			quotaAnswer(w)
			return true
		}
		return false
	})
	clock := newFakeClock()
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithClock(clock))
	ctx := context.Background()

	require.ErrorIs(t, ping(ctx, c), tango.ErrTokenQuota)
	require.EqualValues(t, 1, s.tokenCount.Load())
	for failures := 1; failures <= 8; failures++ {
		ceiling := min(time.Minute<<(failures-1), 30*time.Minute)
		// Before half the ceiling the refusal is held: nobody asks again.
		clock.Advance(ceiling/2 - time.Nanosecond)
		require.ErrorIs(t, ping(ctx, c), tango.ErrTokenQuota)
		require.EqualValues(t, failures, s.tokenCount.Load(), "asked again %v after refusal %d", ceiling/2-time.Nanosecond, failures)
		// At the ceiling the next call asks once more.
		clock.Advance(ceiling - ceiling/2 + time.Nanosecond)
		require.ErrorIs(t, ping(ctx, c), tango.ErrTokenQuota)
		require.EqualValues(t, failures+1, s.tokenCount.Load(), "not asked again %v after refusal %d", ceiling, failures)
	}

	// A token is obtained: the refusals in a row are forgotten.
	quota.Store(false)
	clock.Advance(30 * time.Minute)
	require.NoError(t, ping(ctx, c))
	tokens := s.tokenCount.Load()

	// It expires while the quota is spent: the first refusal after the success is
	// held for at most a minute, as the very first one was.
	quota.Store(true)
	clock.Advance(time.Hour)
	require.ErrorIs(t, ping(ctx, c), tango.ErrTokenQuota)
	require.EqualValues(t, tokens+1, s.tokenCount.Load())
	clock.Advance(time.Minute)
	require.ErrorIs(t, ping(ctx, c), tango.ErrTokenQuota)
	assert.EqualValues(t, tokens+2, s.tokenCount.Load(), "the backoff started again after the success")
}

// TestTokenFailureBackoffResetsAfterSuccess: a refused fetch (not the quota) is
// held for at most a second after a success, however many failed before it.
func TestTokenFailureBackoffResetsAfterSuccess(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.setLifetime(3600)
	var refuse atomic.Bool
	refuse.Store(true)
	s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
		if refuse.Load() {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "access_denied", "error_description": "Unauthorized"})
			return true
		}
		return false
	})
	clock := newFakeClock()
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithClock(clock))
	ctx := context.Background()
	for range 6 { // 1, 2, 4 ... s: the sixth refusal in a row would wait 30 to 60 s
		require.Error(t, ping(ctx, c))
		clock.Advance(time.Minute)
	}
	require.EqualValues(t, 6, s.tokenCount.Load())
	refuse.Store(false)
	require.NoError(t, ping(ctx, c))
	require.EqualValues(t, 7, s.tokenCount.Load())

	refuse.Store(true)
	clock.Advance(time.Hour) // expired
	require.Error(t, ping(ctx, c))
	require.EqualValues(t, 8, s.tokenCount.Load())
	clock.Advance(time.Second)
	require.Error(t, ping(ctx, c))
	assert.EqualValues(t, 9, s.tokenCount.Load(), "the first failure after a success waits at most a second")
}

// TestTokenRefreshMargin: a token stops being used a tenth of its lifetime before
// it expires, but never more than 30 s before: a 60 s token serves until 54 s, an
// hour's token until 30 s before its end. After that, callers wait for a new one
// (here the token endpoint refuses, so they get its error and the old token is
// never sent).
func TestTokenRefreshMargin(t *testing.T) {
	checkLeaks(t)
	cases := []struct {
		name              string
		lifetime          int
		usedAt, droppedAt time.Duration
	}{
		{"60 s token", 60, 53 * time.Second, 55 * time.Second},
		{"hour token", 3600, 3569 * time.Second, 3571 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newAuthServer(t)
			s.setLifetime(tc.lifetime)
			clock := newFakeClock()
			c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithClock(clock))
			ctx := context.Background()
			require.NoError(t, ping(ctx, c))
			s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
				writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "access_denied", "error_description": "Unauthorized"})
				return true
			})

			clock.Advance(tc.usedAt)
			require.NoError(t, ping(ctx, c), "the token still serves at %v", tc.usedAt)
			// The background refresh this started fails; the token keeps serving.
			require.Eventually(t, func() bool { return s.tokenCount.Load() == 2 }, 5*time.Second, time.Millisecond)
			require.NoError(t, ping(ctx, c))
			apiCalls := s.apiCount.Load()

			clock.Advance(tc.droppedAt - tc.usedAt)
			var te *tango.TokenError
			require.ErrorAs(t, ping(ctx, c), &te, "the token is no longer used at %v", tc.droppedAt)
			assert.Equal(t, apiCalls, s.apiCount.Load(), "the old token was not sent")
		})
	}
}

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
