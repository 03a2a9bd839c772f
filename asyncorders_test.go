package tango_test

// Tests of AsyncOrdersService against tangotest: exactly once by externalRefID
// (replays, resets after commit, recovery by lookup), Wait on the fake clock, and
// failed and duplicate line items reported row by row.

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

// asyncRequest is an async order of n line items of 1.00, ids row-1..row-n.
func asyncRequest(ref string, n int) *tango.CreateAsyncOrderRequest {
	req := &tango.CreateAsyncOrderRequest{
		ExternalRefID: ref, CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		Campaign: "spring",
	}
	for i := 1; i <= n; i++ {
		req.LineItems = append(req.LineItems, tango.AsyncLineItemRequest{
			ExternalRefLineItemID: fmt.Sprintf("row-%d", i), UTID: tangotest.UTIDRewardLink,
			Amount:    tango.MustParseAmount("1.00"),
			Recipient: &tango.Recipient{Email: ordRecipientEmail, FirstName: "Ada"},
		})
	}
	return req
}

// asyncSetup starts a fake and a client that share one fake clock.
func asyncSetup(t *testing.T, opts ...tango.Option) (*tangotest.Server, *tango.Client, *testclock.Clock) {
	t.Helper()
	clk := testclock.New(time.Now())
	srv := ordFake(t, tangotest.WithClock(clk.Now))
	return srv, ordClient(t, srv, clk, opts...), clk
}

func TestAsyncOrderCreateAndWait(t *testing.T) {
	checkLeaks(t)
	srv, c, clk := asyncSetup(t)
	srv.SetAsyncProcessingDelay(90 * time.Second)
	ctx := context.Background()

	sub, err := c.AsyncOrders.Create(ctx, asyncRequest("batch-1", 5))
	require.NoError(t, err)
	assert.False(t, sub.Replayed)
	assert.Equal(t, "batch-1", sub.ExternalRefID)
	assert.Equal(t, 5, sub.TotalLineItems)
	assert.Equal(t, 0, srv.AsyncLineItemsPlaced(), "nothing is placed before the delay")

	res, err := c.AsyncOrders.Wait(ctx, sub)
	require.NoError(t, err)
	assert.Equal(t, tango.AsyncComplete, res.Order.OrderStatus)
	assert.Empty(t, res.Failed)
	assert.Equal(t, 5, srv.AsyncLineItemsPlaced())
	assert.Equal(t, "995.00", srv.Balance(tangotest.DemoAccount))
	// Wait slept on the client's clock, backing off: 2 s, 4 s, 8 s ... (less jitter).
	sleeps := clk.Sleeps()
	require.GreaterOrEqual(t, len(sleeps), 3)
	for i := 1; i < len(sleeps); i++ {
		assert.Greater(t, sleeps[i], sleeps[i-1], "backoff grows: %v", sleeps)
	}

	items, err := c.AsyncOrders.LineItems(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, "batch-1", nil)
	require.NoError(t, err)
	require.Len(t, items.LineItems, 5)
	require.NotEmpty(t, items.LineItems[0].Rewards)
	assert.NotEmpty(t, items.LineItems[0].Rewards[0].CredentialList[0].Value.Reveal())
	assert.NotContains(t, fmt.Sprint(items.LineItems[0]), ordRecipientEmail)
}

func TestAsyncOrderFailedAndDuplicateLineItemsRowByRow(t *testing.T) {
	checkLeaks(t)
	srv, c, _ := asyncSetup(t)
	ctx := context.Background()
	srv.FailAsyncLineItem("row-2", "recipient blocked")

	req := asyncRequest("batch-faulty", 5)
	req.LineItems[3].UTID = tangotest.UTIDInactive   // fails in processing: inactive item
	req.LineItems[4].ExternalRefLineItemID = "row-1" // a repeated line item id
	sub, err := c.AsyncOrders.Create(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"row-1": 2}, sub.DuplicateLineItemRefIDs)

	res, err := c.AsyncOrders.Wait(ctx, sub)
	require.NoError(t, err)
	assert.Equal(t, tango.AsyncPartial, res.Order.OrderStatus)
	failed := res.FailedByID()
	require.Len(t, failed, 2, "%+v", res.Failed)
	require.Contains(t, failed, "row-2")
	assert.Equal(t, "recipient blocked", failed["row-2"].Errors[0].Message)
	require.Contains(t, failed, "row-4")
	assert.Equal(t, "422.030", failed["row-4"].Errors[0].Code)
	assert.Equal(t, map[string]int{"row-1": 2}, res.Duplicates)
	assert.Equal(t, 2, srv.AsyncLineItemsPlaced(), "row-1 (once) and row-3")
}

