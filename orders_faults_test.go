package tango_test

// Orders are exactly-once: under every fault tangotest can inject, for sequential
// callers and for 100 concurrent ones, the fake holds exactly one order per
// externalRefID, and the caller gets that order or a clear error carrying the key.
// Retry waits go through the fake clock, so the 1 s and 2 s floors cost no real
// time; only the attempt-timeout cases wait, for their real attempt timeouts.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
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

// How a successful Create came to its order.
type ordHow int

const (
	ordNew       ordHow = iota + 1 // 201: placed by this call
	ordReplayed                    // 200: Tango's stored order
	ordSettled                     // Replayed or Recovered: either is right for the fault
	ordRecovered                   // found by the lookup after retries ran out
)

// ordFaultCase is one row of the fault matrix.
type ordFaultCase struct {
	name    string
	action  tangotest.Action
	times   int           // how many requests the fault hits (0: every one)
	timeout time.Duration // attempt timeout; 0 keeps ordClient's
	how     ordHow        // what a sequential caller gets
	posts   int           // POST /orders per sequential call; 0 when it varies
	floor   time.Duration // the least recorded retry delay
	group   string        // cases of one group share a concurrent run (faults injected together)
}

// ordFaultMatrix lists every fault a POST /orders can meet.
func ordFaultMatrix() []ordFaultCase {
	cases := []ordFaultCase{
		{name: "reset before commit", action: tangotest.ConnectionReset(), times: 1, how: ordNew, posts: 2, floor: time.Second},
		{name: "reset after commit", action: tangotest.ConnectionResetAfterCommit(), times: 1, how: ordReplayed, posts: 2, floor: time.Second},
		{name: "reset after commit on every attempt", action: tangotest.ConnectionResetAfterCommit(), how: ordRecovered, posts: 6, floor: time.Second},
		// The held request is held until its client gives up (a minute never runs
		// out, so a late handler cannot act after the client left). The attempt
		// timeout is real time: the retry that follows must handshake afresh and
		// be answered within it, which 200 ms allows on a loaded 2-core machine
		// under -race.
		{name: "timeout before commit", action: tangotest.Latency(time.Minute), times: 1, timeout: 200 * time.Millisecond, how: ordNew, posts: 2, floor: time.Second},
		{name: "timeout after commit", action: tangotest.LatencyAfterCommit(time.Minute), times: 1, timeout: 200 * time.Millisecond, how: ordSettled, floor: time.Second},
		{name: "429 without Retry-After", action: tangotest.RateLimited(0), times: 2, how: ordNew, posts: 3, floor: time.Second, group: "429"},
		{name: "429 with Retry-After 3s", action: tangotest.RateLimited(3 * time.Second), times: 1, how: ordNew, posts: 2, floor: 3 * time.Second, group: "429"},
		{name: "409.002 in flight", action: tangotest.Status(http.StatusConflict), times: 2, how: ordNew, posts: 3, floor: 2 * time.Second},
	}
	for _, code := range []int{500, 502, 503, 504} {
		cases = append(cases,
			ordFaultCase{name: fmt.Sprintf("%d before commit", code), action: tangotest.Status(code), times: 1, how: ordNew, posts: 2, floor: time.Second, group: strconv.Itoa(code)},
			ordFaultCase{name: fmt.Sprintf("%d after commit", code), action: tangotest.StatusAfterCommit(code), times: 1, how: ordReplayed, posts: 2, floor: time.Second, group: strconv.Itoa(code)},
		)
	}
	return cases
}

// ordAssertHow checks how an order came back.
func ordAssertHow(t *testing.T, want ordHow, o *tango.Order) {
	t.Helper()
	switch want {
	case ordNew:
		assert.False(t, o.Replayed || o.Recovered, "a new order (201)")
	case ordReplayed:
		assert.True(t, o.Replayed, "the stored order (200)")
		assert.False(t, o.Recovered)
	case ordRecovered:
		assert.True(t, o.Recovered, "found by externalRefID after retries ran out")
	case ordSettled:
		assert.True(t, o.Replayed || o.Recovered, "the stored order, replayed or recovered")
	}
}

