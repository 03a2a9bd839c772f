package tango_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
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

// pacedClient is a client for ts with default pacing (unless opts say otherwise)
// on clk.
func pacedClient(t *testing.T, ts *coreServer, clk tango.Clock, opts ...tango.Option) *tango.Client {
	t.Helper()
	base := []tango.Option{tango.WithClock(clk), tango.WithRateLimit(tango.DefaultRate)}
	return newCoreClient(t, ts, append(base, opts...)...)
}

// turn is the spacing of turns at 1 request per second: 1/rate plus the limiter's
// 2 % margin.
const turn = 1020 * time.Millisecond

// spacing is the spacing of turns at r requests per second.
func spacing(r float64) time.Duration { return time.Duration(float64(turn) / r) }

func okHandler(w http.ResponseWriter, _ *http.Request) {
	answerJSON(w, http.StatusOK, map[string]string{})
}

// The default paces each endpoint at 1 request per second with a burst of 1: the
// first call goes at once, the next ones on the same endpoint wait their turn,
// and other endpoints have turns of their own. Path parameters share a pace.
func TestPacingDefaultIsOnePerSecondPerEndpoint(t *testing.T) {
	ts := newCoreServer(t, okHandler)
	clk := testclock.New(time.Now())
	c := pacedClient(t, ts, clk)
	ctx := t.Context()

	calls := []struct{ method, path string }{
		{http.MethodGet, "/orders/RA-1"},
		{http.MethodGet, "/orders/RA-2"},           // same endpoint: waits 1 s
		{http.MethodGet, "/orders"},                // another endpoint: no wait
		{http.MethodGet, "/lineItems/reasonCodes"}, // not a line item id
		{http.MethodGet, "/lineItems/LI-1"},        // another endpoint again
		{http.MethodPost, "/orders/RA-3/resends"},
		{http.MethodGet, "/orders/RA-3"}, // waits again
	}
	for _, call := range calls {
		_, err := c.Do(ctx, call.method, call.path, nil, nil, nil)
		require.NoError(t, err, "%s %s", call.method, call.path)
	}
	sleeps := clk.Sleeps()
	require.Len(t, sleeps, 2, "only the second and last GET /orders/{id} wait: %v", sleeps)
	for _, d := range sleeps {
		assert.InDelta(t, turn, d, float64(time.Millisecond), "a turn is 1 s (and the margin) after the last one")
	}
	assert.EqualValues(t, len(calls), ts.hits.Load())
}

// WithRateLimit sets the rate for all endpoints or for some, and Unlimited turns
// pacing off where it applies.
func TestWithRateLimitRates(t *testing.T) {
	tests := []struct {
		name  string
		opts  []tango.Option
		calls int
		want  []time.Duration
	}{
		{"default", nil, 3, []time.Duration{turn, turn}},
		{"raised for all", []tango.Option{tango.WithRateLimit(4)}, 3, []time.Duration{spacing(4), spacing(4)}},
		{"raised for the endpoint", []tango.Option{tango.WithRateLimit(2, "GET /customers/{customerIdentifier}")}, 3, []time.Duration{spacing(2), spacing(2)}},
		{"another endpoint raised", []tango.Option{tango.WithRateLimit(2, "GET /orders")}, 2, []time.Duration{turn}},
		{"off", []tango.Option{tango.WithRateLimit(tango.Unlimited)}, 3, nil},
		{"off for the endpoint", []tango.Option{tango.WithRateLimit(tango.Unlimited, "get /customers/{id}")}, 3, nil},
		{"endpoint wins over all, whatever the order", []tango.Option{tango.WithRateLimit(tango.Unlimited, "GET /customers/{id}"), tango.WithRateLimit(4, "GET /orders")}, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newCoreServer(t, okHandler)
			clk := testclock.New(time.Now())
			c := pacedClient(t, ts, clk, tt.opts...)
			for i := range tt.calls {
				_, err := c.Do(t.Context(), http.MethodGet, fmt.Sprintf("/customers/c-%d", i), nil, nil, nil)
				require.NoError(t, err)
			}
			got := clk.Sleeps()
			require.Len(t, got, len(tt.want), "waits: %v", got)
			for i := range got {
				assert.InDelta(t, tt.want[i], got[i], float64(time.Millisecond))
			}
		})
	}
}

