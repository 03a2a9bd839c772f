package tango_test

// Tests of the batch sender against tangotest: exactly one order per row under
// faults, in input order; an interrupted run finished by a second one; unknown
// outcomes settled at the end; the dry run's checks and pricing.

import (
	"context"
	"fmt"
	"iter"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// batchRows yields n rows of 1.00 on the demo account, keys row-1..row-n.
func batchRows(n int) iter.Seq[tango.BatchOrder] {
	return func(yield func(tango.BatchOrder) bool) {
		for i := 1; i <= n; i++ {
			req := ordRequest("")
			if !yield(tango.BatchOrder{Key: fmt.Sprintf("row-%d", i), Request: req}) {
				return
			}
		}
	}
}

// batchFaults injects resets after commit, 503s and 429s on POST /orders.
func batchFaults(srv *tangotest.Server) {
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Probability: 0.05, Action: tangotest.ConnectionResetAfterCommit()})
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Probability: 0.05, Action: tangotest.StatusAfterCommit(503)})
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Probability: 0.05, Action: tangotest.Status(503)})
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Probability: 0.05, Action: tangotest.Status(429)})
}

func TestBatchThousandRowsWithFaultsExactlyOnce(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t, tangotest.WithSeed(7))
	batchFaults(srv)
	c := ordClient(t, srv, nil)
	var last tango.BatchProgress
	var calls atomic.Int64
	b2, err := c.Orders.Batch(tango.BatchOptions{Namespace: "spring", Concurrency: 8, Progress: func(p tango.BatchProgress) {
		calls.Add(1)
		last = p
	}})
	require.NoError(t, err)

	const n = 1000
	want := 0
	for i, r := range b2.Send(context.Background(), batchRows(n)) {
		require.Equal(t, want, i, "results come in input order")
		require.Equal(t, i, r.Index)
		require.Equal(t, fmt.Sprintf("row-%d", i+1), r.Key)
		require.True(t, r.Outcome == tango.BatchPlaced || r.Outcome == tango.BatchReplayed, "row %d: %s %v", i, r.Outcome, r.Err)
		require.Equal(t, tango.ExternalRefIDFor("spring", r.Key), r.ExternalRefID)
		require.Equal(t, r.ExternalRefID, r.Order.ExternalRefID)
		want++
	}
	assert.Equal(t, n, want)
	assert.Equal(t, n, srv.OrdersCreated(), "exactly one order per row")
	t.Logf("1,000 rows under faults: %d orders created, %d POST /orders sent; placed %d, replayed %d (answers lost after commit)",
		srv.OrdersCreated(), srv.RequestCount("POST", tangotest.PathOrders), last.Placed, last.Replayed)
	assert.Equal(t, "0.00", srv.Balance(tangotest.DemoAccount), "1,000 × 1.00 charged once each")
	assert.Equal(t, n, last.Done())
	assert.Equal(t, n, last.Sent)
	assert.Equal(t, n, last.Placed+last.Replayed)
	assert.Greater(t, last.Replayed, 0, "the resets after commit were answered by replays")
	assert.GreaterOrEqual(t, calls.Load(), int64(2*n))
}

