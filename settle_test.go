package tango_test

// Answers that do not match the question: an order answer must name the
// externalRefID sent and describe the order asked for, replays are compared on
// where the reward goes, the lookup's rows must name the account, and the lookup
// that settles an uncertain order is not starved by the retry budget.

import (
	"context"
	"errors"
	"net/http"
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

// ansOrder is an order on the demo account as Tango would describe it.
func ansOrder(id, ref string) map[string]any {
	return map[string]any{
		"referenceOrderID": id, "externalRefID": ref,
		"customerIdentifier": tangotest.DemoCustomer, "accountIdentifier": tangotest.DemoAccount,
		"utid": tangotest.UTIDRewardLink, "denomination": map[string]any{"value": 1, "currencyCode": "USD"},
		"deliveryMethod": "EMAIL", "recipient": map[string]any{"email": ordRecipientEmail, "firstName": "Ada"},
		"status": "COMPLETE", "createdAt": "2026-03-01T12:00:00Z",
	}
}

// ansServer answers POST /orders with answer (status and raw body), the lookup
// with list (nil: 404.110, no order), and GET /orders/{id} with fetched.
func ansServer(t *testing.T, status int, answer string, list []map[string]any, fetched map[string]any) (*coreServer, *atomic.Int64) {
	var posts atomic.Int64
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			posts.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(answer))
		case r.URL.Path == apiRoot+"/orders" && list == nil:
			writeTangoError(w, r, http.StatusNotFound, "404.110", "No orders found for the external reference ID")
		case r.URL.Path == apiRoot+"/orders":
			rows := make([]any, len(list))
			for i, o := range list {
				rows[i] = o
			}
			answerJSON(w, http.StatusOK, map[string]any{"page": map[string]any{"totalCount": len(rows), "resultCount": len(rows)}, "orders": rows})
		default:
			answerJSON(w, http.StatusOK, fetched)
		}
	})
	return ts, &posts
}

// TestCreateAnswerNotDescribingTheOrderIsSettledByLookup: an answer that names
// another externalRefID, none, or no order at all is never a success; the lookup
// settles it: the real order when Tango has one, an unknown outcome otherwise.
func TestCreateAnswerNotDescribingTheOrderIsSettledByLookup(t *testing.T) {
	checkLeaks(t)
	const ref = "answer-ref-0001"
	foreign := `{"referenceOrderID":"RA-FOREIGN","externalRefID":"someone-elses-ref","customerIdentifier":"` + tangotest.DemoCustomer +
		`","accountIdentifier":"` + tangotest.DemoAccount + `","utid":"` + tangotest.UTIDRewardLink + `","denomination":{"value":1},"status":"COMPLETE"}`
	noRef := strings.Replace(foreign, `"externalRefID":"someone-elses-ref",`, "", 1)
	otherUTID := strings.Replace(strings.Replace(foreign, "someone-elses-ref", ref, 1), tangotest.UTIDRewardLink, "U999999", 1)
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"201 with another caller's order", http.StatusCreated, foreign},
		{"200 with another caller's order", http.StatusOK, foreign},
		{"201 without externalRefID", http.StatusCreated, noRef},
		{"200 without externalRefID", http.StatusOK, noRef},
		{"201 for another item", http.StatusCreated, otherUTID},
		{"201 empty", http.StatusCreated, ""},
		{"201 {}", http.StatusCreated, "{}"},
		{"201 null", http.StatusCreated, "null"},
	}
	for _, tc := range tests {
		t.Run(tc.name+", order found", func(t *testing.T) {
			real := ansOrder("RA-REAL", ref)
			ts, posts := ansServer(t, tc.status, tc.body, []map[string]any{real}, real)
			c := newCoreClient(t, ts)
			o, err := c.Orders.Create(context.Background(), ordRequest(ref))
			require.NoError(t, err)
			assert.True(t, o.Recovered, "settled by the lookup")
			assert.Equal(t, "RA-REAL", o.ReferenceOrderID)
			assert.Equal(t, ref, o.ExternalRefID)
			assert.Equal(t, int64(1), posts.Load(), "never re-sent")
		})
		t.Run(tc.name+", no order", func(t *testing.T) {
			ts, _ := ansServer(t, tc.status, tc.body, nil, nil)
			c := newCoreClient(t, ts)
			o, err := c.Orders.Create(context.Background(), ordRequest(ref))
			require.ErrorIs(t, err, tango.ErrOutcomeUnknown, "got %v", o)
			assert.Equal(t, ref, ordErrorRef(t, err))
			assert.NotContains(t, err.Error(), "someone-elses-ref", "another caller's key stays out of the error")
		})
	}
}

