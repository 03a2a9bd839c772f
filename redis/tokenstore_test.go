package redis_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	tangoredis "github.com/tango-sdk/tango-go/redis"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// N stores that start cold (N processes) fetch one token: the first Load takes the
// lock and gets nil, the others wait for its Save.
func TestTokenStoreColdStartFetchesOnce(t *testing.T) {
	rdb := redisClient(t)
	id := uniqueID(t)
	const n = 8
	var fetches atomic.Int64
	now := time.Now()
	var wg sync.WaitGroup
	got := make([]string, n)
	for i := range n {
		s, err := tangoredis.NewTokenStore(redisClient(t), tango.Sandbox, id)
		require.NoError(t, err)
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			st, err := s.Load(ctx, "k")
			if err != nil {
				t.Error(err)
				return
			}
			if st == nil {
				fetches.Add(1)
				time.Sleep(100 * time.Millisecond) // the token request takes a while
				tok := &tango.StoredToken{AccessToken: tango.NewSecret("tok-PLANTED-1"), ObtainedAt: now, Expiry: now.Add(24 * time.Hour), Fingerprint: "fp"}
				if err := s.Save(ctx, "k", tok); err != nil {
					t.Error(err)
				}
				got[i] = "tok-PLANTED-1"
				return
			}
			got[i] = st.AccessToken.Reveal()
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, fetches.Load(), "one process fetched")
	for i := range got {
		assert.Equal(t, "tok-PLANTED-1", got[i])
	}

	// The keys hold neither the credential id nor the token; the value is the token.
	keys, err := rdb.Keys(t.Context(), "tango-go:*").Result()
	require.NoError(t, err)
	for _, k := range keys {
		assert.NotContains(t, k, id)
		assert.NotContains(t, k, "tok-PLANTED")
	}
	_ = rdb
}

// A token due for renewal is renewed by one process; the others keep waiting for
// its new token rather than fetching.
func TestTokenStoreRenewalByOne(t *testing.T) {
	id := uniqueID(t)
	now := time.Now()
	clock := func() time.Time { return now }
	a, err := tangoredis.NewTokenStore(redisClient(t), tango.Sandbox, id, tangoredis.WithClientClock(clock))
	require.NoError(t, err)
	b, err := tangoredis.NewTokenStore(redisClient(t), tango.Sandbox, id, tangoredis.WithClientClock(clock))
	require.NoError(t, err)
	ctx := t.Context()
	old := &tango.StoredToken{AccessToken: tango.NewSecret("tok-old"), ObtainedAt: now.Add(-23 * time.Hour), Expiry: now.Add(time.Hour), Fingerprint: "fp"}
	require.NoError(t, a.Save(ctx, "k", old))

	st, err := a.Load(ctx, "k")
	require.NoError(t, err)
	require.Nil(t, st, "due for renewal: a takes the lock and fetches")

	done := make(chan *tango.StoredToken, 1)
	go func() {
		st, _ := b.Load(ctx, "k")
		done <- st
	}()
	time.Sleep(120 * time.Millisecond) // b polls while a fetches
	fresh := &tango.StoredToken{AccessToken: tango.NewSecret("tok-new"), ObtainedAt: now, Expiry: now.Add(24 * time.Hour), Fingerprint: "fp"}
	require.NoError(t, a.Save(ctx, "k", fresh))
	select {
	case st := <-done:
		require.NotNil(t, st)
		assert.Equal(t, "tok-new", st.AccessToken.Reveal(), "b got a's new token")
	case <-time.After(5 * time.Second):
		t.Fatal("b did not get the new token")
	}
}

// With Redis down, Load reports no token and Save does nothing, with one warning.
func TestTokenStoreDegradesWhenRedisIsDown(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	s, err := tangoredis.NewTokenStore(deadRedis(t), tango.Sandbox, "client-down",
		tangoredis.WithLogger(slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))))
	require.NoError(t, err)
	for range 3 {
		st, err := s.Load(t.Context(), "k")
		require.NoError(t, err)
		assert.Nil(t, st)
		require.NoError(t, s.Save(t.Context(), "k", &tango.StoredToken{AccessToken: tango.NewSecret("tok-PLANTED-2"), ObtainedAt: time.Now(), Expiry: time.Now().Add(time.Hour)}))
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	assert.Equal(t, 1, strings.Count(out, "Redis is unreachable"), out)
	assert.NotContains(t, out, "tok-PLANTED")
	_ = io.Discard
}
