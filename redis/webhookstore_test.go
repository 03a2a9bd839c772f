package redis_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tangoredis "github.com/tango-sdk/tango-go/redis"
	"github.com/tango-sdk/tango-go/webhook"
)

func TestWebhookStoreOnRedis(t *testing.T) {
	rdb := redisClient(t)
	ctx := context.Background()
	s, err := tangoredis.NewWebhookStore(rdb, tangoredis.WebhookStoreConfig{Namespace: uniqueID(t), ClaimTTL: 200 * time.Millisecond})
	require.NoError(t, err)
	c, err := s.Claim(ctx, "ev-1")
	require.NoError(t, err)
	assert.Equal(t, webhook.ClaimNew, c)
	c, _ = s.Claim(ctx, "ev-1")
	assert.Equal(t, webhook.ClaimBusy, c)
	require.NoError(t, s.Release(ctx, "ev-1"))
	c, _ = s.Claim(ctx, "ev-1")
	assert.Equal(t, webhook.ClaimNew, c)
	require.NoError(t, s.Complete(ctx, "ev-1"))
	c, _ = s.Claim(ctx, "ev-1")
	assert.Equal(t, webhook.ClaimDone, c)
	require.NoError(t, s.Release(ctx, "ev-1"), "releasing a completed event keeps it completed")
	c, _ = s.Claim(ctx, "ev-1")
	assert.Equal(t, webhook.ClaimDone, c)

	// A claim whose holder died expires.
	c, _ = s.Claim(ctx, "ev-2")
	require.Equal(t, webhook.ClaimNew, c)
	require.Eventually(t, func() bool { c, _ = s.Claim(ctx, "ev-2"); return c == webhook.ClaimNew }, 5*time.Second, 50*time.Millisecond)

	_, ok, err := s.Revision(ctx, "item:U1")
	require.NoError(t, err)
	assert.False(t, ok)
	for _, r := range []int64{5, 3, 7, 6} {
		require.NoError(t, s.Advance(ctx, "item:U1", r))
	}
	rev, ok, err := s.Revision(ctx, "item:U1")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.EqualValues(t, 7, rev)

	// Concurrent claims of one event: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 20 {
		wg.Go(func() {
			if c, err := s.Claim(ctx, "ev-race"); err == nil && c == webhook.ClaimNew {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
}

func TestWebhookStoreFailsClosed(t *testing.T) {
	s, err := tangoredis.NewWebhookStore(deadRedis(t), tangoredis.WebhookStoreConfig{Namespace: "dead", Timeout: 300 * time.Millisecond})
	require.NoError(t, err)
	_, err = s.Claim(context.Background(), "ev-1")
	assert.Error(t, err, "an unreachable Redis is an error (the handler answers 500), never a silent new claim")
	_, err = tangoredis.NewWebhookStore(nil, tangoredis.WebhookStoreConfig{Namespace: "x"})
	assert.Error(t, err)
	_, err = tangoredis.NewWebhookStore(deadRedis(t), tangoredis.WebhookStoreConfig{})
	assert.Error(t, err)
}