// ordStoredID returns the referenceOrderID the fake holds for ref, through a plain
// list call.
func ordStoredID(t *testing.T, c *tango.Client, ref string) string {
	t.Helper()
	list, err := c.Orders.List(context.Background(), &tango.ListOrdersParams{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount, ExternalRefID: ref,
	})
	require.NoError(t, err)
	require.Len(t, list.Orders, 1)
	return list.Orders[0].ReferenceOrderID
}

func TestCreateExactlyOnceUnderFaultsSequential(t *testing.T) {
	for _, tc := range ordFaultMatrix() {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			clk := testclock.New(time.Now())
			var opts []tango.Option
			if tc.timeout > 0 {
				opts = append(opts, tango.WithAttemptTimeout(tc.timeout))
			}
			c := ordClient(t, srv, clk, opts...)
			fault := tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: tc.times, Action: tc.action}

			for i, given := range []string{"", fmt.Sprintf("seq-%s-1", strings.ReplaceAll(tc.name, " ", "-")), ""} {
				clk.Reset()
				postsBefore := len(ordPostedRefs(t, srv))
				remove := srv.Inject(fault)
				o, err := c.Orders.Create(context.Background(), ordRequest(given))
				remove()
				require.NoError(t, err, "caller %d", i)

				ref := o.ExternalRefID
				if given != "" {
					assert.Equal(t, given, ref)
				}
				assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, ref), "exactly one order for %s", ref)
				assert.Equal(t, i+1, srv.OrdersCreated(), "one order per caller")
				ordAssertHow(t, tc.how, o)
				assert.Equal(t, ordStoredID(t, c, ref), o.ReferenceOrderID, "the caller got the order the fake holds")

				posts := ordPostedRefs(t, srv)[postsBefore:]
				if tc.posts > 0 {
					assert.Len(t, posts, tc.posts)
				}
				for _, r := range posts {
					assert.Equal(t, ref, r, "every attempt carries the same key")
				}
				sleeps := clk.Sleeps()
				assert.Len(t, sleeps, len(posts)-1, "one wait between attempts")
				for _, d := range sleeps {
					assert.GreaterOrEqual(t, d, tc.floor, "retry delays honour the floor")
				}
			}
			assert.Equal(t, "997.00", srv.Balance(tangotest.DemoAccount), "charged once per caller")
		})
	}
}

// ordConcurrentResult is what one of many concurrent callers got.
type ordConcurrentResult struct {
	ref   string
	order *tango.Order
	err   error
}

// ordCreateConcurrently runs n Creates at once, caller i with ref(i).
func ordCreateConcurrently(c *tango.Client, n int, ref func(i int) string) []ordConcurrentResult {
	out := make([]ordConcurrentResult, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			o, err := c.Orders.Create(context.Background(), ordRequest(ref(i)))
			out[i] = ordConcurrentResult{ref: ref(i), order: o, err: err}
		})
	}
	close(start)
	wg.Wait()
	return out
}

// ordFaultGroups orders the matrix for concurrent runs: cases of one group (the
// two sides of commit for a 5xx code, the two kinds of 429) run together.
func ordFaultGroups() [][]ordFaultCase {
	var groups [][]ordFaultCase
	index := map[string]int{}
	for _, tc := range ordFaultMatrix() {
		if i, ok := index[tc.group]; ok && tc.group != "" {
			groups[i] = append(groups[i], tc)
			continue
		}
		index[tc.group] = len(groups)
		groups = append(groups, []ordFaultCase{tc})
	}
	return groups
}

