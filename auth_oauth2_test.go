package tango_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

func TestOAuth2SendsDocumentedFormInOneRequest(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name string
		auth tango.Auth
		want map[string]string
	}{
		{
			name: "client credentials",
			auth: tango.OAuth2("client-1", "client-secret-AAAA-1111"),
			want: map[string]string{
				"client_id": "client-1", "client_secret": "client-secret-AAAA-1111", "scope": "raas.all",
				"audience": "https://api.tangocard.com/", "grant_type": "client_credentials",
			},
		},
		{
			name: "service account",
			auth: tango.OAuth2ServiceAccount("client-1", "client-secret-AAAA-1111", "svc@example.com", "pass-word-9999"),
			want: map[string]string{
				"client_id": "client-1", "client_secret": "client-secret-AAAA-1111", "scope": "raas.all",
				"audience": "https://api.tangocard.com/", "grant_type": "password",
				"username": "svc@example.com", "password": "pass-word-9999",
			},
		},
		{
			name: "other audience",
			auth: tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithAudience("https://tango-api.bhn.com/fiveminute")),
			want: map[string]string{
				"client_id": "client-1", "client_secret": "client-secret-AAAA-1111", "scope": "raas.all",
				"audience": "https://tango-api.bhn.com/fiveminute", "grant_type": "client_credentials",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(t)
			s.users["svc@example.com"] = "pass-word-9999"
			c := newTestClient(t, s, tt.auth, tango.WithUserAgent("auth-test/1"))
			require.NoError(t, ping(context.Background(), c))
			require.NoError(t, ping(context.Background(), c))

			reqs := s.tokenRequests()
			require.Len(t, reqs, 1, "one token request for two calls")
			assert.Equal(t, tt.want, reqs[0].Form)
			h := reqs[0].Header
			assert.Empty(t, h.Get("Authorization"), "credentials go in the body only")
			assert.Equal(t, "application/x-www-form-urlencoded", h.Get("Content-Type"))
			assert.Equal(t, "application/json", h.Get("Accept"))
			assert.Contains(t, h.Get("User-Agent"), "tango-go/")
			assert.Contains(t, h.Get("User-Agent"), "auth-test/1")
			assert.EqualValues(t, 2, s.apiOK.Load())
		})
	}
}

func TestOAuth2FailedFetchIsOneRequest(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	c := newTestClient(t, s, tango.OAuth2("client-1", "wrong-secret-BBBB"))
	err := ping(context.Background(), c)
	require.Error(t, err)
	var te *tango.TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, http.StatusUnauthorized, te.StatusCode)
	assert.Equal(t, "access_denied", te.Code)
	assert.ErrorIs(t, err, tango.ErrUnauthorized)
	assert.NotErrorIs(t, err, tango.ErrTokenQuota)
	assert.EqualValues(t, 1, s.tokenCount.Load(), "no auth-style probing: a failure costs one request")
	assert.EqualValues(t, 0, s.apiCount.Load(), "nothing is sent to the API without a token")
}

// TestOAuth2Stampede: 1,000 goroutines on a cold cache cause exactly one token request
// and all get its token; then 1,000 on a cold cache of a failing endpoint all get its
// error, again from one request.
func TestOAuth2Stampede(t *testing.T) {
	checkLeaks(t)
	const n = 1000
	tests := []struct {
		name    string
		fail    bool
		wantErr bool
	}{
		{name: "token", fail: false},
		{name: "error", fail: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(t)
			gate := make(chan struct{})
			s.setGate(gate)
			if tt.fail {
				s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
					writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": "down"})
					return true
				})
			}
			// At most 16 connections: the thousand calls queue for them rather than
			// costing a thousand TLS handshakes.
			hc := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 16}}
			// The fake clock makes the fetch's own retries of the 500 instant.
			c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithHTTPClient(hc), tango.WithClock(newFakeClock()))

			start := time.Now()
			var wg sync.WaitGroup
			var started sync.WaitGroup
			errs := make([]error, n)
			wg.Add(n)
			started.Add(n)
			for i := range n {
				go func() {
					defer wg.Done()
					started.Done()
					errs[i] = ping(context.Background(), c)
				}()
			}
			started.Wait()
			// Let the goroutines pile up behind the one fetch, then let it answer.
			require.Eventually(t, func() bool { return s.tokenCount.Load() >= 1 }, 5*time.Second, time.Millisecond)
			time.Sleep(20 * time.Millisecond)
			close(gate)
			wg.Wait()
			elapsed := time.Since(start)

			wantAsks := int64(1)
			if tt.wantErr {
				wantAsks = 3 // one shared fetch, which asks three times before it fails
			}
			assert.EqualValues(t, wantAsks, s.tokenCount.Load(), "token requests at the server")
			var okCount, tokenErrs int
			for _, err := range errs {
				var te *tango.TokenError
				switch {
				case err == nil:
					okCount++
				case errors.As(err, &te) && te.StatusCode == http.StatusInternalServerError:
					tokenErrs++
				}
			}
			if tt.wantErr {
				assert.Equal(t, n, tokenErrs, "every caller gets the fetch's error")
				assert.EqualValues(t, 0, s.apiCount.Load())
			} else {
				assert.Equal(t, n, okCount, "every caller gets the fetch's token")
				assert.EqualValues(t, n, s.apiOK.Load())
			}
			t.Logf("stampede %s: %d goroutines, %d token request(s), %d API calls, %v", tt.name, n, s.tokenCount.Load(), s.apiCount.Load(), elapsed)
		})
	}
}