// TestAsyncOrderEndedWholeNamesNoLineItem: an order cancelled or rejected as a
// whole settles Wait with that status and may list no failed line item; the
// caller must read Order.OrderStatus before taking the rows as paid (the
// tango send test checks that the tool does).
func TestAsyncOrderEndedWholeNamesNoLineItem(t *testing.T) {
	for _, status := range []tango.AsyncOrderStatus{tango.AsyncCancelled, "REJECTED"} {
		t.Run(string(status), func(t *testing.T) {
			srv, c, _ := asyncSetup(t)
			ctx := context.Background()
			srv.EndAsyncOrder("batch-ended", string(status))

			sub, err := c.AsyncOrders.Create(ctx, asyncRequest("batch-ended", 3))
			require.NoError(t, err)
			res, err := c.AsyncOrders.Wait(ctx, sub)
			require.NoError(t, err)
			assert.Equal(t, status, res.Order.OrderStatus)
			assert.Empty(t, res.Failed, "no line item carries an error of its own")
			assert.Zero(t, srv.AsyncLineItemsPlaced())
			assert.Equal(t, "1000.00", srv.Balance(tangotest.DemoAccount), "nothing charged")
		})
	}
}

func TestAsyncOrderExactlyOnce(t *testing.T) {
	tests := []struct {
		name  string
		fault tangotest.Fault
		opts  []tango.Option
		check func(t *testing.T, sub *tango.AsyncOrderSubmission)
	}{
		{
			name:  "reset after commit, retried: Tango replays",
			fault: tangotest.Fault{Method: "POST", Path: tangotest.APIPrefix + "/asyncOrders", Times: 1, Action: tangotest.ConnectionResetAfterCommit()},
			check: func(t *testing.T, sub *tango.AsyncOrderSubmission) { assert.True(t, sub.Replayed) },
		},
		{
			name:  "503 after commit, retried: Tango replays",
			fault: tangotest.Fault{Method: "POST", Path: tangotest.APIPrefix + "/asyncOrders", Times: 1, Action: tangotest.StatusAfterCommit(503)},
			check: func(t *testing.T, sub *tango.AsyncOrderSubmission) { assert.True(t, sub.Replayed) },
		},
		{
			name:  "reset after commit, no retries left: found by lookup",
			fault: tangotest.Fault{Method: "POST", Path: tangotest.APIPrefix + "/asyncOrders", Times: 1, Action: tangotest.ConnectionResetAfterCommit()},
			opts:  []tango.Option{tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1, DisableBudget: true})},
			check: func(t *testing.T, sub *tango.AsyncOrderSubmission) { assert.True(t, sub.Recovered) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv, c, _ := asyncSetup(t, tt.opts...)
			srv.Inject(tt.fault)
			sub, err := c.AsyncOrders.Create(context.Background(), asyncRequest("batch-x", 3))
			require.NoError(t, err)
			tt.check(t, sub)
			assert.Equal(t, 1, srv.AsyncOrdersCreated())
			res, err := c.AsyncOrders.Wait(context.Background(), sub)
			require.NoError(t, err)
			assert.Empty(t, res.Failed)
			assert.Equal(t, 3, srv.AsyncLineItemsPlaced())
		})
	}
}

func TestAsyncOrderReplayAndMismatch(t *testing.T) {
	checkLeaks(t)
	srv, c, _ := asyncSetup(t)
	ctx := context.Background()
	_, err := c.AsyncOrders.Create(ctx, asyncRequest("batch-r", 2))
	require.NoError(t, err)
	again, err := c.AsyncOrders.Create(ctx, asyncRequest("batch-r", 2))
	require.NoError(t, err)
	assert.True(t, again.Replayed)

	_, err = c.AsyncOrders.Create(ctx, asyncRequest("batch-r", 3))
	var mm *tango.AsyncOrderMismatchError
	require.ErrorAs(t, err, &mm)
	assert.Equal(t, 2, mm.ExistingLineItems)
	assert.Equal(t, 3, mm.RequestLineItems)
	assert.Equal(t, "batch-r", ordErrorRef(t, err))
	assert.Equal(t, 1, srv.AsyncOrdersCreated())
}

