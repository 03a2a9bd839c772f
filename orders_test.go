package tango_test

// Tests of OrdersService against tangotest: Create's idempotency key, replays and
// their check against the request, Get, Resend (never retried once it may have
// reached Tango) and Wait. The fault matrix is in orders_faults_test.go, lists in
// orders_list_test.go, scopes in account_scope_test.go.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

// ordFake starts a tangotest server that closes when the test ends.
func ordFake(t testing.TB, opts ...tangotest.Option) *tangotest.Server {
	t.Helper()
	srv := tangotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// ordClient returns a Basic-auth client for srv on the fake clock clk (a fresh one
// when nil), so that backoff never sleeps for real. The retry budget is off so that
// tests count attempts, not tokens; the backoff itself keeps its defaults, so the
// 1 s and 2 s floors are what the recorded delays show. opts come last and win.
func ordClient(t testing.TB, srv *tangotest.Server, clk *testclock.Clock, opts ...tango.Option) *tango.Client {
	t.Helper()
	if clk == nil {
		clk = testclock.New(time.Now())
	}
	base := []tango.Option{
		tango.WithRootCAs(srv.RootCAs()),
		tango.WithClock(clk),
		tango.WithAttemptTimeout(5 * time.Second),
		tango.WithRetryPolicy(tango.RetryPolicy{DisableBudget: true}),
		noPacing(),
	}
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Recipient contact data planted in orders; it must never be printed.
const (
	ordRecipientEmail = "ada.planted@example.com"
	ordRecipientPhone = "+15555550123"
)

// ordRequest is a valid order of 1.00 on the demo account, delivered by email.
func ordRequest(ref string) *tango.CreateOrderRequest {
	return &tango.CreateOrderRequest{
		ExternalRefID:      ref,
		CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier:  tangotest.DemoAccount,
		UTID:               tangotest.UTIDRewardLink,
		Amount:             tango.MustParseAmount("1.00"),
		Recipient:          &tango.Recipient{Email: ordRecipientEmail, FirstName: "Ada"},
	}
}

// ordPostedRefs returns the externalRefID of every POST /orders the fake received,
// in arrival order.
func ordPostedRefs(t testing.TB, srv *tangotest.Server) []string {
	t.Helper()
	var refs []string
	for _, r := range srv.Requests() {
		if r.Method != http.MethodPost || r.Path != tangotest.PathOrders {
			continue
		}
		var body struct {
			ExternalRefID string `json:"externalRefID"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &body))
		refs = append(refs, body.ExternalRefID)
	}
	return refs
}

// ordErrorRef asserts that err is an *OrderError and returns its ExternalRefID.
func ordErrorRef(t testing.TB, err error) string {
	t.Helper()
	var oe *tango.OrderError
	require.ErrorAs(t, err, &oe, "every Create error is an *OrderError: %v", err)
	return oe.ExternalRefID
}

func TestCreateGeneratesExternalRefIDOnce(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	ctx := context.Background()

	req := ordRequest("")
	first, err := c.Orders.Create(ctx, req)
	require.NoError(t, err)
	second, err := c.Orders.Create(ctx, req)
	require.NoError(t, err)

	assert.Empty(t, req.ExternalRefID, "the caller's request is not modified")
	for _, o := range []*tango.Order{first, second} {
		_, perr := uuid.Parse(o.ExternalRefID)
		assert.NoError(t, perr, "a generated externalRefID is a UUID, got %q", o.ExternalRefID)
		assert.False(t, o.Replayed)
		assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, o.ExternalRefID))
	}
	assert.NotEqual(t, first.ExternalRefID, second.ExternalRefID, "each call gets its own key")
	assert.NotEqual(t, first.ReferenceOrderID, second.ReferenceOrderID)
	assert.Equal(t, []string{first.ExternalRefID, second.ExternalRefID}, ordPostedRefs(t, srv),
		"the key is chosen before the first attempt and sent with it")
}

func TestCreateKeepsGivenExternalRefID(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)

	o, err := c.Orders.Create(context.Background(), ordRequest("given-ref-0001"))
	require.NoError(t, err)
	assert.Equal(t, "given-ref-0001", o.ExternalRefID)
	assert.Equal(t, []string{"given-ref-0001"}, ordPostedRefs(t, srv))
	assert.Equal(t, tango.OrderComplete, o.State())
	assert.NotEmpty(t, o.RequestID, "the answer's X-REQUEST-ID is kept")
	assert.Equal(t, "999.00", srv.Balance(tangotest.DemoAccount))
}

func TestCreateEveryRetryReusesTheKey(t *testing.T) {
	for _, given := range []string{"", "retry-ref-0001"} {
		t.Run("given="+given, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 3, Action: tangotest.Status(http.StatusServiceUnavailable)})

			o, err := c.Orders.Create(context.Background(), ordRequest(given))
			require.NoError(t, err)
			refs := ordPostedRefs(t, srv)
			require.Len(t, refs, 4)
			for _, r := range refs {
				assert.Equal(t, o.ExternalRefID, r)
			}
			if given != "" {
				assert.Equal(t, given, o.ExternalRefID)
			}
			assert.Equal(t, 1, srv.OrdersCreated())
		})
	}
}

func TestCreateErrorsCarryTheKey(t *testing.T) {
	tests := []struct {
		name     string
		req      func() *tango.CreateOrderRequest
		fault    *tangotest.Fault
		wantIs   error
		wantSent int // POST /orders requests at the fake
	}{
		{
			name: "validation, given key",
			req: func() *tango.CreateOrderRequest {
				r := ordRequest("bad-utid-ref-1")
				r.UTID = "not-a-utid"
				return r
			},
			wantIs: tango.ErrValidation,
		},
		{
			name: "insufficient funds, generated key",
			req: func() *tango.CreateOrderRequest {
				r := ordRequest("")
				r.AccountIdentifier = tangotest.SecondAccount
				r.Amount = tango.MustParseAmount("30.00")
				return r
			},
			wantIs:   tango.ErrInsufficientFunds,
			wantSent: 1,
		},
		{
			name: "unknown customer, given key",
			req: func() *tango.CreateOrderRequest {
				r := ordRequest("unknown-cust-1")
				r.CustomerIdentifier = "no-such-customer"
				return r
			},
			wantIs:   tango.ErrNotFound,
			wantSent: 1,
		},
		{
			name:     "load balancer 403, generated key",
			req:      func() *tango.CreateOrderRequest { return ordRequest("") },
			fault:    &tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.GatewayForbidden()},
			wantIs:   tango.ErrForbidden,
			wantSent: 1,
		},
		{
			name:     "outcome unknown, generated key",
			req:      func() *tango.CreateOrderRequest { return ordRequest("") },
			fault:    &tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.Status(http.StatusBadGateway)},
			wantIs:   tango.ErrOutcomeUnknown,
			wantSent: 6,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			if tt.fault != nil {
				srv.Inject(*tt.fault)
			}
			req := tt.req()
			o, err := c.Orders.Create(context.Background(), req)
			require.Error(t, err)
			assert.Nil(t, o)
			assert.ErrorIs(t, err, tt.wantIs)
			ref := ordErrorRef(t, err)
			if req.ExternalRefID != "" {
				assert.Equal(t, req.ExternalRefID, ref)
			}
			sent := ordPostedRefs(t, srv)
			assert.Len(t, sent, tt.wantSent)
			if tt.wantSent > 0 {
				require.NotEmpty(t, ref, "a request that was sent has a key, and the error says which")
				assert.Contains(t, err.Error(), ref)
				for _, r := range sent {
					assert.Equal(t, ref, r)
				}
			}
			assert.Zero(t, srv.OrdersCreated())
		})
	}
}

func TestCreateNilRequest(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	_, err := c.Orders.Create(context.Background(), nil)
	require.ErrorIs(t, err, tango.ErrValidation)
	ordErrorRef(t, err)
	assert.Zero(t, srv.RequestCount("", tangotest.PathOrders))
}

func TestCreateReplayReturnsTheStoredOrder(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	ctx := context.Background()

	first, err := c.Orders.Create(ctx, ordRequest("replay-ref-0001"))
	require.NoError(t, err)
	require.False(t, first.Replayed)

	// The same order again, written differently but meaning the same: a lower-case
	// utid and an amount with another scale are not a mismatch.
	again := ordRequest("replay-ref-0001")
	again.UTID = "u561593"
	again.Amount = tango.MustParseAmount("1.0")
	second, err := c.Orders.Create(ctx, again)
	require.NoError(t, err)
	assert.True(t, second.Replayed, "Tango answered 200: the stored order")
	assert.False(t, second.Recovered)
	assert.Equal(t, first.ReferenceOrderID, second.ReferenceOrderID)
	assert.Equal(t, "replay-ref-0001", second.ExternalRefID)
	require.NotNil(t, second.Reward)
	require.NotEmpty(t, second.Reward.CredentialList)
	assert.Equal(t, first.Reward.CredentialList[0].Value.Reveal(), second.Reward.CredentialList[0].Value.Reveal())

	assert.Equal(t, 1, srv.OrderCount(tangotest.DemoAccount, "replay-ref-0001"))
	assert.Equal(t, "999.00", srv.Balance(tangotest.DemoAccount), "charged once")
}

func TestCreateReplayMismatchAgainstTangotest(t *testing.T) {
	tests := []struct {
		name   string
		change func(*tango.CreateOrderRequest)
		fields []string
	}{
		{"other item", func(r *tango.CreateOrderRequest) {
			r.UTID, r.Amount = tangotest.UTIDFixedValue, tango.MustParseAmount("10.00")
		}, []string{"utid", "amount"}},
		{"other amount", func(r *tango.CreateOrderRequest) { r.Amount = tango.MustParseAmount("1.01") }, []string{"amount"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			ctx := context.Background()
			stored, err := c.Orders.Create(ctx, ordRequest("mismatch-ref-01"))
			require.NoError(t, err)

			req := ordRequest("mismatch-ref-01")
			tt.change(req)
			o, err := c.Orders.Create(ctx, req)
			require.Error(t, err)
			assert.Nil(t, o, "a mismatch is never a silent success")
			assert.Equal(t, "mismatch-ref-01", ordErrorRef(t, err))
			var mm *tango.IdempotencyMismatchError
			require.ErrorAs(t, err, &mm)
			assert.Equal(t, "mismatch-ref-01", mm.ExternalRefID)
			assert.Same(t, req, mm.Request, "the error holds the caller's request")
			require.NotNil(t, mm.Existing)
			assert.Equal(t, stored.ReferenceOrderID, mm.Existing.ReferenceOrderID)
			assert.Equal(t, tt.fields, mm.Fields)
			for _, f := range tt.fields {
				assert.Contains(t, err.Error(), f)
			}
			assert.Equal(t, 1, srv.OrdersCreated(), "nothing new was placed")
		})
	}
}

// TestCreateReplayMismatchOfAccount fakes what tangotest never does (Tango keys
// orders per account): a 200 whose stored order names another customer and
// account. The SDK must refuse it.
func TestCreateReplayMismatchOfAccount(t *testing.T) {
	checkLeaks(t)
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]any{
			"referenceOrderID": "RA260301-1-11", "externalRefID": "acct-ref-0001",
			"customerIdentifier": "other-customer", "accountIdentifier": "other-account",
			"utid": tangotest.UTIDRewardLink, "denomination": map[string]any{"value": 1, "currencyCode": "USD"},
			"status": "COMPLETE", "createdAt": "2026-03-01T12:00:00Z",
		})
	})
	c := newCoreClient(t, ts)
	_, err := c.Orders.Create(context.Background(), ordRequest("acct-ref-0001"))
	var mm *tango.IdempotencyMismatchError
	require.ErrorAs(t, err, &mm)
	assert.Equal(t, []string{"customerIdentifier", "accountIdentifier"}, mm.Fields)
	assert.Equal(t, "other-account", mm.Existing.AccountIdentifier)
	assert.Equal(t, "acct-ref-0001", ordErrorRef(t, err))
}

// TestCreateReplayWithoutAmountIsAMismatch: a stored order that names no amount
// cannot be shown to match the request.
func TestCreateReplayWithoutAmountIsAMismatch(t *testing.T) {
	checkLeaks(t)
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]any{
			"referenceOrderID": "RA260301-1-11", "externalRefID": "noamt-ref-001",
			"utid": tangotest.UTIDRewardLink, "status": "COMPLETE", "createdAt": "2026-03-01T12:00:00Z",
		})
	})
	c := newCoreClient(t, ts)
	_, err := c.Orders.Create(context.Background(), ordRequest("noamt-ref-001"))
	var mm *tango.IdempotencyMismatchError
	require.ErrorAs(t, err, &mm)
	assert.Equal(t, []string{"amount"}, mm.Fields)
}

func TestGetOrder(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	ctx := context.Background()
	placed, err := c.Orders.Create(ctx, ordRequest("get-ref-000001"))
	require.NoError(t, err)

	t.Run("found, after a 503", func(t *testing.T) {
		srv.Inject(tangotest.Fault{Method: http.MethodGet, Path: tangotest.PathOrders, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
		o, err := c.Orders.Get(ctx, placed.ReferenceOrderID)
		require.NoError(t, err)
		assert.Equal(t, placed.ReferenceOrderID, o.ReferenceOrderID)
		assert.Equal(t, "get-ref-000001", o.ExternalRefID)
		assert.Equal(t, tangotest.DemoAccount, o.AccountIdentifier)
		assert.True(t, o.Denomination.Value.Equal(tango.MustParseAmount("1")))
		require.NotNil(t, o.Reward)
		assert.Equal(t, placed.Reward.CredentialList[0].Value.Reveal(), o.Reward.CredentialList[0].Value.Reveal())
		assert.NotEmpty(t, o.RequestID)
		assert.False(t, o.Replayed || o.Recovered)
	})
	t.Run("unknown", func(t *testing.T) {
		_, err := c.Orders.Get(ctx, "RA000000-0-00")
		require.ErrorIs(t, err, tango.ErrNotFound)
		var apiErr *tango.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "404.005", apiErr.I18nKey)
	})
	t.Run("empty id sends nothing", func(t *testing.T) {
		before := len(srv.Requests())
		_, err := c.Orders.Get(ctx, "  ")
		require.ErrorIs(t, err, tango.ErrValidation)
		assert.Len(t, srv.Requests(), before)
	})
}

// TestGetEscapesTheID: an id holding a slash stays one path segment, so it can
// never reach another endpoint (such as /resends).
func TestGetEscapesTheID(t *testing.T) {
	checkLeaks(t)
	var uri atomic.Value
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		uri.Store(r.RequestURI)
		writeTangoError(w, r, http.StatusNotFound, "404.005", "no such order")
	})
	c := newCoreClient(t, ts)
	_, err := c.Orders.Get(context.Background(), "RA1/resends?x=1")
	require.ErrorIs(t, err, tango.ErrNotFound)
	assert.Equal(t, apiRoot+"/orders/RA1%2Fresends%3Fx=1", uri.Load())
}

func TestResend(t *testing.T) {
	checkLeaks(t)
	now := time.Now()
	clk := testclock.New(now)
	fakeNow := func() time.Time { return clk.Now() }
	srv := ordFake(t, tangotest.WithClock(fakeNow))
	c := ordClient(t, srv, clk)
	ctx := context.Background()

	placed, err := c.Orders.Create(ctx, ordRequest("resend-ref-001"))
	require.NoError(t, err)
	path := tangotest.PathOrders + "/" + placed.ReferenceOrderID + "/resends"

	out, err := c.Orders.Resend(ctx, placed.ReferenceOrderID, nil)
	require.NoError(t, err)
	assert.NotZero(t, out.ID)
	assert.NotEmpty(t, out.RequestID)

	// Within 30 s Tango refuses (403.005); the SDK does not retry a 403.
	_, err = c.Orders.Resend(ctx, placed.ReferenceOrderID, &tango.ResendRequest{NewEmail: "new.planted@example.com"})
	require.ErrorIs(t, err, tango.ErrForbidden)
	assert.Equal(t, 2, srv.RequestCount(http.MethodPost, path))

	// Bad input sends nothing.
	_, err = c.Orders.Resend(ctx, placed.ReferenceOrderID, &tango.ResendRequest{NewEmail: "not an email"})
	require.ErrorIs(t, err, tango.ErrValidation)
	_, err = c.Orders.Resend(ctx, "", nil)
	require.ErrorIs(t, err, tango.ErrValidation)
	assert.Equal(t, 2, srv.RequestCount(http.MethodPost, path))

	// An order delivered by nobody cannot be resent (403.003).
	none := ordRequest("resend-ref-none")
	none.DeliveryMethod, none.Recipient = tango.DeliveryNone, nil
	silent, err := c.Orders.Create(ctx, none)
	require.NoError(t, err)
	_, err = c.Orders.Resend(ctx, silent.ReferenceOrderID, nil)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "403.003", apiErr.I18nKey)
}

// TestResendIsNeverRetriedOnceSent: a resend sends the reward again, so once it may
// have reached Tango the SDK reports an unknown outcome instead of repeating it.
// Only a 429 (Tango did nothing) is retried.
func TestResendIsNeverRetriedOnceSent(t *testing.T) {
	tests := []struct {
		name        string
		action      tangotest.Action
		wantErr     bool
		wantSent    int
		wantResent  bool // the fake did resend (a second resend at once gets 403.005)
		wantUnknown bool
	}{
		{"503 before handling", tangotest.Status(http.StatusServiceUnavailable), true, 1, false, true},
		{"500 after commit", tangotest.StatusAfterCommit(http.StatusInternalServerError), true, 1, true, true},
		{"reset before handling", tangotest.ConnectionReset(), true, 1, false, true},
		{"reset after commit", tangotest.ConnectionResetAfterCommit(), true, 1, true, true},
		{"429 is retried", tangotest.RateLimited(0), false, 2, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			clk := testclock.New(time.Now())
			srv := ordFake(t, tangotest.WithClock(clk.Now))
			c := ordClient(t, srv, clk)
			ctx := context.Background()
			placed, err := c.Orders.Create(ctx, ordRequest("resend-fault-01"))
			require.NoError(t, err)
			path := tangotest.PathOrders + "/" + placed.ReferenceOrderID + "/resends"
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: path, Times: 1, Action: tt.action})

			_, err = c.Orders.Resend(ctx, placed.ReferenceOrderID, nil)
			assert.Equal(t, tt.wantSent, srv.RequestCount(http.MethodPost, path))
			if !tt.wantErr {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				var unknown *tango.OutcomeUnknownError
				assert.Equal(t, tt.wantUnknown, errors.As(err, &unknown), "%v", err)
				if tt.wantUnknown {
					assert.Equal(t, 1, unknown.Attempts)
					assert.Empty(t, unknown.ExternalRefID)
				}
			}
			for _, d := range clk.Sleeps() {
				assert.GreaterOrEqual(t, d, time.Second, "429 waits at least 1 s")
			}

			_, err = c.Orders.Resend(ctx, placed.ReferenceOrderID, nil)
			if tt.wantResent {
				var apiErr *tango.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, "403.005", apiErr.I18nKey, "the first resend did happen, once")
			} else {
				assert.NoError(t, err, "nothing was resent before")
			}
		})
	}
}

// ordStatusServer answers GET /orders/RA-WAIT with the given statuses in turn (the
// last one repeats) and counts the reads.
func ordStatusServer(t *testing.T, statuses ...string) (*coreServer, func() int) {
	t.Helper()
	var n atomic.Int64
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		i := min(int(n.Add(1))-1, len(statuses)-1)
		if r.URL.Path != apiRoot+"/orders/RA-WAIT" {
			writeTangoError(w, r, http.StatusNotFound, "404.005", "no such order")
			return
		}
		answerJSON(w, http.StatusOK, map[string]any{
			"referenceOrderID": "RA-WAIT", "status": statuses[i], "createdAt": "2026-03-01T12:00:00Z",
		})
	})
	return ts, func() int { return int(n.Load()) }
}

func TestWaitPollsUntilSettled(t *testing.T) {
	checkLeaks(t)
	ts, reads := ordStatusServer(t, "PENDING", "PENDING", "COMPLETE")
	clk := testclock.New(time.Now())
	c := newCoreClient(t, ts, tango.WithClock(clk))

	o, err := c.Orders.Wait(context.Background(), "RA-WAIT")
	require.NoError(t, err)
	assert.Equal(t, tango.OrderComplete, o.State())
	assert.Equal(t, 3, reads())
	sleeps := clk.Sleeps()
	require.Len(t, sleeps, 2, "one wait between reads, none after the settled one")
	assert.GreaterOrEqual(t, sleeps[0], 1500*time.Millisecond)
	assert.LessOrEqual(t, sleeps[0], 2*time.Second)
	assert.GreaterOrEqual(t, sleeps[1], 3*time.Second, "the interval doubles")
	assert.LessOrEqual(t, sleeps[1], 4*time.Second)
}

func TestWaitReturnsSettledOrderAtOnce(t *testing.T) {
	for _, status := range []string{"COMPLETE", "FAILED", "CANCELLED", "PARTIAL", "SOMETHING_NEW"} {
		t.Run(status, func(t *testing.T) {
			checkLeaks(t)
			ts, reads := ordStatusServer(t, status)
			clk := testclock.New(time.Now())
			c := newCoreClient(t, ts, tango.WithClock(clk))
			o, err := c.Orders.Wait(context.Background(), "RA-WAIT")
			require.NoError(t, err)
			assert.Equal(t, tango.OrderStatus(status), o.State())
			assert.Equal(t, 1, reads())
			assert.Empty(t, clk.Sleeps())
		})
	}
}

func TestWaitEndsWithTheContext(t *testing.T) {
	checkLeaks(t)
	ts, reads := ordStatusServer(t, "PENDING")
	clk := testclock.New(time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clk.OnSleep(func(time.Duration) {
		if len(clk.Sleeps()) == 3 {
			cancel()
		}
	})
	c := newCoreClient(t, ts, tango.WithClock(clk))

	o, err := c.Orders.Wait(ctx, "RA-WAIT")
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, o, "the last state read is returned with the error")
	assert.Equal(t, tango.OrderPending, o.State())
	assert.Contains(t, err.Error(), "RA-WAIT")
	assert.Equal(t, 3, reads())
}

func TestWaitReturnsReadErrors(t *testing.T) {
	checkLeaks(t)
	ts, _ := ordStatusServer(t, "PENDING")
	c := newCoreClient(t, ts)
	_, err := c.Orders.Wait(context.Background(), "RA-OTHER")
	require.ErrorIs(t, err, tango.ErrNotFound)
}

// Reward credentials planted in fake answers; they must never be printed.
const (
	ordPlantedCard = "6006491234567890"
	ordPlantedPIN  = "PIN-73519"
	ordPlantedURL  = "https://rewards.planted.invalid/r/Zk93Qx"
)

// ordPlantedOrder is an order as Tango would send it, carrying the planted
// credentials (in credentialList and in the deprecated credentials map) and
// recipient contact data.
func ordPlantedOrder(ref string) map[string]any {
	return map[string]any{
		"referenceOrderID": "RA260301-9-99", "externalRefID": ref,
		"customerIdentifier": tangotest.DemoCustomer, "accountIdentifier": tangotest.DemoAccount,
		"utid": tangotest.UTIDRewardLink, "status": "COMPLETE", "createdAt": "2026-03-01T12:00:00Z",
		"denomination":  map[string]any{"value": 1, "currencyCode": "USD"},
		"amountCharged": map[string]any{"value": 1, "currencyCode": "USD", "total": 1},
		"recipient":     map[string]any{"email": ordRecipientEmail, "firstName": "Ada", "mobileNumber": ordRecipientPhone},
		"sender":        map[string]any{"email": "sender.planted@example.com"},
		"reward": map[string]any{
			"credentials": map[string]any{"Card Number": ordPlantedCard, "PIN": ordPlantedPIN, "Redemption Link": ordPlantedURL},
			"credentialList": []map[string]any{
				{"label": "Card Number", "value": ordPlantedCard, "type": "text", "credentialType": "cardNumber"},
				{"label": "PIN", "value": ordPlantedPIN, "type": "text", "credentialType": "pin"},
				{"label": "Redemption Link", "value": ordPlantedURL, "type": "url", "credentialType": "redemptionUrl"},
			},
		},
	}
}

// ordAssertNothingPlanted fails if out shows a planted credential or contact datum.
func ordAssertNothingPlanted(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range []string{ordPlantedCard, ordPlantedPIN, ordPlantedURL, "Zk93Qx", ordRecipientEmail, ordRecipientPhone, "sender.planted"} {
		assert.NotContains(t, out, s, "%s shows planted data", what)
	}
}

// ordSlogBoth logs every value of vs through slog's text and JSON handlers and
// returns what each wrote.
func ordSlogBoth(vs map[string]any) (text, js string) {
	var tb, jb strings.Builder
	for _, h := range []slog.Handler{slog.NewTextHandler(&tb, nil), slog.NewJSONHandler(&jb, nil)} {
		l := slog.New(h)
		for name, v := range vs {
			l.Info("order", "what", name, "value", v)
		}
	}
	return tb.String(), jb.String()
}

// ordPrintAll prints v with every fmt verb that ends up in logs and messages.
func ordPrintAll(v any) string {
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&b, verb+"\n", v)
	}
	return b.String()
}

func TestRewardCredentialsNeverPrinted(t *testing.T) {
	checkLeaks(t)
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			var body struct {
				ExternalRefID string `json:"externalRefID"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			o := ordPlantedOrder(body.ExternalRefID)
			o["utid"] = "U000001" // a replay of another item: a mismatch error that holds the order
			answerJSON(w, http.StatusOK, o)
		default:
			answerJSON(w, http.StatusOK, ordPlantedOrder("plant-ref-0001"))
		}
	})
	logger, logs := debugLogger()
	c := newCoreClient(t, ts, tango.WithLogger(logger))
	ctx := context.Background()

	o, err := c.Orders.Get(ctx, "RA260301-9-99")
	require.NoError(t, err)
	require.NotNil(t, o.Reward)
	require.Len(t, o.Reward.CredentialList, 3)

	// The values are there, for the code that must deliver them.
	got := map[string]string{}
	for _, cr := range o.Reward.CredentialList {
		got[cr.CredentialType] = cr.Value.Reveal()
	}
	assert.Equal(t, map[string]string{"cardNumber": ordPlantedCard, "pin": ordPlantedPIN, "redemptionUrl": ordPlantedURL}, got)
	assert.Equal(t, ordPlantedPIN, o.Reward.Credentials["PIN"].Reveal())
	assert.Equal(t, tango.Private(ordRecipientEmail), o.Recipient.Email)

	// No way of printing shows them.
	cred := o.Reward.CredentialList[0]
	printed := map[string]any{
		"*Order": o, "Order": *o, "*Reward": o.Reward, "Reward": *o.Reward, "Credential": cred, "*Credential": &cred,
		"[]Credential": o.Reward.CredentialList, "credentials map": o.Reward.Credentials, "[]*Order": []*tango.Order{o},
		"OrderList": &tango.OrderList{Orders: []*tango.Order{o}},
	}
	for name, v := range printed {
		ordAssertNothingPlanted(t, name, ordPrintAll(v))
	}
	ordAssertNothingPlanted(t, "Sprint", fmt.Sprint(o))
	ordAssertNothingPlanted(t, "%#v", fmt.Sprintf("%#v", o))

	// slog's JSON handler encodes a slice or map it is handed whole with
	// encoding/json, which is faithful: log models one at a time.
	for _, k := range []string{"[]Credential", "credentials map", "[]*Order"} {
		delete(printed, k)
	}
	text, js := ordSlogBoth(printed)
	ordAssertNothingPlanted(t, "slog text", text)
	ordAssertNothingPlanted(t, "slog JSON", js)

	// A mismatch error holds the stored order: its text and every verb stay clean.
	_, err = c.Orders.Create(ctx, ordRequest("plant-ref-0002"))
	var mm *tango.IdempotencyMismatchError
	require.ErrorAs(t, err, &mm)
	require.Equal(t, ordPlantedCard, mm.Existing.Reward.CredentialList[0].Value.Reveal())
	ordAssertNothingPlanted(t, "mismatch error", err.Error())
	ordAssertNothingPlanted(t, "mismatch error verbs", ordPrintAll(err))
	ordAssertNothingPlanted(t, "mismatch error (unwrapped) verbs", ordPrintAll(mm))
	var errLog strings.Builder
	slog.New(slog.NewJSONHandler(&errLog, nil)).Error("create failed", "err", err, "mismatch", mm)
	ordAssertNothingPlanted(t, "slog of the error", errLog.String())

	// Nor do the SDK's own debug records.
	_, err = c.Orders.List(ctx, &tango.ListOrdersParams{RecipientEmail: ordRecipientEmail, RecipientMobile: ordRecipientPhone})
	require.NoError(t, err)
	require.NotEmpty(t, logs.String())
	ordAssertNothingPlanted(t, "client debug log", logs.String())
}

// TestOrderContactDataNotInSlogJSON: orders logged through slog's JSON handler, in
// every shape a caller might log them, show no recipient or sender contact data.
func TestOrderContactDataNotInSlogJSON(t *testing.T) {
	var o tango.Order
	raw, err := json.Marshal(ordPlantedOrder("plant-ref-0003"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &o))
	require.Equal(t, tango.Private(ordRecipientEmail), o.Recipient.Email)
	_, js := ordSlogBoth(map[string]any{
		"*Order": &o, "Order": o, "*OrderList": &tango.OrderList{Orders: []*tango.Order{&o}},
		"Recipient": *o.Recipient, "*Recipient": o.Recipient, "Sender": o.Sender,
	})
	ordAssertNothingPlanted(t, "slog JSON", js)
}

// TestFakeRewardsNeverLogged places orders for both credential kinds of tangotest
// (card number and PIN, redemption link) with debug logging on, and checks that
// neither the log nor any printed form holds the credentials the fake issued.
func TestFakeRewardsNeverLogged(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	logger, logs := debugLogger()
	c := ordClient(t, srv, nil, tango.WithLogger(logger))
	ctx := context.Background()
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})

	var secrets []string
	for _, utid := range []string{tangotest.UTIDFixedValue, tangotest.UTIDRewardLink} {
		req := ordRequest("")
		req.UTID, req.Amount = utid, tango.MustParseAmount("10.00")
		o, err := c.Orders.Create(ctx, req)
		require.NoError(t, err)
		got, err := c.Orders.Get(ctx, o.ReferenceOrderID)
		require.NoError(t, err)
		for _, x := range []*tango.Order{o, got} {
			require.NotNil(t, x.Reward)
			require.NotEmpty(t, x.Reward.CredentialList)
			for _, cr := range x.Reward.CredentialList {
				require.NotEmpty(t, cr.Value.Reveal())
				secrets = append(secrets, cr.Value.Reveal())
			}
			logger.Info("placed", "order", x, "reward", x.Reward)
			for _, s := range secrets {
				assert.NotContains(t, ordPrintAll(x)+ordPrintAll(x.Reward)+ordPrintAll(*x.Reward), s)
			}
		}
	}
	require.Len(t, secrets, 6, "card number + PIN, link, each from Create and Get")
	for _, s := range secrets {
		assert.NotContains(t, logs.String(), s)
	}
	assert.NotContains(t, logs.String(), ordRecipientEmail)
}