func TestOAuth2RefreshAheadInBackground(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name     string
		lifetime int
		opts     []tango.AuthOption
		window   time.Duration // expected refresh window
	}{
		{name: "default 10% of a day", lifetime: 86400, window: 8640 * time.Second},
		{name: "default 10% of an hour", lifetime: 3600, window: 6 * time.Minute},
		{name: "default floor 5 minutes", lifetime: 2400, window: 5 * time.Minute},
		{name: "short token: half its life", lifetime: 300, window: 150 * time.Second},
		{name: "configured 4 hours", lifetime: 86400, opts: []tango.AuthOption{tango.WithRefreshWindow(4 * time.Hour)}, window: 4 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(t)
			s.setLifetime(tt.lifetime)
			clock := newFakeClock()
			c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111", tt.opts...), tango.WithClock(clock))
			ctx := context.Background()
			require.NoError(t, ping(ctx, c))
			require.EqualValues(t, 1, s.tokenCount.Load())

			// Just before the window: no refresh.
			clock.Advance(time.Duration(tt.lifetime)*time.Second - tt.window - time.Second)
			require.NoError(t, ping(ctx, c))
			time.Sleep(30 * time.Millisecond) // room for a (wrong) background refresh to show
			assert.EqualValues(t, 1, s.tokenCount.Load(), "no refresh before the window")

			// In the window, with the token endpoint stuck: calls go on with the
			// current token while the refresh waits.
			gate := make(chan struct{})
			s.setGate(gate)
			clock.Advance(2 * time.Second)
			for range 5 {
				require.NoError(t, ping(ctx, c))
			}
			require.Eventually(t, func() bool { return s.tokenCount.Load() == 2 }, 5*time.Second, time.Millisecond)
			assert.EqualValues(t, 7, s.apiOK.Load(), "calls during the refresh were served")
			close(gate)
			s.setGate(nil)

			// The new token takes over; the old one is no longer sent.
			s.revokeAllBut(2)
			require.Eventually(t, func() bool { return ping(ctx, c) == nil && s.lastBearerSeq() == 2 }, 5*time.Second, time.Millisecond)
			assert.EqualValues(t, 2, s.tokenCount.Load())
		})
	}
}

func TestOAuth2SharedFetchSurvivesCallerCancellation(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	gate := make(chan struct{})
	s.setGate(gate)
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"))

	// The caller that starts the fetch gives up early.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := ping(ctx, c)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// Another caller still gets the token from the same fetch.
	done := make(chan error, 1)
	go func() { done <- ping(context.Background(), c) }()
	time.Sleep(10 * time.Millisecond)
	close(gate)
	require.NoError(t, <-done)
	assert.EqualValues(t, 1, s.tokenCount.Load(), "the first caller's cancellation did not kill the fetch")
}

func TestOAuth2FailedRefreshKeepsTokenAndBacksOff(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.setLifetime(3600)
	clock := newFakeClock()
	logger, logs := debugLogger()
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithClock(clock), tango.WithLogger(logger))
	ctx := context.Background()
	require.NoError(t, ping(ctx, c))

	var failing atomic.Bool
	failing.Store(true)
	s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
		if failing.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	clock.Advance(3600*time.Second - 4*time.Minute) // inside the 5-minute window
	require.NoError(t, ping(ctx, c), "the current token still serves")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "refresh failed") }, 5*time.Second, time.Millisecond)
	assert.EqualValues(t, 4, s.tokenCount.Load(), "the failing refresh asked three times (a 502 is transient)")

	// Within the backoff: calls succeed with the old token and do not ask again.
	for range 10 {
		require.NoError(t, ping(ctx, c))
	}
	assert.EqualValues(t, 4, s.tokenCount.Load(), "no new request during the backoff")
	assert.EqualValues(t, 12, s.apiOK.Load())

	// After the backoff the next call triggers one more attempt, which succeeds.
	failing.Store(false)
	clock.Advance(2 * time.Second)
	require.NoError(t, ping(ctx, c))
	require.Eventually(t, func() bool { return s.tokenCount.Load() == 5 }, 5*time.Second, time.Millisecond)
	s.revokeAllBut(2)
	require.Eventually(t, func() bool { return ping(ctx, c) == nil }, 5*time.Second, time.Millisecond)
	assert.EqualValues(t, 5, s.tokenCount.Load())
}