func TestBatchInterruptedThenRerunPlacesEachRowOnce(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t, tangotest.WithSeed(11))
	batchFaults(srv)
	// About one POST in five meets a fault, in both runs. With the default six
	// attempts, a row of the re-run could meet one on every attempt (about once
	// per 80 test runs, depending on which goroutine draws which random number):
	// the lookup then finds the first run's order, and the batch reports it as
	// placed, not replayed. Twenty attempts make that practically impossible
	// (0.19^20 per row) without taking a fault away.
	c := ordClient(t, srv, nil, tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 20, DisableBudget: true}))
	const n = 1000

	ctx, cancel := context.WithCancel(context.Background())
	b, err := c.Orders.Batch(tango.BatchOptions{Namespace: "summer", Concurrency: 8, Progress: func(p tango.BatchProgress) {
		if p.Done() >= 300 {
			cancel()
		}
	}})
	require.NoError(t, err)
	first := map[string]tango.BatchOutcome{}
	for _, r := range b.Send(ctx, batchRows(n)) {
		first[r.Key] = r.Outcome
	}
	cancel()
	assert.GreaterOrEqual(t, len(first), 300)
	assert.Less(t, len(first), n, "the run stopped early")
	placedFirst := srv.OrdersCreated()
	assert.GreaterOrEqual(t, placedFirst, 300)

	b2, err := c.Orders.Batch(tango.BatchOptions{Namespace: "summer", Concurrency: 8})
	require.NoError(t, err)
	replayed, seen := 0, 0
	for i, r := range b2.Send(context.Background(), batchRows(n)) {
		require.Equal(t, seen, i)
		seen++
		require.True(t, r.Outcome.Settled(), "row %d: %v", i, r.Err)
		if first[r.Key] == tango.BatchPlaced {
			assert.Equal(t, tango.BatchReplayed, r.Outcome, "row %s was placed by the first run", r.Key)
		}
		if r.Outcome == tango.BatchReplayed {
			replayed++
		}
	}
	assert.Equal(t, n, seen)
	assert.Equal(t, n, srv.OrdersCreated(), "exactly 1,000 orders over both runs")
	t.Logf("interrupted run: %d row results, %d orders; re-run: %d replayed; total orders %d", len(first), placedFirst, replayed, srv.OrdersCreated())
	assert.GreaterOrEqual(t, replayed, placedFirst)
}

func TestBatchSettlesUnknownOutcomesAtTheEnd(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil, tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1, DisableBudget: true}))
	// Row 3's answer is lost and so is the lookup that follows: unknown, until
	// the batch asks again at the end.
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
	srv.Inject(tangotest.Fault{Method: "GET", Path: tangotest.PathOrders, Times: 1, Action: tangotest.Status(500)})

	var order []int
	var lastProgress tango.BatchProgress
	b2, err := c.Orders.Batch(tango.BatchOptions{Namespace: "autumn", Concurrency: 1, Progress: func(p tango.BatchProgress) { lastProgress = p }})
	require.NoError(t, err)
	results := map[int]tango.BatchResult{}
	for i, r := range b2.Send(context.Background(), batchRows(5)) {
		order = append(order, i)
		results[i] = r
	}
	assert.Equal(t, []int{1, 2, 3, 4, 0}, order, "the unknown row comes last, settled")
	assert.Equal(t, tango.BatchReplayed, results[0].Outcome, "%v", results[0].Err)
	assert.Equal(t, 5, srv.OrdersCreated())
	assert.Equal(t, 0, lastProgress.Unknown)
	assert.Equal(t, 5, lastProgress.Done())

	// Without settling, the row stays unknown and says how to settle it.
	srv2 := ordFake(t)
	c2 := ordClient(t, srv2, nil, tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1, DisableBudget: true}))
	srv2.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
	srv2.Inject(tangotest.Fault{Method: "GET", Path: tangotest.PathOrders, Times: 1, Action: tangotest.Status(500)})
	b3, err := c2.Orders.Batch(tango.BatchOptions{Namespace: "autumn", Concurrency: 1, NoSettle: true})
	require.NoError(t, err)
	for i, r := range b3.Send(context.Background(), batchRows(2)) {
		if i == 0 {
			assert.Equal(t, tango.BatchUnknown, r.Outcome)
			assert.ErrorIs(t, r.Err, tango.ErrOutcomeUnknown)
			assert.Contains(t, r.Err.Error(), r.ExternalRefID)
		}
	}
}

func TestBatchBadRowsDoNotStopTheOthers(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	rows := func(yield func(tango.BatchOrder) bool) {
		for i := 1; i <= 6; i++ {
			req := ordRequest("")
			switch i {
			case 2:
				req.UTID = "bad"
			case 4:
				req.UTID = tangotest.UTIDInactive
			case 5:
				req = nil
			}
			if !yield(tango.BatchOrder{Key: fmt.Sprintf("r%d", i), Request: req}) {
				return
			}
		}
	}
	b, err := c.Orders.Batch(tango.BatchOptions{Namespace: "bad-rows", Concurrency: 3})
	require.NoError(t, err)
	got := map[string]tango.BatchOutcome{}
	for _, r := range b.Send(context.Background(), rows) {
		got[r.Key] = r.Outcome
	}
	assert.Equal(t, map[string]tango.BatchOutcome{
		"r1": tango.BatchPlaced, "r2": tango.BatchRefused, "r3": tango.BatchPlaced,
		"r4": tango.BatchRefused, "r5": tango.BatchRefused, "r6": tango.BatchPlaced,
	}, got)
	assert.Equal(t, 3, srv.OrdersCreated())
}