// TestExternalRefIDForIsStable pins the derivation: a change here would make
// re-runs of existing campaigns place second orders. The expected values were
// computed outside Go (Python's uuid.uuid5 over the documented steps).
func TestExternalRefIDForIsStable(t *testing.T) {
	tests := []struct {
		namespace, key, want string
	}{
		{"spring-2026", "row-1", "13bd0656-b783-5ea7-9272-f840aa623d15"},
		{"signup-bonus", "msg-42", "06b6b701-13df-5c3e-a5b9-bb9dc6a8fa69"},
		{"", "", "3119af26-c2ab-5d5f-b4c1-bcc3b3bee90f"},
	}
	for _, tt := range tests {
		t.Run(tt.namespace+"/"+tt.key, func(t *testing.T) {
			got := tango.ExternalRefIDFor(tt.namespace, tt.key)
			assert.Equal(t, got, tango.ExternalRefIDFor(tt.namespace, tt.key), "same input, same key")
			u, err := uuid.Parse(got)
			require.NoError(t, err)
			assert.Equal(t, uuid.Version(5), u.Version())
			assert.Equal(t, uuid.RFC4122, u.Variant())
			assert.LessOrEqual(t, len(got), 100, "Tango's externalRefID limit")
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestExternalRefIDForSeparatesKeys checks that different pairs never share a key,
// including pairs whose concatenations agree.
func TestExternalRefIDForSeparatesKeys(t *testing.T) {
	pairs := [][2]string{
		{"a", "bc"}, {"ab", "c"}, {"abc", ""}, {"", "abc"},
		{"campaign", "1"}, {"campaign", "01"}, {"Campaign", "1"}, {"campaign ", "1"},
		{"other", "1"},
	}
	seen := map[string][2]string{}
	for _, p := range pairs {
		k := tango.ExternalRefIDFor(p[0], p[1])
		prev, dup := seen[k]
		assert.False(t, dup, "%q and %q share %s", p, prev, k)
		seen[k] = p
	}
	assert.NotEqual(t, tango.ExternalRefIDFor("a", "b"), tango.NewExternalRefID())
}

func TestResendRequestEncodesFaithfully(t *testing.T) {
	req := tango.ResendRequest{NewEmail: "resend.secret@example.com", NewMobile: "+15555550199"}
	b, err := json.Marshal(req)
	require.NoError(t, err)
	assert.JSONEq(t, `{"newEmail":"resend.secret@example.com","newMobile":"+15555550199"}`, string(b))
	assert.NotContains(t, fmt.Sprint(req), "resend.secret")

	var got map[string]any
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, json.NewDecoder(r.Body).Decode(&got))
		answerJSON(w, http.StatusCreated, map[string]any{"id": 7, "createdAt": "2026-11-29T00:00:00Z"})
	})
	c := newCoreClient(t, srv)
	_, err = c.Orders.Resend(context.Background(), "RA261129-1001-58", &req)
	require.NoError(t, err)
	assert.Equal(t, "resend.secret@example.com", got["newEmail"], "the wire still carries it")
	assert.Equal(t, "+15555550199", got["newMobile"])
}

func TestNewExternalRefID(t *testing.T) {
	a, b := tango.NewExternalRefID(), tango.NewExternalRefID()
	assert.NotEqual(t, a, b)
	u, err := uuid.Parse(a)
	require.NoError(t, err)
	assert.Equal(t, uuid.Version(4), u.Version())
	assert.LessOrEqual(t, len(a), 100, "within Tango's externalRefID limit")
}