func TestCreateExactlyOnceUnderFaultsConcurrent(t *testing.T) {
	const callers = 100
	for _, group := range ordFaultGroups() {
		var names []string
		for _, tc := range group {
			names = append(names, tc.name)
		}
		t.Run(strings.Join(names, " + "), func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			// Nothing hangs outside the timeout cases, so their attempt timeout is
			// never reached by design; it is long because 100 callers' TLS
			// handshakes under -race on a loaded 2-core machine can take seconds,
			// and a timed-out lookup would leave a caller without its order.
			opts := []tango.Option{tango.WithAttemptTimeout(15 * time.Second)}
			var faults []tangotest.Fault
			for _, tc := range group {
				// About a third of the requests meet a fault, whoever sends them.
				f := tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tc.action, Probability: 0.3 / float64(len(group))}
				if tc.times == 0 {
					// Every attempt fails: two are enough to reach the lookup.
					f.Probability = 0
					opts = append(opts, tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 2, DisableBudget: true}))
				}
				if tc.timeout > 0 {
					// The attempt timeout is what this case tests, so it stays real
					// time: a second, which ordinary attempts on a loaded 2-core
					// machine stay well clear of (one that does not is retried like
					// any timeout, with the same key). The first 30 requests (one each
					// for 30 callers) are held until their client gives up: the hold
					// of a minute never runs out, so the case costs a second, and a
					// late handler cannot place an order after its client left.
					opts = []tango.Option{tango.WithAttemptTimeout(time.Second)}
					f.Action = tangotest.Latency(time.Minute)
					if tc.how != ordNew {
						f.Action = tangotest.LatencyAfterCommit(time.Minute)
					}
					f.Probability, f.Times = 0, 30
				}
				faults = append(faults, f)
			}
			c := ordClient(t, srv, nil, opts...)
			for _, f := range faults {
				srv.Inject(f)
			}

			prefix := fmt.Sprintf("conc-%d-", time.Now().UnixNano())
			results := ordCreateConcurrently(c, callers, func(i int) string { return fmt.Sprintf("%s%03d", prefix, i) })
			srv.ClearFaults()

			succeeded := 0
			for _, r := range results {
				n := srv.OrderCount(tangotest.DemoAccount, r.ref)
				require.LessOrEqual(t, n, 1, "never two orders for %s", r.ref)
				if r.err == nil {
					succeeded++
					assert.Equal(t, r.ref, r.order.ExternalRefID)
					assert.Equal(t, 1, n, "the caller's order exists: %s", r.ref)
					continue
				}
				assert.Equal(t, r.ref, ordErrorRef(t, r.err), "the error carries the key")
				if n == 1 {
					// Placed but not reported: only allowed when the lookup failed too.
					assert.ErrorIs(t, r.err, tango.ErrOutcomeUnknown)
					assert.Contains(t, r.err.Error(), "looking the order up")
				}
			}
			assert.GreaterOrEqual(t, succeeded, callers*9/10, "retries carry nearly every caller through")
			total := 0
			for _, r := range results {
				total += srv.OrderCount(tangotest.DemoAccount, r.ref)
			}
			assert.Equal(t, total, srv.OrdersCreated(), "no order without a caller's key")
		})
	}
}

func TestCreateConcurrentCallersShareOneKey(t *testing.T) {
	tests := []struct {
		name  string
		fault tangotest.Fault
	}{
		// The first order is held in flight for a while: the others meet 409.002
		// until it is done, then get the stored order.
		{"held in flight", tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.LatencyAfterCommit(50 * time.Millisecond)}},
		// Answers are lost at random after the order is committed.
		{"answers lost", tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Probability: 0.3, Action: tangotest.ConnectionResetAfterCommit()}},
		// Tango fails at random after committing.
		{"503 after commit", tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Probability: 0.3, Action: tangotest.StatusAfterCommit(503)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			clk := testclock.New(time.Now())
			c := ordClient(t, srv, clk)
			srv.Inject(tt.fault)

			const ref = "shared-key-000001"
			results := ordCreateConcurrently(c, 100, func(int) string { return ref })

			assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, ref), "exactly one order")
			assert.Equal(t, 1, srv.OrdersCreated())
			assert.Equal(t, "999.00", srv.Balance(tangotest.DemoAccount))
			id := ordStoredID(t, c, ref)
			fresh := 0
			for i, r := range results {
				require.NoError(t, r.err, "caller %d", i)
				assert.Equal(t, id, r.order.ReferenceOrderID, "every caller gets the one order")
				assert.Equal(t, ref, r.order.ExternalRefID)
				if !r.order.Replayed && !r.order.Recovered {
					fresh++
				}
			}
			assert.LessOrEqual(t, fresh, 1, "at most one caller saw a 201")
			for _, d := range clk.Sleeps() {
				assert.GreaterOrEqual(t, d, time.Second)
			}
		})
	}
}