// TestCreateLookupRowsMustMatch: a lookup row or fetched order that does not name
// the account and key asked for settles nothing.
func TestCreateLookupRowsMustMatch(t *testing.T) {
	checkLeaks(t)
	const ref = "lookup-ref-0001"
	noAccount := ansOrder("RA-ROW", ref)
	delete(noAccount, "accountIdentifier")
	otherRef := ansOrder("RA-ROW", "another-ref-01")
	otherID := ansOrder("RA-OTHER", ref)
	tests := []struct {
		name    string
		row     map[string]any
		fetched map[string]any
	}{
		{"row and order without account", noAccount, noAccount},
		{"fetched order has another key", ansOrder("RA-ROW", ref), otherRef},
		{"fetched order is another order", ansOrder("RA-ROW", ref), otherID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := ansServer(t, http.StatusServiceUnavailable, `{"httpCode":503,"i18nKey":"503.501"}`, []map[string]any{tc.row}, tc.fetched)
			c := newCoreClient(t, ts, quickRetries(1))
			_, err := c.Orders.Create(context.Background(), ordRequest(ref))
			require.ErrorIs(t, err, tango.ErrOutcomeUnknown)
		})
	}
}

// TestCreateReplayComparesWhereTheRewardGoes: a replay of a key whose order went
// to another address or by another delivery method is a mismatch, since the
// reward stays where the first order sent it.
func TestCreateReplayComparesWhereTheRewardGoes(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name   string
		mutate func(*tango.CreateOrderRequest)
		fields []string
	}{
		{"new email", func(r *tango.CreateOrderRequest) { r.Recipient.Email = "someone.else@example.com" }, []string{"recipient"}},
		{"email case only", func(r *tango.CreateOrderRequest) {
			r.Recipient.Email = tango.Private(strings.ToUpper(ordRecipientEmail))
		}, nil},
		{"no delivery", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = tango.DeliveryNone }, []string{"deliveryMethod"}},
		{"by phone", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod, r.Recipient.MobileNumber = tango.DeliveryPhone, ordRecipientPhone
		}, []string{"deliveryMethod"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			_, err := c.Orders.Create(context.Background(), ordRequest("where-ref-0001"))
			require.NoError(t, err)
			again := ordRequest("where-ref-0001")
			tc.mutate(again)
			o, err := c.Orders.Create(context.Background(), again)
			if tc.fields == nil {
				require.NoError(t, err)
				assert.True(t, o.Replayed)
				return
			}
			var mm *tango.IdempotencyMismatchError
			require.ErrorAs(t, err, &mm)
			assert.Equal(t, tc.fields, mm.Fields)
			assert.NotContains(t, err.Error(), "someone.else@example.com")
			assert.NotContains(t, err.Error(), ordRecipientEmail)
			assert.Equal(t, 1, srv.OrdersCreated())
		})
	}
}

// TestCreateSettlingLookupIsNotStarvedByTheBudget: once the retry budget is
// empty, the create stops retrying, but the lookup that settles it still
// retries a failed attempt: otherwise an order that was placed stays unknown.
func TestCreateSettlingLookupIsNotStarvedByTheBudget(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil, tango.WithRetryPolicy(tango.RetryPolicy{BudgetCapacity: 10}))
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.StatusAfterCommit(http.StatusServiceUnavailable)})
	// Drain the budget: two retries of 5 tokens each.
	_, err := c.Orders.Create(context.Background(), ordRequest("drain-ref-0001"))
	require.NoError(t, err)

	srv.Inject(tangotest.Fault{Method: http.MethodGet, Path: tangotest.PathOrders, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
	o, err := c.Orders.Create(context.Background(), ordRequest("starved-ref-001"))
	require.NoError(t, err, "the lookup retried past its failed first attempt")
	assert.True(t, o.Recovered)
	assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, "starved-ref-001"))

	// The budget still stops the create's own retries.
	var posts int
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && r.Path == tangotest.PathOrders {
			posts++
		}
	}
	assert.Equal(t, 3+1, posts, "three attempts drained the budget; the second create had one")
}

// TestCreateRefusal422AfterUncertainAttemptSettles: a 422 on the retry of an
// uncertain attempt, once the lookup finds no order, is the outcome (not an
// unknown one).
func TestCreateRefusal422AfterUncertainAttemptSettles(t *testing.T) {
	checkLeaks(t)
	var posts atomic.Int64
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && posts.Add(1) == 1:
			writeTangoError(w, r, http.StatusServiceUnavailable, "503.501", "Service timed out")
		case r.Method == http.MethodPost:
			writeTangoError(w, r, http.StatusUnprocessableEntity, "422.147", "The item is not valid")
		default:
			writeTangoError(w, r, http.StatusNotFound, "404.110", "No orders found for the external reference ID")
		}
	})
	c := newCoreClient(t, srv)
	_, err := c.Orders.Create(context.Background(), ordRequest("refusal-422-001"))
	require.Error(t, err)
	assert.NotErrorIs(t, err, tango.ErrOutcomeUnknown)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
	assert.Equal(t, int64(2), posts.Load())
}

