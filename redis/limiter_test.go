package redis_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	tangoredis "github.com/tango-sdk/tango-go/redis"
)

// turn is the spacing of turns at 1 request per second (1/rate and the 2 % margin).
const turn = 1020 * time.Millisecond

var ordersEP = tango.Endpoint{Method: http.MethodPost, Path: "/orders"}

func TestNewRateLimiterRefusesBadInput(t *testing.T) {
	rdb := deadRedis(t)
	tests := []struct {
		name string
		id   string
		env  tango.Environment
		opts []tangoredis.Option
		want string
	}{
		{"no id", "", tango.Sandbox, nil, "empty credential id"},
		{"no env", "id", tango.Environment{}, nil, "APIBaseURL"},
		{"nil logger", "id", tango.Sandbox, []tangoredis.Option{tangoredis.WithLogger(nil)}, "nil logger"},
		{"zero timeout", "id", tango.Sandbox, []tangoredis.Option{tangoredis.WithTimeout(0)}, "WithTimeout"},
		{"zero retry", "id", tango.Sandbox, []tangoredis.Option{tangoredis.WithRetryInterval(0)}, "WithRetryInterval"},
		{"nil clock", "id", tango.Sandbox, []tangoredis.Option{tangoredis.WithClientClock(nil)}, "nil clock"},
		{"tiny lock", "id", tango.Sandbox, []tangoredis.Option{tangoredis.WithLockTTL(time.Millisecond)}, "WithLockTTL"},
		{"zero window", "id", tango.Sandbox, []tangoredis.Option{tangoredis.WithRefreshWindow(0)}, "WithRefreshWindow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tangoredis.NewRateLimiter(rdb, tt.env, tt.id, tt.opts...)
			require.ErrorContains(t, err, tt.want)
			_, err = tangoredis.NewTokenStore(rdb, tt.env, tt.id, tt.opts...)
			require.ErrorContains(t, err, tt.want)
		})
	}
	_, err := tangoredis.NewRateLimiter(nil, tango.Sandbox, "id")
	require.ErrorContains(t, err, "nil Redis client")
}

// Two limiters on one Redis (two processes) share the schedule: turns are spaced
// across both, on Redis's clock.
func TestRateLimiterSharesTurnsOnRedisTime(t *testing.T) {
	rdb := redisClient(t)
	id := uniqueID(t)
	a, err := tangoredis.NewRateLimiter(rdb, tango.Sandbox, id)
	require.NoError(t, err)
	b, err := tangoredis.NewRateLimiter(redisClient(t), tango.Sandbox, id)
	require.NoError(t, err)
	other, err := tangoredis.NewRateLimiter(rdb, tango.Production, id)
	require.NoError(t, err)
	ctx := t.Context()
	tn := tango.Turn{Endpoint: ordersEP, Rate: 1, Now: time.Now(), MaxWait: time.Hour}

	wait, ok, err := a.Reserve(ctx, tn)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Zero(t, wait, "the first turn is free")
	wait, ok, err = b.Reserve(ctx, tn)
	require.NoError(t, err)
	require.True(t, ok)
	assert.InDelta(t, turn, wait, float64(200*time.Millisecond), "the second process waits one interval")
	wait, _, err = a.Reserve(ctx, tn)
	require.NoError(t, err)
	assert.InDelta(t, 2*turn, wait, float64(200*time.Millisecond), "and the next one two")

	// Past MaxWait: nothing booked, the wait reported.
	short := tn
	short.MaxWait = 10 * time.Millisecond
	wait, ok, err = b.Reserve(ctx, short)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Greater(t, wait, 2*time.Second)

	// Another environment is another schedule.
	wait, ok, err = other.Reserve(ctx, tn)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Zero(t, wait)
}

// A 429 one process meets pauses the endpoint for the other and lowers the rate;
// successes bring it back.
func TestRateLimiterShares429(t *testing.T) {
	rdb := redisClient(t)
	id := uniqueID(t)
	now := time.Now()
	clock := func() time.Time { return now }
	a, err := tangoredis.NewRateLimiter(rdb, tango.Sandbox, id, tangoredis.WithClientClock(clock))
	require.NoError(t, err)
	b, err := tangoredis.NewRateLimiter(rdb, tango.Sandbox, id, tangoredis.WithClientClock(clock))
	require.NoError(t, err)
	ctx := t.Context()
	next := func(l tango.RateLimiter) time.Duration {
		t.Helper()
		wait, ok, err := l.Reserve(ctx, tango.Turn{Endpoint: ordersEP, Rate: 1, Now: now, MaxWait: time.Hour})
		require.NoError(t, err)
		require.True(t, ok)
		now = now.Add(wait)
		return wait
	}
	near := func(want, got time.Duration, msg string) {
		t.Helper()
		assert.InDelta(t, want, got, float64(time.Millisecond), msg)
	}
	assert.Zero(t, next(a))
	a.Throttled(ctx, tango.Turn{Endpoint: ordersEP, Rate: 1, Now: now}, 3*time.Second)
	b.Throttled(ctx, tango.Turn{Endpoint: ordersEP, Rate: 1, Now: now}, 3*time.Second) // the same burst: counted once
	near(3*time.Second, next(b), "b waits out the pause a's 429 set")
	near(1457142857, next(b), "at 0.7 of the rate (1.02 s / 0.7)")
	for range 3 {
		a.Succeeded(ctx, tango.Turn{Endpoint: ordersEP, Rate: 1, Now: now})
	}
	next(b)
	near(turn, next(b), "three successes bring the rate back")
}

// With Redis unreachable the limiter paces locally, logs one warning however
// many calls it serves, and never fails a call.
func TestRateLimiterFallsBackWhenRedisIsDown(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	id := "client-down-" + t.Name()
	l, err := tangoredis.NewRateLimiter(deadRedis(t), tango.Sandbox, id, tangoredis.WithLogger(logger), tangoredis.WithRetryInterval(time.Millisecond))
	require.NoError(t, err)
	now := time.Now()
	var waits []time.Duration
	for range 5 {
		wait, ok, err := l.Reserve(t.Context(), tango.Turn{Endpoint: ordersEP, Rate: 1, Now: now, MaxWait: time.Hour})
		require.NoError(t, err)
		require.True(t, ok)
		l.Throttled(t.Context(), tango.Turn{Endpoint: ordersEP, Rate: 100, Now: now}, 0)
		waits = append(waits, wait)
		time.Sleep(2 * time.Millisecond) // past WithRetryInterval: Redis is tried again
	}
	assert.Zero(t, waits[0])
	assert.Greater(t, waits[1], 500*time.Millisecond, "paced locally")
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	assert.Equal(t, 1, strings.Count(out, "Redis is unreachable"), "one warning: %s", out)
	assert.NotContains(t, out, id, "the credential id is not logged")
}

// lockedWriter serialises writes to a buffer.
type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