// TestCreateRetryFloors: with a backoff of a millisecond, only the floors explain
// the delays: 1 s before re-sending an order, 1 s after a 429, 2 s after 409.002.
func TestCreateRetryFloors(t *testing.T) {
	tests := []struct {
		name   string
		action tangotest.Action
		want   time.Duration
	}{
		{"503", tangotest.Status(http.StatusServiceUnavailable), time.Second},
		{"reset after commit", tangotest.ConnectionResetAfterCommit(), time.Second},
		{"429", tangotest.RateLimited(0), time.Second},
		{"409.002", tangotest.Status(http.StatusConflict), 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			clk := testclock.New(time.Now())
			c := ordClient(t, srv, clk, tango.WithRetryPolicy(tango.RetryPolicy{InitialInterval: time.Millisecond, MaxInterval: time.Millisecond, DisableBudget: true}))
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 2, Action: tt.action})

			_, err := c.Orders.Create(context.Background(), ordRequest("floor-ref-00001"))
			require.NoError(t, err)
			assert.Equal(t, []time.Duration{tt.want, tt.want}, clk.Sleeps())
			assert.Equal(t, 1, srv.OrdersCreated())
		})
	}
}

func TestCreateTokenExpiresMidCall(t *testing.T) {
	tests := []struct {
		name  string
		fault *tangotest.Fault // the first attempt's fault; the token expires during the wait after it
		how   ordHow
	}{
		{"before the call", nil, ordNew},
		{"between attempts, after a lost answer", &tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionResetAfterCommit()}, ordReplayed},
		{"between attempts, after a 503", &tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.Status(503)}, ordNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			clk := testclock.New(time.Now())
			c, err := tango.NewClient(srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()),
				tango.WithRootCAs(srv.RootCAs()), tango.WithClock(clk), tango.WithRetryPolicy(tango.RetryPolicy{DisableBudget: true}), noPacing())
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			ctx := context.Background()

			_, err = c.Orders.List(ctx, nil) // holds a token now
			require.NoError(t, err)
			require.Equal(t, 1, srv.TokensIssued())
			if tt.fault == nil {
				srv.ExpireTokens()
			} else {
				srv.Inject(*tt.fault)
				clk.OnSleep(func(time.Duration) { srv.ExpireTokens() })
			}

			o, err := c.Orders.Create(ctx, ordRequest("token-ref-0001"))
			require.NoError(t, err)
			ordAssertHow(t, tt.how, o)
			assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, "token-ref-0001"))
			assert.Equal(t, 2, srv.TokensIssued(), "one new token, fetched once")
			assert.Equal(t, "999.00", srv.Balance(tangotest.DemoAccount))
		})
	}
}

func TestCreateOutcomeUnknownWhenLookupFindsNothing(t *testing.T) {
	tests := []struct {
		name     string
		action   tangotest.Action
		wantIs   error
		timeout  time.Duration
		attempts int
	}{
		{"503 on every attempt", tangotest.Status(http.StatusServiceUnavailable), tango.ErrServerError, 0, 6},
		{"reset on every attempt", tangotest.ConnectionReset(), nil, 0, 6},
		{"409.002 on every attempt", tangotest.Status(http.StatusConflict), tango.ErrOrderInFlight, 0, 6},
		// Each attempt is held until the client gives up (the hold of a minute
		// never runs out, so the fake cannot place the order late). The attempt
		// timeout is real time and must cover a fresh TLS handshake and the write
		// (a timed-out attempt closes its connection), and the lookup's whole
		// answer: 300 ms is ample on a loaded 2-core machine under -race. Two
		// attempts keep the case under a second.
		{"timeout on every attempt", tangotest.Latency(time.Minute), context.DeadlineExceeded, 300 * time.Millisecond, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			var opts []tango.Option
			if tt.timeout > 0 {
				opts = append(opts, tango.WithAttemptTimeout(tt.timeout),
					tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: tt.attempts, DisableBudget: true}))
			}
			c := ordClient(t, srv, nil, opts...)
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tt.action})

			o, err := c.Orders.Create(context.Background(), ordRequest("unknown-ref-001"))
			require.Error(t, err)
			assert.Nil(t, o)
			assert.Equal(t, "unknown-ref-001", ordErrorRef(t, err))
			var unknown *tango.OutcomeUnknownError
			require.ErrorAs(t, err, &unknown)
			assert.Equal(t, "unknown-ref-001", unknown.ExternalRefID)
			assert.Equal(t, tt.attempts, unknown.Attempts)
			require.Error(t, unknown.Err, "the last cause is kept")
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			assert.Contains(t, err.Error(), "unknown-ref-001")
			assert.Equal(t, tt.attempts, srv.RequestCount(http.MethodPost, tangotest.PathOrders))
			assert.Equal(t, 1, srv.RequestCount(http.MethodGet, tangotest.PathOrders), "looked up once")
			if tt.timeout > 0 {
				// Every held attempt was dropped: nothing can be placed later.
				wait, stop := context.WithTimeout(context.Background(), time.Minute)
				defer stop()
				require.NoError(t, srv.WaitAbandoned(wait, tt.attempts))
			}
			assert.Zero(t, srv.OrdersCreated())
		})
	}
}