func TestBatchBreakStopsCleanly(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	b, err := c.Orders.Batch(tango.BatchOptions{Namespace: "brk", Concurrency: 4})
	require.NoError(t, err)
	seen := 0
	for range b.Send(context.Background(), batchRows(100)) {
		seen++
		if seen == 5 {
			break
		}
	}
	assert.Equal(t, 5, seen)
	assert.Less(t, srv.OrdersCreated(), 100, "no new rows were started after the break")
}

// TestBatchCancelReturnsWhileRowsBlock: rows from a source that stops yielding
// (a queue with nothing in it) must not keep Send from returning once the
// batch is cancelled: the rows already sent are reported, and the rows
// function's goroutine ends at its next yield. Before, Send waited for the rows
// function to return and hung.
func TestBatchCancelReturnsWhileRowsBlock(t *testing.T) {
	cases := []struct {
		name string
		stop func(cancel context.CancelFunc) bool // true: break out of the loop
	}{
		{name: "cancel", stop: func(cancel context.CancelFunc) bool { cancel(); return false }},
		{name: "break", stop: func(context.CancelFunc) bool { return true }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			b, err := c.Orders.Batch(tango.BatchOptions{Namespace: "blk-" + tc.name, Concurrency: 2})
			require.NoError(t, err)
			release := make(chan struct{})
			defer close(release) // lets the rows function return, so no goroutine outlives the test
			rows := func(yield func(tango.BatchOrder) bool) {
				for i := 1; i <= 3; i++ {
					if !yield(tango.BatchOrder{Key: fmt.Sprintf("row-%d", i), Request: ordRequest("")}) {
						return
					}
				}
				<-release // the queue is empty: no more rows for now
				yield(tango.BatchOrder{Key: "row-late", Request: ordRequest("")})
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int)
			go func() {
				seen := 0
				for _, r := range b.Send(ctx, rows) {
					assert.Equal(t, tango.BatchPlaced, r.Outcome, "%+v", r)
					seen++
					if seen == 3 && tc.stop(cancel) {
						break
					}
				}
				done <- seen
			}()
			select {
			case seen := <-done:
				assert.Equal(t, 3, seen)
			case <-time.After(30 * time.Second): // a deadlock guard, not a timing check
				t.Fatal("Send did not return after the batch was stopped while its rows blocked")
			}
			assert.Equal(t, 3, srv.OrdersCreated(), "the late row is never sent")
		})
	}
}

func TestBatchOptionsAreChecked(t *testing.T) {
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	for _, o := range []tango.BatchOptions{{}, {Namespace: "x", Concurrency: -1}, {Namespace: "x", GracePeriod: -1}} {
		_, err := c.Orders.Batch(o)
		assert.Error(t, err, "%+v", o)
	}
}

