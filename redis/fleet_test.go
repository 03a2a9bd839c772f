package redis_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	tangoredis "github.com/tango-sdk/tango-go/redis"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Point 5 of issue 10, the fleet: 4 clients (4 replicas, each with its own Redis
// connection, limiter and token store) share one Redis against one tangotest that
// enforces 1 TPS on orders and counts token requests. Every order is placed exactly
// once, no call fails, one token is fetched between them, and the fake never sees
// orders faster than 1 per second. Time runs 10 times faster than the wall clock for
// all of them (the clients, the Redis schedule and the fake), so 20 s of orders take 2.
func TestFleetOfFourSharesTheLimitAndOneToken(t *testing.T) {
	redisClient(t) // skips without TANGO_REDIS_ADDR
	clk := testclock.NewScaled(time.Now(), 10)
	srv := tangotest.NewServer(tangotest.WithClock(clk.Now), tangotest.WithOrderRateLimit(1))
	t.Cleanup(srv.Close)
	id := uniqueID(t)
	env := srv.Environment()

	const replicas, perReplica = 4, 5
	clients := make([]*tango.Client, replicas)
	for i := range clients {
		rdb := redisClient(t) // one connection pool per replica, as separate processes have
		lim, err := tangoredis.NewRateLimiter(rdb, env, id, tangoredis.WithClientClock(clk.Now))
		require.NoError(t, err)
		store, err := tangoredis.NewTokenStore(rdb, env, id, tangoredis.WithClientClock(clk.Now))
		require.NoError(t, err)
		c, err := tango.NewClient(env, tango.OAuth2(srv.ClientID(), srv.ClientSecret(), tango.WithTokenStore(store)),
			tango.WithRootCAs(srv.RootCAs()), tango.WithClock(clk), tango.WithRateLimiter(lim))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		clients[i] = c
	}

	start := clk.Now()
	var wg sync.WaitGroup
	errs := make([]error, replicas*perReplica)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = clients[i%replicas].Orders.Create(context.Background(), order(fmt.Sprintf("fleet-%s-%02d", id, i)))
		})
	}
	wg.Wait()
	elapsed := clk.Now().Sub(start)
	require.NoError(t, errors.Join(errs...), "no call fails")
	for i := range errs {
		assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, fmt.Sprintf("fleet-%s-%02d", id, i)), "order %d placed once", i)
	}
	assert.Equal(t, 1, srv.TokensIssued(), "one token request for the fleet")
	posts := countPosts(srv)
	n := len(errs)
	rate := float64(n-1) / elapsed.Seconds()
	assert.LessOrEqual(t, rate, 1.0, "the fleet stayed within 1 order per second")
	t.Logf("4 replicas on Redis: %d orders, %d POSTs (%d answered 429), %d token request(s), %.3f orders/s over %v (scaled time)",
		n, posts, posts-n, srv.TokensIssued(), rate, elapsed.Round(time.Millisecond))
}

// With Redis down, replicas still place every order: each paces itself and
// fetches its own token (one per replica, not one per call), and Tango's 429s
// are absorbed by the pacing.
func TestFleetWithRedisDownDegrades(t *testing.T) {
	clk := testclock.NewScaled(time.Now(), 10)
	srv := tangotest.NewServer(tangotest.WithClock(clk.Now), tangotest.WithOrderRateLimit(1))
	t.Cleanup(srv.Close)
	env := srv.Environment()
	const replicas, perReplica = 2, 3
	clients := make([]*tango.Client, replicas)
	for i := range clients {
		rdb := deadRedis(t)
		lim, err := tangoredis.NewRateLimiter(rdb, env, "fleet-down", tangoredis.WithClientClock(clk.Now), tangoredis.WithLogger(discard()))
		require.NoError(t, err)
		store, err := tangoredis.NewTokenStore(rdb, env, "fleet-down", tangoredis.WithClientClock(clk.Now), tangoredis.WithLogger(discard()))
		require.NoError(t, err)
		c, err := tango.NewClient(env, tango.OAuth2(srv.ClientID(), srv.ClientSecret(), tango.WithTokenStore(store)),
			tango.WithRootCAs(srv.RootCAs()), tango.WithClock(clk), tango.WithRateLimiter(lim))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		clients[i] = c
	}
	var wg sync.WaitGroup
	errs := make([]error, replicas*perReplica)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = clients[i%replicas].Orders.Create(context.Background(), order(fmt.Sprintf("down-%02d", i)))
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	assert.Equal(t, replicas*perReplica, srv.OrdersCreated())
	assert.LessOrEqual(t, srv.TokensIssued(), replicas, "one token per replica at most")
}

func order(ref string) *tango.CreateOrderRequest {
	return &tango.CreateOrderRequest{
		ExternalRefID:      ref,
		CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier:  tangotest.DemoAccount,
		UTID:               tangotest.UTIDRewardLink,
		Amount:             tango.MustParseAmount("1.00"),
		Recipient:          &tango.Recipient{Email: "fleet@example.com", FirstName: "Ada"},
	}
}

// countPosts counts the POST /orders the fake received, 429s included.
func countPosts(srv *tangotest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/orders") {
			n++
		}
	}
	return n
}
