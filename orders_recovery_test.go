package tango_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

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