func TestWithRateLimitRefusesBadInput(t *testing.T) {
	tests := []struct {
		name string
		opt  tango.Option
		want string
	}{
		{"zero", tango.WithRateLimit(0), "not a rate"},
		{"negative", tango.WithRateLimit(-1), "not a rate"},
		{"NaN", tango.WithRateLimit(tango.Rate(math.NaN())), "not a rate"},
		{"infinite", tango.WithRateLimit(tango.Rate(math.Inf(1))), "not a rate"},
		{"no path", tango.WithRateLimit(1, "POST"), "METHOD /path"},
		{"relative path", tango.WithRateLimit(1, "POST orders"), "METHOD /path"},
		{"query", tango.WithRateLimit(1, "GET /orders?x=1"), "METHOD /path"},
		{"unknown method", tango.WithRateLimit(1, "FETCH /orders"), "unknown method"},
		{"nil limiter", tango.WithRateLimiter(nil), "nil limiter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey), tt.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A call whose turn would come after its context's deadline fails at once, before
// sending, with an error that matches ErrRateLimited and says how long the wait
// would have been; its place is not kept.
func TestPacingFailsFastPastTheDeadline(t *testing.T) {
	ts := newCoreServer(t, okHandler)
	clk := testclock.New(time.Now())
	c := pacedClient(t, ts, clk)
	_, err := c.Do(t.Context(), http.MethodGet, "/catalogs", nil, nil, nil)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err = c.Do(ctx, http.MethodGet, "/catalogs", nil, nil, nil)
	require.ErrorIs(t, err, tango.ErrRateLimited)
	var we *tango.RateLimitWaitError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "GET /catalogs", we.Endpoint)
	assert.InDelta(t, turn, we.Wait, float64(time.Millisecond))
	assert.Contains(t, err.Error(), "1.02s away")
	assert.EqualValues(t, 1, ts.hits.Load(), "nothing was sent")
	assert.Empty(t, clk.Sleeps(), "it did not wait")

	// The refused call kept no turn: the next one waits one interval, not two.
	_, err = c.Do(t.Context(), http.MethodGet, "/catalogs", nil, nil, nil)
	require.NoError(t, err)
	require.Len(t, clk.Sleeps(), 1)
	assert.InDelta(t, turn, clk.Sleeps()[0], float64(time.Millisecond))
}

// Waiting for a turn ends with the caller's context.
func TestPacingWaitEndsWithTheContext(t *testing.T) {
	ts := newCoreServer(t, okHandler)
	clk := testclock.New(time.Now())
	c := pacedClient(t, ts, clk)
	_, err := c.Do(t.Context(), http.MethodGet, "/catalogs", nil, nil, nil)
	require.NoError(t, err)

	clk.SetBlocking(true)
	ctx, cancel := context.WithCancel(t.Context())
	clk.OnSleep(func(time.Duration) { cancel() })
	_, err = c.Do(ctx, http.MethodGet, "/catalogs", nil, nil, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "waiting")
	assert.EqualValues(t, 1, ts.hits.Load())
}

// A 429 pauses the endpoint for every client that shares the limiter, for the
// server's Retry-After, and the retry neither sleeps a backoff nor spends the retry
// budget: a budget that pays for two retries carries a call through four 429s.
func TestPacing429PausesEveryCallerAndCostsNoBudget(t *testing.T) {
	var throttle atomic.Int64
	throttle.Store(4)
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == apiRoot+"/orders" && throttle.Add(-1) >= 0 {
			w.Header().Set("Retry-After", "3")
			writeTangoError(w, r, http.StatusTooManyRequests, "429.001", "Too many requests")
			return
		}
		okHandler(w, r)
	})
	clk := testclock.New(time.Now())
	shared := tango.NewRateLimiter()
	budget := tango.WithRetryPolicy(tango.RetryPolicy{BudgetCapacity: 10})
	a := pacedClient(t, ts, clk, tango.WithRateLimiter(shared), budget)
	b := pacedClient(t, ts, clk, tango.WithRateLimiter(shared), budget)

	resp, err := a.Do(t.Context(), http.MethodPost, "/orders", nil, map[string]string{"k": "v"}, nil)
	require.NoError(t, err, "four paced 429s do not spend a budget of two retries")
	assert.Equal(t, 5, resp.Attempts)
	waits := clk.Sleeps()
	require.Len(t, waits, 4, "one wait per 429, in the limiter: %v", waits)
	for _, d := range waits {
		assert.GreaterOrEqual(t, d, 3*time.Second, "Retry-After is honoured")
	}

	// The client that shares the limiter waits behind a's calls, at the rate the
	// 429s lowered.
	clk.Reset()
	_, err = b.Do(t.Context(), http.MethodPost, "/orders", nil, map[string]string{"k": "v"}, nil)
	require.NoError(t, err)
	require.Len(t, clk.Sleeps(), 1)
	assert.Greater(t, clk.Sleeps()[0], 2*time.Second, "b waits longer than one interval of the configured 1/s")

	// Without pacing the same four 429s exhaust the budget.
	throttle.Store(4)
	unpaced := newCoreClient(t, ts, tango.WithClock(testclock.New(time.Now())), budget)
	_, err = unpaced.Do(t.Context(), http.MethodPost, "/orders", nil, map[string]string{"k": "v"}, nil)
	require.ErrorIs(t, err, tango.ErrRetryBudgetExhausted)
}

