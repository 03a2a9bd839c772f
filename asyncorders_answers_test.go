package tango_test

// Answers to POST /asyncOrders that do not match the question: the answer must
// name the externalRefID sent, a status and (for a new order) the line items
// sent, or the outcome is unknown and a lookup settles it; that lookup is not
// starved by the retry budget.

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// asyncAnsServer answers POST /asyncOrders with status and the raw body, and
// the lookup (GET of the async order) with found, or 404.110 when found is nil.
func asyncAnsServer(t *testing.T, status int, answer string, found map[string]any) (*coreServer, *atomic.Int64, *atomic.Int64) {
	var posts, gets atomic.Int64
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			posts.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(answer))
		case found == nil:
			gets.Add(1)
			writeTangoError(w, r, http.StatusNotFound, "404.110", "not found")
		default:
			gets.Add(1)
			answerJSON(w, http.StatusOK, found)
		}
	})
	return ts, &posts, &gets
}

// TestAsyncCreateAnswerNotDescribingTheOrderIsSettledByLookup: an answer to
// POST /asyncOrders naming another async order's externalRefID (on 202 or a 200
// replay), none, no status, no line item count or, on 202, another count than
// the line items sent is never a success: the lookup by the externalRefID sent
// settles it, the real async order when Tango has one, an unknown outcome
// otherwise. Before the fix the first three were returned as the submission.
func TestAsyncCreateAnswerNotDescribingTheOrderIsSettledByLookup(t *testing.T) {
	checkLeaks(t)
	const ref = "async-ref-0001"
	tests := []struct {
		name, body string
		status     int
	}{
		{"202 naming another externalRefID", `{"externalRefID":"someone-elses-ref","status":"PENDING","totalLineItems":2,"createdAt":"2026-03-01T12:00:00Z"}`, http.StatusAccepted},
		{"200 replay naming another externalRefID", `{"externalRefID":"someone-elses-ref","status":"COMPLETE","totalLineItems":2,"createdAt":"2026-03-01T12:00:00Z"}`, http.StatusOK},
		{"202 empty body", ``, http.StatusAccepted},
		{"202 {}", `{}`, http.StatusAccepted},
		{"200 {}", `{}`, http.StatusOK},
		{"202 without externalRefID", `{"status":"PENDING","totalLineItems":2}`, http.StatusAccepted},
		{"202 without status", `{"externalRefID":"` + ref + `","totalLineItems":2}`, http.StatusAccepted},
		{"202 without a line item count", `{"externalRefID":"` + ref + `","status":"PENDING"}`, http.StatusAccepted},
		{"200 without a line item count", `{"externalRefID":"` + ref + `","status":"COMPLETE"}`, http.StatusOK},
		{"202 counting other line items", `{"externalRefID":"` + ref + `","status":"PENDING","totalLineItems":3}`, http.StatusAccepted},
	}
	for _, tc := range tests {
		t.Run(tc.name+", order found", func(t *testing.T) {
			real := map[string]any{
				"referenceOrderID": "RA-ASYNC-REAL", "externalRefID": ref, "orderStatus": "PENDING", "totalLineItems": 2,
				"customerIdentifier": tangotest.DemoCustomer, "accountIdentifier": tangotest.DemoAccount,
			}
			ts, posts, gets := asyncAnsServer(t, tc.status, tc.body, real)
			c := newCoreClient(t, ts)
			sub, err := c.AsyncOrders.Create(context.Background(), asyncRequest(ref, 2))
			require.NoError(t, err)
			assert.True(t, sub.Recovered, "settled by the lookup")
			assert.Equal(t, ref, sub.ExternalRefID)
			assert.Equal(t, 2, sub.TotalLineItems)
			assert.Equal(t, int64(1), posts.Load(), "never re-sent")
			assert.Equal(t, int64(1), gets.Load(), "one lookup")
		})
		t.Run(tc.name+", no order", func(t *testing.T) {
			ts, _, gets := asyncAnsServer(t, tc.status, tc.body, nil)
			c := newCoreClient(t, ts)
			sub, err := c.AsyncOrders.Create(context.Background(), asyncRequest(ref, 2))
			require.ErrorIs(t, err, tango.ErrOutcomeUnknown, "got %+v", sub)
			assert.Equal(t, ref, ordErrorRef(t, err))
			assert.Equal(t, int64(1), gets.Load(), "one lookup")
			assert.NotContains(t, err.Error(), "someone-elses-ref", "another caller's key stays out of the error")
		})
	}
	t.Run("lookup answering another async order", func(t *testing.T) {
		other := map[string]any{"externalRefID": "someone-elses-ref", "orderStatus": "COMPLETE", "totalLineItems": 2}
		ts, _, _ := asyncAnsServer(t, http.StatusAccepted, `{}`, other)
		c := newCoreClient(t, ts)
		_, err := c.AsyncOrders.Create(context.Background(), asyncRequest(ref, 2))
		require.ErrorIs(t, err, tango.ErrOutcomeUnknown, "another async order settles nothing")
	})
	t.Run("200 replay with our key but other line items", func(t *testing.T) {
		ts, _, gets := asyncAnsServer(t, http.StatusOK, `{"externalRefID":"`+ref+`","status":"COMPLETE","totalLineItems":3}`, nil)
		c := newCoreClient(t, ts)
		_, err := c.AsyncOrders.Create(context.Background(), asyncRequest(ref, 2))
		var mismatch *tango.AsyncOrderMismatchError
		require.ErrorAs(t, err, &mismatch)
		assert.Equal(t, 3, mismatch.ExistingLineItems)
		assert.Equal(t, int64(0), gets.Load(), "Tango named this key: no lookup needed")
	})
}

// TestAsyncCreateSettlingLookupIsNotStarvedByTheBudget: once the retry budget is
// empty, an uncertain async create stops retrying, but the lookup that settles
// it still retries a failed read: otherwise an async order that was accepted
// stays unknown (and its rows unsettled).
func TestAsyncCreateSettlingLookupIsNotStarvedByTheBudget(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil, tango.WithRetryPolicy(tango.RetryPolicy{BudgetCapacity: 10}))
	asyncPath := tangotest.APIPrefix + "/asyncOrders"
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: asyncPath, Action: tangotest.StatusAfterCommit(http.StatusServiceUnavailable)})
	// Drain the budget: two retries of 5 tokens each.
	_, err := c.AsyncOrders.Create(context.Background(), asyncRequest("async-drain-0001", 1))
	require.NoError(t, err)

	srv.Inject(tangotest.Fault{Method: http.MethodGet, Path: asyncPath, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
	sub, err := c.AsyncOrders.Create(context.Background(), asyncRequest("async-starved-01", 1))
	require.NoError(t, err, "the lookup retried past its failed first attempt")
	assert.True(t, sub.Recovered)
	assert.Equal(t, "async-starved-01", sub.ExternalRefID)
	assert.Equal(t, 2, srv.AsyncOrdersCreated())
}