func TestBatchDryRun(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	mk := func(key, utid, amount string) tango.BatchOrder {
		r := ordRequest("")
		r.UTID, r.Amount = utid, tango.MustParseAmount(amount)
		return tango.BatchOrder{Key: key, Request: r}
	}
	list := []tango.BatchOrder{
		mk("ok-1", tangotest.UTIDRewardLink, "10.00"),
		mk("unknown-item", "U999999", "10.00"),
		mk("inactive", tangotest.UTIDInactive, "10.00"),
		mk("too-much", tangotest.UTIDRewardLink, "2500.00"),
		mk("fixed-wrong", tangotest.UTIDFixedValue, "12.00"),
		mk("fixed-ok", tangotest.UTIDFixedValue, "10.00"),
		mk("euro", tangotest.UTIDEuro, "10.00"),
		mk("ok-1", tangotest.UTIDRewardLink, "1.00"),
		{Key: "", Request: ordRequest("")},
	}
	rows := func(yield func(tango.BatchOrder) bool) {
		for _, r := range list {
			if !yield(r) {
				return
			}
		}
	}
	b, err := c.Orders.Batch(tango.BatchOptions{Namespace: "dry"})
	require.NoError(t, err)
	est, err := b.DryRun(context.Background(), rows)
	require.NoError(t, err)
	assert.Equal(t, 9, est.Rows)
	assert.Equal(t, 3, est.Valid)
	var bad []string
	for _, p := range est.Problems {
		bad = append(bad, fmt.Sprintf("%d:%s", p.Index, p.Key))
	}
	assert.Equal(t, []string{"1:unknown-item", "2:inactive", "3:too-much", "4:fixed-wrong", "7:ok-1", "8:"}, bad)
	require.Len(t, est.Accounts, 1)
	assert.Equal(t, "USD", est.Accounts[0].Currency)
	assert.Equal(t, "30.87", est.Accounts[0].Total.String(), "10 + 10 USD + 10 EUR at baseFx 0.92 EUR per USD (10 / 0.92 = 10.87)")
	assert.True(t, est.Sufficient())
	assert.Equal(t, 0, srv.OrdersCreated(), "a dry run sends no order")

	// On the 25.00 account the batch is refused before anything is sent.
	for i := range list {
		list[i].Request.AccountIdentifier = tangotest.SecondAccount
	}
	_, _, err = b.Run(context.Background(), rows)
	require.ErrorIs(t, err, tango.ErrInsufficientFunds)
	assert.Equal(t, 0, srv.OrdersCreated())
	bOver, err := c.Orders.Batch(tango.BatchOptions{Namespace: "dry", IgnoreBalance: true})
	require.NoError(t, err)
	_, seq, err := bOver.Run(context.Background(), rows)
	require.NoError(t, err)
	n := 0
	for range seq {
		n++
	}
	assert.Equal(t, 9, n)
}

// TestBatchStopStartsNoQueuedOrders: after a cancel or a break, no order that
// was not already in flight is sent. With Concurrency 1 at most one order is in
// flight when the consumer stops on the first result, so at most 2 orders
// exist. (Found in review: a buffered job queue kept placing up to
// 3×Concurrency read rows after the stop.)
func TestBatchStopStartsNoQueuedOrders(t *testing.T) {
	for _, mode := range []string{"cancel", "break"} {
		t.Run(mode, func(t *testing.T) {
			srv := ordFake(t)
			srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Action: tangotest.Latency(200 * time.Millisecond)})
			c := ordClient(t, srv, nil)
			b, err := c.Orders.Batch(tango.BatchOptions{Namespace: "rv-" + mode, Concurrency: 1})
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			seen := 0
			for range b.Send(ctx, batchRows(20)) {
				seen++
				if seen == 1 {
					if mode == "break" {
						break
					}
					cancel()
				}
			}
			assert.LessOrEqual(t, srv.OrdersCreated(), 2, "orders placed after the batch was stopped")
		})
	}
}

// TestBatchPanicInLoopBodyPlacesNoMore: a panic in the caller's loop body
// (recovered further up, as an HTTP server does) must not leave Send placing
// the queued rows, whose results nobody will see. Send's workers have all
// returned once the panic has unwound through it, so the count is final.
func TestBatchPanicInLoopBodyPlacesNoMore(t *testing.T) {
	srv := ordFake(t)
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Action: tangotest.Latency(200 * time.Millisecond)})
	c := ordClient(t, srv, nil)
	b, err := c.Orders.Batch(tango.BatchOptions{Namespace: "rv-panic", Concurrency: 1})
	require.NoError(t, err)
	func() {
		defer func() { _ = recover() }()
		for range b.Send(context.Background(), batchRows(20)) {
			panic("handler bug")
		}
	}()
	assert.LessOrEqual(t, srv.OrdersCreated(), 2, "orders placed after the loop body panicked")
}