func TestCreateOutcomeUnknownWhenLookupFails(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.ConnectionResetAfterCommit()})
	srv.Inject(tangotest.Fault{Method: http.MethodGet, Path: tangotest.PathOrders, Action: tangotest.Status(http.StatusInternalServerError)})

	_, err := c.Orders.Create(context.Background(), ordRequest("lookup-fails-01"))
	var unknown *tango.OutcomeUnknownError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, "lookup-fails-01", unknown.ExternalRefID)
	assert.Contains(t, err.Error(), "looking the order up")
	assert.ErrorIs(t, err, tango.ErrServerError, "the lookup's cause is reachable too")
	assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, "lookup-fails-01"), "placed once, not reported")

	// Retrying later with the same key settles it without a second order.
	srv.ClearFaults()
	o, err := c.Orders.Create(context.Background(), ordRequest("lookup-fails-01"))
	require.NoError(t, err)
	assert.True(t, o.Replayed)
	assert.Equal(t, 1, srv.OrdersCreated())
}

func TestCreateRecoveredOrderIsWhole(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.ConnectionResetAfterCommit()})

	o, err := c.Orders.Create(context.Background(), ordRequest("recovered-ref-1"))
	require.NoError(t, err)
	assert.True(t, o.Recovered)
	assert.False(t, o.Replayed)
	assert.Equal(t, "recovered-ref-1", o.ExternalRefID)
	require.NotNil(t, o.Reward, "the lookup fetches the order with its reward")
	require.NotEmpty(t, o.Reward.CredentialList)
	assert.NotEmpty(t, o.Reward.CredentialList[0].Value.Reveal())
	assert.Equal(t, 1, srv.OrdersCreated())
	assert.Equal(t, 1, srv.RequestCount(http.MethodGet, tangotest.PathOrders))
	assert.Equal(t, 1, srv.RequestCount(http.MethodGet, tangotest.PathOrders+"/"+o.ReferenceOrderID))
}

// TestCreateLookupStillChecksTheRequest: an order found by the lookup is checked
// against the request like a replay.
func TestCreateLookupStillChecksTheRequest(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	ctx := context.Background()
	_, err := c.Orders.Create(ctx, ordRequest("lookup-check-01"))
	require.NoError(t, err)

	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.ConnectionResetAfterCommit()})
	req := ordRequest("lookup-check-01")
	req.Amount = tango.MustParseAmount("2.00")
	_, err = c.Orders.Create(ctx, req)
	var mm *tango.IdempotencyMismatchError
	require.ErrorAs(t, err, &mm)
	assert.Equal(t, []string{"amount"}, mm.Fields)
	assert.True(t, mm.Existing.Replayed || mm.Existing.Recovered)
	assert.Equal(t, 1, srv.OrdersCreated())
}