func TestAsyncOrderValidation(t *testing.T) {
	checkLeaks(t)
	srv, c, _ := asyncSetup(t)
	tests := []struct {
		name  string
		edit  func(r *tango.CreateAsyncOrderRequest)
		paths []string
	}{
		{"no line items", func(r *tango.CreateAsyncOrderRequest) { r.LineItems = nil }, []string{"lineItems"}},
		{"bad utid and email", func(r *tango.CreateAsyncOrderRequest) {
			r.LineItems[1].UTID = "X1"
			r.LineItems[1].Recipient.Email = "not-an-email"
		}, []string{"lineItems[1].utid", "lineItems[1].recipient.email"}},
		{"missing line item id", func(r *tango.CreateAsyncOrderRequest) { r.LineItems[0].ExternalRefLineItemID = "" }, []string{"lineItems[0].externalRefLineItemID"}},
		{"bad account", func(r *tango.CreateAsyncOrderRequest) { r.AccountIdentifier = "a" }, []string{"accountIdentifier"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := asyncRequest("batch-v", 2)
			tt.edit(req)
			_, err := c.AsyncOrders.Create(context.Background(), req)
			var ve *tango.ValidationError
			require.ErrorAs(t, err, &ve)
			var paths []string
			for _, f := range ve.Fields {
				paths = append(paths, f.Path)
			}
			assert.ElementsMatch(t, tt.paths, paths)
			assert.NotContains(t, err.Error(), "not-an-email")
		})
	}
	assert.Equal(t, 0, srv.AsyncOrdersCreated(), "nothing was sent")
}

func TestAsyncOrderReadsAndUpdates(t *testing.T) {
	checkLeaks(t)
	_, c, _ := asyncSetup(t)
	ctx := context.Background()
	sub, err := c.AsyncOrders.Create(ctx, asyncRequest("batch-u", 2))
	require.NoError(t, err)
	_, err = c.AsyncOrders.Wait(ctx, sub)
	require.NoError(t, err)

	list, err := c.AsyncOrders.List(ctx, &tango.ListAsyncOrdersParams{AccountIdentifier: tangotest.DemoAccount})
	require.NoError(t, err)
	require.Len(t, list.Orders, 1)
	assert.Equal(t, "batch-u", list.Orders[0].ExternalRefID)

	o, err := c.AsyncOrders.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, "batch-u", &tango.UpdateAsyncOrderRequest{Notes: "checked"})
	require.NoError(t, err)
	assert.Equal(t, "checked", o.Notes)

	page, err := c.AsyncOrders.Get(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, "batch-u", &tango.AsyncLineItemParams{MaxResults: 1})
	require.NoError(t, err)
	require.Len(t, page.LineItems, 1)
	require.NotNil(t, page.Pagination)
	assert.True(t, page.Pagination.NextPageAvailable)
	assert.NotEmpty(t, page.LineItems[0].ReferenceLineItemID)

	upd, err := c.AsyncOrders.UpdateLineItem(ctx, page.LineItems[0].ReferenceLineItemID, &tango.UpdateAsyncLineItemRequest{LineItemNote: "resent by hand"})
	require.NoError(t, err)
	assert.Equal(t, "resent by hand", upd.Note)

	codes, err := c.AsyncOrders.ReasonCodes(ctx)
	require.NoError(t, err)
	assert.Contains(t, codes.ReasonCodes, "CANCEL")

	_, err = c.AsyncOrders.Get(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, "no-such-batch", nil)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
}

func TestAsyncOrderWaitStopsWithContext(t *testing.T) {
	checkLeaks(t)
	srv, c, clk := asyncSetup(t)
	srv.SetAsyncProcessingDelay(24 * time.Hour)
	sub, err := c.AsyncOrders.Create(context.Background(), asyncRequest("batch-slow", 1))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	clk.OnSleep(func(time.Duration) {
		if len(clk.Sleeps()) >= 3 {
			cancel()
		}
	})
	_, err = c.AsyncOrders.Wait(ctx, sub)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Contains(t, err.Error(), "PENDING")
}
