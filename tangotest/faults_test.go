package tangotest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

func TestStatusFaults(t *testing.T) {
	tests := []struct {
		name       string
		action     tangotest.Action
		status     int
		key        string
		retryAfter string
	}{
		{"429 without Retry-After", tangotest.RateLimited(0), 429, "429.001", ""},
		{"429 with Retry-After", tangotest.RateLimited(1500 * time.Millisecond), 429, "429.001", "2"},
		{"500", tangotest.Status(500), 500, "500.001", ""},
		{"502", tangotest.Status(502), 502, "502.001", ""},
		{"503", tangotest.Status(503), 503, "503.501", ""},
		{"504", tangotest.Status(504), 504, "504.001", ""},
		{"custom key", tangotest.Status(503).WithI18nKey("503.502", "Temporarily unavailable."), 503, "503.502", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			f.srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tt.action})
			r := f.do(http.MethodPost, "orders", order("st-1", tangotest.UTIDRewardLink, "1"))
			require.Equal(t, tt.status, r.status, "%s", r.raw)
			assert.Equal(t, tt.key, r.key(t))
			assert.Equal(t, tt.retryAfter, r.header.Get("Retry-After"))
			body := r.obj(t)
			assert.Equal(t, r.header.Get("X-REQUEST-ID"), body["requestId"])
			assert.Equal(t, tangotest.PathOrders, body["path"])
			assert.Equal(t, 0, f.srv.OrdersCreated(), "nothing happened")

			// Times: 1, so the retry goes through.
			r = f.do(http.MethodPost, "orders", order("st-1", tangotest.UTIDRewardLink, "1"))
			assert.Equal(t, http.StatusCreated, r.status)
		})
	}
}

func TestStatusAfterCommit(t *testing.T) {
	f := setup(t)
	f.srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.StatusAfterCommit(503)})
	r := f.do(http.MethodPost, "orders", order("pc-1", tangotest.UTIDRewardLink, "3"))
	require.Equal(t, http.StatusServiceUnavailable, r.status)
	assert.Equal(t, "503.501", r.key(t))
	assert.Equal(t, 1, f.srv.OrderCount(tangotest.DemoAccount, "pc-1"), "processed, then 503")
	assert.Equal(t, "997.00", f.srv.Balance(tangotest.DemoAccount))
	r = f.do(http.MethodPost, "orders", order("pc-1", tangotest.UTIDRewardLink, "3"))
	assert.Equal(t, http.StatusOK, r.status, "the retry finds the order")
}

func TestConnectionResets(t *testing.T) {
	tests := []struct {
		name    string
		action  tangotest.Action
		created int
		balance string
	}{
		{"before commit", tangotest.ConnectionReset(), 0, "1000.00"},
		{"after commit", tangotest.ConnectionResetAfterCommit(), 1, "995.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			f.srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tt.action})
			_, err := f.send(http.MethodPost, "orders", order("rs-1", tangotest.UTIDRewardLink, "5"))
			require.Error(t, err, "the connection is dropped without an answer")
			assert.Equal(t, tt.created, f.srv.OrdersCreated())
			assert.Equal(t, tt.balance, f.srv.Balance(tangotest.DemoAccount))

			r := f.do(http.MethodPost, "orders", order("rs-1", tangotest.UTIDRewardLink, "5"))
			want := map[int]int{0: http.StatusCreated, 1: http.StatusOK}[tt.created]
			assert.Equal(t, want, r.status, "retry with the same externalRefID")
			assert.Equal(t, 1, f.srv.OrderCount(tangotest.DemoAccount, "rs-1"))
			assert.Equal(t, 2, f.srv.RequestCount(http.MethodPost, tangotest.PathOrders))
		})
	}
}

// TestLatency: a held request gets no answer while the hold lasts; when its client
// gives up, the fake drops it without placing the order, and WaitAbandoned says
// when that has happened, so nothing here waits for the hold to run out.
func TestLatency(t *testing.T) {
	f := setup(t)
	// A hold of a minute ends when the client leaves, so it costs nothing, and it
	// cannot run out before the fake notices that the client left.
	f.srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.Latency(time.Minute)})

	// The client gives up once the fake holds its request, rather than on a short
	// deadline of its own, which a loaded machine may reach before the request is
	// even sent.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if f.srv.WaitHeld(ctx, 1) == nil {
			cancel()
		}
	}()
	body, err := json.Marshal(order("late-1", tangotest.UTIDRewardLink, "1"))
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.srv.URL()+tangotest.PathOrders, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", f.basic())
	_, err = f.hc.Do(req)
	require.ErrorIs(t, err, context.Canceled, "no answer while the request is held")

	// The held handler notices that the client left and drops the request
	// without placing the order.
	wait, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	require.NoError(t, f.srv.WaitAbandoned(wait, 1))
	assert.Equal(t, 0, f.srv.OrdersCreated())
	assert.Equal(t, 1, f.srv.RequestCount(http.MethodPost, tangotest.PathOrders))

	// A hold the client waits out delays the answer by at least the hold.
	f.srv.Inject(tangotest.Fault{Method: http.MethodGet, Path: tangotest.PathCatalogs, Times: 1, Action: tangotest.Latency(60 * time.Millisecond)})
	start := time.Now()
	r := f.do(http.MethodGet, "catalogs", nil)
	assert.Equal(t, http.StatusOK, r.status)
	assert.GreaterOrEqual(t, time.Since(start), 60*time.Millisecond)
	require.NoError(t, f.srv.WaitHeld(wait, 2))
	require.NoError(t, f.srv.WaitAbandoned(wait, 1))

	// The same order, sent again, goes through: nothing was left in flight.
	assert.Equal(t, http.StatusCreated, f.do(http.MethodPost, "orders", order("late-1", tangotest.UTIDRewardLink, "1")).status)
}