func TestOAuth2ExpiredTokenAndFailingEndpoint(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.setLifetime(3600)
	clock := newFakeClock()
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithClock(clock))
	ctx := context.Background()
	require.NoError(t, ping(ctx, c))
	s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	})
	clock.Advance(time.Hour) // expired: callers must wait for a fetch, which fails
	err := ping(ctx, c)
	var te *tango.TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, http.StatusServiceUnavailable, te.StatusCode)
	assert.ErrorIs(t, err, tango.ErrServerError)
	assert.EqualValues(t, 4, s.tokenCount.Load(), "one fetch, three asks")
	// The error is held for the backoff rather than re-fetched by each call.
	require.ErrorAs(t, ping(ctx, c), &te)
	assert.EqualValues(t, 4, s.tokenCount.Load())
	s.setFail(nil)
	clock.Advance(2 * time.Second)
	require.NoError(t, ping(ctx, c))
	assert.EqualValues(t, 5, s.tokenCount.Load())
}

func TestOAuth2QuotaIsTypedAndNotRetriedInALoop(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
	}{
		{name: "plain 400 daily limit", answer: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte("Client acme client-1 has exceeded the daily rate limit"))
		}},
		{name: "json 429", answer: func(w http.ResponseWriter) {
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too_many_requests", "error_description": "slow down"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(t)
			s.setFail(func(w http.ResponseWriter, _ *http.Request) bool { tt.answer(w); return true })
			clock := newFakeClock()
			c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithClock(clock),
				tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 6}))
			ctx := context.Background()
			err := ping(ctx, c)
			require.ErrorIs(t, err, tango.ErrTokenQuota)
			var te *tango.TokenError
			require.ErrorAs(t, err, &te)
			assert.Contains(t, err.Error(), "quota")
			assert.EqualValues(t, 1, s.tokenCount.Load())

			for range 20 {
				require.ErrorIs(t, ping(ctx, c), tango.ErrTokenQuota)
			}
			clock.Advance(29 * time.Second)
			require.ErrorIs(t, ping(ctx, c), tango.ErrTokenQuota)
			assert.EqualValues(t, 1, s.tokenCount.Load(), "no second request within the quota backoff")

			clock.Advance(31 * time.Second) // the first quota backoff is at most a minute
			require.ErrorIs(t, ping(ctx, c), tango.ErrTokenQuota)
			assert.EqualValues(t, 2, s.tokenCount.Load())
			assert.EqualValues(t, 0, s.apiCount.Load())
		})
	}
}

// TestOAuth2InvalidateOn401 revokes the token at the server: concurrent calls that
// hit the 401 drop only that token, one new token is fetched, and each call is
// replayed once and succeeds.
func TestOAuth2InvalidateOn401(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111"))
	ctx := context.Background()
	require.NoError(t, ping(ctx, c))
	s.revokeAll()

	// All n calls reach the server with the revoked token before any is answered.
	const n = 50
	var arrived atomic.Int64
	all := make(chan struct{})
	s.setHook(func(auth string) {
		if auth == "Bearer eyJhbGciOiJSUzI1NiJ9.tok-1.sig" {
			if arrived.Add(1) == n {
				close(all)
			}
			<-all
		}
	})
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { errs[i] = ping(ctx, c) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 2, s.tokenCount.Load(), "one new token for all refused calls")
	assert.EqualValues(t, n, s.api401.Load(), "each call was refused once and replayed")

	// A token that is refused again is not replayed a second time.
	s.revokeAll()
	s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": "eyJ.not-valid.x", "expires_in": 86400, "token_type": "Bearer"})
		return true
	})
	err := ping(ctx, c)
	require.ErrorIs(t, err, tango.ErrUnauthorized)
	assert.EqualValues(t, 3, s.tokenCount.Load())
}

func TestOAuth2CloseStopsFetch(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	gate := make(chan struct{})
	defer close(gate)
	s.setGate(gate)
	c, err := tango.NewClient(s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111"), tango.WithRootCAs(s.pool()))
	require.NoError(t, err)

	done := make(chan error, 1)
	go func() { done <- ping(context.Background(), c) }()
	require.Eventually(t, func() bool { return s.tokenCount.Load() == 1 }, 5*time.Second, time.Millisecond)

	start := time.Now()
	require.NoError(t, c.Close())
	assert.Less(t, time.Since(start), 2*time.Second, "Close cancels the fetch instead of waiting it out")
	require.Error(t, <-done)
	require.Error(t, ping(context.Background(), c), "a closed client does not authenticate")
}

func TestOAuth2FetchTimeout(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	gate := make(chan struct{})
	defer close(gate)
	s.setGate(gate)
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithTokenFetchTimeout(50*time.Millisecond)),
		tango.WithClock(newFakeClock()))
	// The gate never opens while ping runs: without the fetch timeout the call
	// would hang until the test binary's own timeout. No wall-clock assertion:
	// the fetch is asked again after a timeout, with backoff on the client's
	// (fake) clock, so only the real 50 ms fetch timeouts take time. The fake
	// endpoint drops an abandoned request without answering (helpers_test.go), so
	// each attempt can only end at its deadline.
	err := ping(context.Background(), c)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var te *tango.TokenError
	require.ErrorAs(t, err, &te)
	require.ErrorIs(t, te, context.DeadlineExceeded, "the deadline is the token fetch's own")
}

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