// The limiter cuts an endpoint's rate to 0.7 after a 429 (once per burst of 429s),
// down to a quarter, and climbs back by a tenth with each success.
func TestRateLimiterAIMD(t *testing.T) {
	l := tango.NewRateLimiter()
	ctx := t.Context()
	ep := tango.Endpoint{Method: http.MethodPost, Path: "/orders"}
	now := time.Now()
	next := func() time.Duration {
		t.Helper()
		wait, ok, err := l.Reserve(ctx, tango.Turn{Endpoint: ep, Rate: 1, Now: now, MaxWait: time.Hour})
		require.NoError(t, err)
		require.True(t, ok)
		now = now.Add(wait)
		return wait
	}
	near := func(want, got time.Duration, msg string) {
		t.Helper()
		assert.InDelta(t, want, got, float64(time.Millisecond), msg)
	}
	assert.Zero(t, next())
	near(turn, next(), "1 s apart")

	l.Throttled(ctx, tango.Turn{Endpoint: ep, Rate: 1, Now: now}, 5*time.Second)
	l.Throttled(ctx, tango.Turn{Endpoint: ep, Rate: 1, Now: now}, 5*time.Second) // the same burst: counted once
	near(5*time.Second, next(), "paused for the 429's Retry-After")
	near(spacing(0.7), next(), "the rate is cut to 0.7 of the configured one")

	for range 3 {
		l.Succeeded(ctx, tango.Turn{Endpoint: ep, Rate: 1, Now: now})
	}
	next()
	near(turn, next(), "three successes bring the rate back")

	// Repeated 429s lower the rate to a quarter at most.
	for range 10 {
		now = now.Add(time.Minute)
		l.Throttled(ctx, tango.Turn{Endpoint: ep, Rate: 1, Now: now}, time.Second)
	}
	next()
	near(spacing(0.25), next(), "a quarter of the rate at least")
	for range 8 {
		l.Succeeded(ctx, tango.Turn{Endpoint: ep, Rate: 1, Now: now})
	}
	next()

	// A turn past MaxWait is refused and not booked.
	wait, ok, err := l.Reserve(ctx, tango.Turn{Endpoint: ep, Rate: 1, Now: now, MaxWait: 10 * time.Millisecond})
	require.NoError(t, err)
	assert.False(t, ok)
	near(turn, wait, "the wait it would have taken")
	near(turn, next(), "the refused turn was not booked")
}

// Point 5 of issue 10, local: one client, 20 goroutines, the default local limiter,
// against a fake that enforces 1 TPS on orders and counts token requests. Every order
// is placed exactly once, no call fails, one token is fetched, and the fake never
// sees orders faster than 1 per second. Time runs 10 times faster than the wall
// clock for both, so the 20 s of orders take two.
func TestPacingTwentyGoroutinesAgainstOneTPS(t *testing.T) {
	checkLeaks(t)
	clk := testclock.NewScaled(time.Now(), 10)
	srv := ordFake(t, tangotest.WithClock(clk.Now), tangotest.WithOrderRateLimit(1))
	c, err := tango.NewClient(srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()),
		tango.WithRootCAs(srv.RootCAs()), tango.WithClock(clk))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	const n = 20
	start := clk.Now()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = c.Orders.Create(context.Background(), ordRequest(fmt.Sprintf("paced-%02d", i)))
		})
	}
	wg.Wait()
	elapsed := clk.Now().Sub(start)
	require.NoError(t, errors.Join(errs...), "no call fails")
	for i := range n {
		assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, fmt.Sprintf("paced-%02d", i)))
	}
	assert.Equal(t, 1, srv.TokensIssued(), "one token request")
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/raas/v2/orders" {
			posts++
		}
	}
	rate := float64(n-1) / elapsed.Seconds()
	assert.LessOrEqual(t, rate, 1.0, "the orders stayed within 1 per second")
	t.Logf("20 goroutines, local limiter: %d orders, %d POSTs (%d answered 429), %d token request(s), %.3f orders/s over %v (scaled time)",
		n, posts, posts-n, srv.TokensIssued(), rate, elapsed.Round(time.Millisecond))
}