func TestCreateNoLookupWhenContextIsDone(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, srv *tangotest.Server, c *tango.Client, clk *testclock.Clock) error
	}{
		{"cancelled while waiting to retry", func(t *testing.T, srv *tangotest.Server, c *tango.Client, clk *testclock.Clock) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			clk.OnSleep(func(time.Duration) { cancel() })
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
			_, err := c.Orders.Create(ctx, ordRequest("ctx-done-ref-01"))
			assert.ErrorIs(t, err, context.Canceled)
			return err
		}},
		// A deadline keeps time for the lookup (TestCreateKeepsTimeForTheLookup); a
		// cancellation during an attempt leaves none.
		{"cancelled during an attempt", func(t *testing.T, srv *tangotest.Server, c *tango.Client, _ *testclock.Clock) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.LatencyAfterCommit(300 * time.Millisecond)})
			stop := time.AfterFunc(100*time.Millisecond, cancel)
			defer stop.Stop()
			_, err := c.Orders.Create(ctx, ordRequest("ctx-done-ref-01"))
			assert.ErrorIs(t, err, context.Canceled)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			clk := testclock.New(time.Now())
			c := ordClient(t, srv, clk)

			err := tt.run(t, srv, c, clk)
			require.Error(t, err)
			assert.Equal(t, "ctx-done-ref-01", ordErrorRef(t, err))
			var unknown *tango.OutcomeUnknownError
			require.ErrorAs(t, err, &unknown, "the order may exist: the outcome is unknown")
			assert.Equal(t, "ctx-done-ref-01", unknown.ExternalRefID)
			assert.Equal(t, 1, srv.RequestCount(http.MethodPost, tangotest.PathOrders), "no retry after the context ended")
			assert.Zero(t, srv.RequestCount(http.MethodGet, tangotest.PathOrders), "no lookup without time left")
			assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, "ctx-done-ref-01"))

			// The key in the error is all the caller needs to settle it later.
			clk.OnSleep(nil)
			o, err := c.Orders.Create(context.Background(), ordRequest(unknown.ExternalRefID))
			require.NoError(t, err)
			assert.True(t, o.Replayed)
			assert.Equal(t, 1, srv.OrdersCreated())
		})
	}
}

// TestCreateContextDoneBeforeSendingIsNotUnknown: a context that ended before the
// request left gives the context's error (nothing can have happened), still
// wrapped with the key, and sends nothing.
func TestCreateContextDoneBeforeSendingIsNotUnknown(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Orders.Create(ctx, ordRequest("ctx-early-ref-1"))
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, errors.Is(err, tango.ErrOutcomeUnknown))
	assert.Equal(t, "ctx-early-ref-1", ordErrorRef(t, err))
	assert.Zero(t, srv.RequestCount("", tangotest.PathOrders))
}

// TestCreateRetryBudgetKeepsExactlyOnce: with the client-wide retry budget empty,
// calls stop retrying, and exactly-once still holds.
func TestCreateRetryBudgetKeepsExactlyOnce(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil, tango.WithRetryPolicy(tango.RetryPolicy{BudgetCapacity: 10}))
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.StatusAfterCommit(503)})

	for i := range 5 {
		ref := fmt.Sprintf("budget-ref-%03d", i)
		o, err := c.Orders.Create(context.Background(), ordRequest(ref))
		require.NoError(t, err, "the lookup settles what the retries could not")
		assert.True(t, o.Replayed || o.Recovered)
		assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, ref))
	}
	assert.Equal(t, 5, srv.OrdersCreated())
}