// TestWaitAbandonedAfterCommit: a request held after commit whose client leaves is
// finished once WaitAbandoned returns: the order exists, is no longer in flight,
// and a retry with the same externalRefID gets it back (200) rather than 409.002.
func TestWaitAbandonedAfterCommit(t *testing.T) {
	f := setup(t)
	f.srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.LatencyAfterCommit(time.Minute)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if f.srv.WaitHeld(ctx, 1) == nil {
			cancel()
		}
	}()
	body, err := json.Marshal(order("late-2", tangotest.UTIDRewardLink, "1"))
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.srv.URL()+tangotest.PathOrders, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", f.basic())
	_, err = f.hc.Do(req)
	require.ErrorIs(t, err, context.Canceled)

	wait, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	require.NoError(t, f.srv.WaitAbandoned(wait, 1))
	assert.Equal(t, 1, f.srv.OrdersCreated(), "committed before the hold")
	assert.Equal(t, http.StatusOK, f.do(http.MethodPost, "orders", order("late-2", tangotest.UTIDRewardLink, "1")).status)

	// A wait that cannot be met ends with its context.
	short, cancelShort := context.WithCancel(context.Background())
	cancelShort()
	assert.ErrorIs(t, f.srv.WaitAbandoned(short, 2), context.Canceled)
	assert.ErrorIs(t, f.srv.WaitHeld(short, 2), context.Canceled)
}

func TestGatewayForbiddenFault(t *testing.T) {
	f := setup(t)
	f.srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix, Action: tangotest.GatewayForbidden()})
	r := f.do(http.MethodGet, "catalogs", nil)
	require.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, "awselb/2.0", r.header.Get("Server"))
	assert.Equal(t, "text/html", r.header.Get("Content-Type"))
	// Times 0: every time. The token endpoint is not under /raas/v2.
	assert.Equal(t, http.StatusForbidden, f.do(http.MethodGet, "orders", nil).status)
	assert.NotEmpty(t, f.token())
}

func TestFaultMatchingAndRemoval(t *testing.T) {
	f := setup(t)
	remove := f.srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.Status(500)})
	assert.Equal(t, http.StatusOK, f.do(http.MethodGet, "orders", nil).status, "other method")
	assert.Equal(t, http.StatusOK, f.do(http.MethodGet, "catalogs", nil).status, "other path")
	assert.Equal(t, http.StatusInternalServerError, f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, "1")).status)
	id := "RA000000-1-11"
	assert.Equal(t, http.StatusInternalServerError, f.do(http.MethodPost, "orders/"+id+"/resends", nil).status, "segment prefix")
	remove()
	assert.Equal(t, http.StatusCreated, f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, "1")).status)

	f.srv.Inject(tangotest.Fault{Path: "/raas/v2/order", Action: tangotest.Status(500)})
	assert.Equal(t, http.StatusOK, f.do(http.MethodGet, "orders", nil).status, "a prefix matches whole segments only")
	f.srv.ClearFaults()

	assert.Panics(t, func() { f.srv.Inject(tangotest.Fault{}) })
	assert.Panics(t, func() { f.srv.Inject(tangotest.Fault{Probability: 2, Action: tangotest.Status(500)}) })
	assert.Panics(t, func() { f.srv.Inject(tangotest.Fault{Times: -1, Action: tangotest.Status(500)}) })
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	pattern := func(seed int64) []int {
		f := setup(t, tangotest.WithSeed(seed))
		f.srv.Inject(tangotest.Fault{Path: tangotest.PathCatalogs, Probability: 0.5, Action: tangotest.Status(503)})
		var out []int
		for range 40 {
			out = append(out, f.do(http.MethodGet, "catalogs", nil).status)
		}
		return out
	}
	a, b := pattern(7), pattern(7)
	assert.Equal(t, a, b, "same seed, same faults")
	fails := 0
	for _, s := range a {
		if s == http.StatusServiceUnavailable {
			fails++
		}
	}
	assert.Greater(t, fails, 5)
	assert.Less(t, fails, 35)
	assert.NotEqual(t, a, pattern(8), "another seed, another sequence")
}

func TestActionString(t *testing.T) {
	assert.Equal(t, "latency 1s after commit", tangotest.LatencyAfterCommit(time.Second).String())
	assert.Equal(t, "status 503 (503.501)", tangotest.Status(503).String())
	assert.Equal(t, "connection reset", tangotest.ConnectionReset().String())
}
