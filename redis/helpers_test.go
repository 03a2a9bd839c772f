package redis_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// redisClient connects to the real redis-server at TANGO_REDIS_ADDR (.ci/run starts
// one on loopback), and skips the test when the variable is not set.
func redisClient(t testing.TB) *goredis.Client {
	t.Helper()
	addr := os.Getenv("TANGO_REDIS_ADDR")
	if addr == "" {
		t.Skip("TANGO_REDIS_ADDR is not set: these tests need a real redis-server " +
			"(.ci/run installs and starts one; or run redis-server --port 6390 --bind 127.0.0.1 --save '' " +
			"and set TANGO_REDIS_ADDR=127.0.0.1:6390)")
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, rdb.Ping(ctx).Err(), "redis-server at %s", addr)
	return rdb
}

// deadRedis is a client for a loopback port nothing listens on.
func deadRedis(t testing.TB) *goredis.Client {
	t.Helper()
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

var idSeq atomic.Int64

// uniqueID is a credential id no other test (or earlier run) used, so that tests
// sharing one Redis never share keys.
func uniqueID(t testing.TB) string {
	return fmt.Sprintf("client-%s-%d-%d", t.Name(), time.Now().UnixNano(), idSeq.Add(1))
}