// TestCreateUnreadableAnswerIsRecovered: Tango placed the order (201) but the
// answer cannot be decoded. That is an unknown outcome for a write, so the SDK
// looks the order up instead of failing or re-sending blindly.
func TestCreateUnreadableAnswerIsRecovered(t *testing.T) {
	checkLeaks(t)
	var posts, lists atomic.Int64
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		order := map[string]any{
			"referenceOrderID": "RA260301-5-55", "externalRefID": "garbled-ref-001",
			"customerIdentifier": tangotest.DemoCustomer, "accountIdentifier": tangotest.DemoAccount,
			"utid": tangotest.UTIDRewardLink, "denomination": map[string]any{"value": 1, "currencyCode": "USD"},
			"status": "COMPLETE", "createdAt": "2026-03-01T12:00:00Z",
		}
		switch {
		case r.Method == http.MethodPost:
			posts.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"referenceOrderID": "RA260301-5-55", "denomination": {"value": "not a number"`))
		case r.URL.Path == apiRoot+"/orders":
			lists.Add(1)
			assert.Equal(t, "garbled-ref-001", r.URL.Query().Get("externalRefID"))
			answerJSON(w, http.StatusOK, map[string]any{"page": map[string]any{"totalCount": 1, "resultCount": 1}, "orders": []any{order}})
		default:
			answerJSON(w, http.StatusOK, order)
		}
	})
	c := newCoreClient(t, ts)
	o, err := c.Orders.Create(context.Background(), ordRequest("garbled-ref-001"))
	require.NoError(t, err)
	assert.True(t, o.Recovered)
	assert.Equal(t, "RA260301-5-55", o.ReferenceOrderID)
	assert.Equal(t, int64(1), posts.Load(), "not re-sent")
	assert.Equal(t, int64(1), lists.Load())
}

// TestCreateReplayOfForeignCurrencyItem: the replay check compares the face value
// (denomination), not what the account was charged after conversion.
func TestCreateReplayOfForeignCurrencyItem(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	req := ordRequest("euro-ref-000001")
	req.UTID, req.Amount = tangotest.UTIDEuro, tango.MustParseAmount("10.00")
	first, err := c.Orders.Create(context.Background(), req)
	require.NoError(t, err)
	require.NotNil(t, first.AmountCharged)
	require.False(t, first.AmountCharged.Value.Equal(req.Amount), "the fixture converts EUR to USD")
	again, err := c.Orders.Create(context.Background(), req)
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, first.ReferenceOrderID, again.ReferenceOrderID)
}

// TestCreateKeyNeedingEscapes: a key with characters that must be escaped in a
// query string still finds its order in the lookup.
func TestCreateKeyNeedingEscapes(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.ConnectionResetAfterCommit()})
	const ref = "inv 42&x=1+2%/?#"
	o, err := c.Orders.Create(context.Background(), ordRequest(ref))
	require.NoError(t, err)
	assert.True(t, o.Recovered)
	assert.Equal(t, ref, o.ExternalRefID)
	assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, ref))
}

// TestCreateLogsCarryTheKey: the debug records of a retried order name its key, so
// an operator can follow one order through its attempts.
func TestCreateLogsCarryTheKey(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	logger, logs := debugLogger()
	c := ordClient(t, srv, nil, tango.WithLogger(logger))
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.StatusAfterCommit(503)})
	_, err := c.Orders.Create(context.Background(), ordRequest("logged-ref-0001"))
	require.NoError(t, err)
	out := logs.String()
	assert.Equal(t, 3, strings.Count(out, `"external_ref_id":"logged-ref-0001"`), "two attempts and one retry decision:\n%s", out)
	assert.Contains(t, out, `"status":503`)
	assert.NotContains(t, out, ordRecipientEmail)
}

// TestCreateDefinitiveAnswerAfterUncertainAttempt: when a retry gets Tango's own
// verdict on the key (here 402: the order would have been replayed with 200 had
// the first attempt placed it), the outcome is known: no lookup, no
// OutcomeUnknownError.
func TestCreateDefinitiveAnswerAfterUncertainAttempt(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name    string
		mutate  func(*tango.CreateOrderRequest)
		settled bool  // the refusal is returned as it is
		want    error // the sentinel the error matches either way
	}{
		// The same request bytes meet an inactive item on every attempt: once a
		// lookup finds no order, the refusal stands.
		{"an inactive item settles", func(r *tango.CreateOrderRequest) { r.UTID = tangotest.UTIDInactive }, true, nil},
		// 402 may mean the uncertain attempt, still running, holds the balance.
		{"insufficient funds stays unknown", func(r *tango.CreateOrderRequest) {
			r.AccountIdentifier, r.Amount = tangotest.SecondAccount, tango.MustParseAmount("30.00")
		}, false, tango.ErrInsufficientFunds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
			req := ordRequest("settled-ref-001")
			tc.mutate(req)

			_, err := c.Orders.Create(context.Background(), req)
			require.Error(t, err)
			assert.Equal(t, "settled-ref-001", ordErrorRef(t, err))
			var apiErr *tango.APIError
			require.ErrorAs(t, err, &apiErr, "Tango's answer stays reachable: %v", err)
			assert.Equal(t, !tc.settled, errors.Is(err, tango.ErrOutcomeUnknown), "%v", err)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			// Tango does not document whether it checks funds before the key, so
			// one lookup confirms that the uncertain first attempt placed nothing.
			assert.Equal(t, 1, srv.RequestCount(http.MethodGet, tangotest.PathOrders), "one lookup")
			assert.Zero(t, srv.OrderCount(req.AccountIdentifier, "settled-ref-001"))
		})
	}
}