// TestResendRefusesMalformedTemplateID: a malformed newEtid is refused before
// anything is sent.
func TestResendRefusesMalformedTemplateID(t *testing.T) {
	checkLeaks(t)
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusCreated, map[string]any{"id": 1})
	})
	c := newCoreClient(t, srv)
	for _, etid := range []string{"E12", "X000000", "E000000<"} {
		_, err := c.Orders.Resend(context.Background(), "RA260301-1-11", &tango.ResendRequest{NewETID: etid})
		require.ErrorIs(t, err, tango.ErrValidation, etid)
	}
	assert.Zero(t, srv.hits.Load())
}

// Answers to POST /asyncOrders that do not match the question: the answer must
// name the externalRefID sent, a status and (for a new order) the line items
// sent, or the outcome is unknown and a lookup settles it; that lookup is not
// starved by the retry budget.

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

// TestCreateKeepsTimeForTheLookup: when the caller's deadline, not the attempt
// timeout, ends an attempt whose order was committed, the attempts stop early
// enough for the lookup by externalRefID to find the order.
func TestCreateKeepsTimeForTheLookup(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil) // 5 s attempts: the caller's deadline comes first
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1,
		Action: tangotest.LatencyAfterCommit(10 * time.Second)})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	o, err := c.Orders.Create(ctx, ordRequest("deadline-ref-001"))
	require.NoError(t, err, "the order exists and the lookup had time to find it")
	assert.True(t, o.Recovered)
	assert.Equal(t, "deadline-ref-001", o.ExternalRefID)
	assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, "deadline-ref-001"))
}

// TestLookupTreatsNotFoundAsNoOrder: Tango documents 404.110 ("no orders for the
// external ref ID") for the lookup; it means no order, so a refusal on the last
// attempt settles the outcome.
func TestLookupTreatsNotFoundAsNoOrder(t *testing.T) {
	var posts int
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && posts == 0:
			posts++
			writeTangoError(w, r, http.StatusServiceUnavailable, "503.501", "Service timed out")
		case r.Method == http.MethodPost:
			posts++
			writeTangoError(w, r, http.StatusBadRequest, "", "",
				wireFieldError{Path: "utid", I18nKey: "422.024", Message: "The Item identifier provided is not valid."})
		default:
			writeTangoError(w, r, http.StatusNotFound, "404.110", "No orders found for the external reference ID")
		}
	})
	c := newCoreClient(t, srv, tango.WithClock(testclock.New(time.Now())))
	_, err := c.Orders.Create(context.Background(), &tango.CreateOrderRequest{
		ExternalRefID: "nf-ref-001", CustomerIdentifier: "cust-00001", AccountIdentifier: "acct-00001",
		UTID: "U999999", Amount: tango.MustParseAmount("5.00"), DeliveryMethod: tango.DeliveryNone,
	})
	require.Error(t, err)
	assert.False(t, errors.Is(err, tango.ErrOutcomeUnknown), "settled: %v", err)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.HasKey("422.024"))
	assert.Equal(t, 2, posts)
}

// TestOnlyTangosNotFoundSettlesAnOrder: a 404 that is not Tango's own answer for an
// unknown customer or account, or for a lookup with no order, proves nothing.
func TestOnlyTangosNotFoundSettlesAnOrder(t *testing.T) {
	var mu sync.Mutex
	posts, placed := 0, 0
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodPost && posts == 0:
			posts++
			placed++ // committed, then the answer is lost
			resetConnection(t, w)
		default:
			posts++
			writeTangoError(w, r, http.StatusNotFound, "404.001", "Not found.")
		}
	})
	c := newCoreClient(t, srv, quickRetries(2))
	_, err := c.Orders.Create(context.Background(), &tango.CreateOrderRequest{
		ExternalRefID: "gw404-ref-001", CustomerIdentifier: "cust-00001", AccountIdentifier: "acct-00001",
		UTID: "U999999", Amount: tango.MustParseAmount("5.00"), DeliveryMethod: tango.DeliveryNone,
	})
	require.Error(t, err)
	assert.True(t, errors.Is(err, tango.ErrOutcomeUnknown), "a foreign 404 settles nothing: %v", err)
	assert.Equal(t, 1, placed)
}
