package tango_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// queuedOrder is an order request as a program would put it on a job queue.
func queuedOrder(ref string) *tango.CreateOrderRequest {
	return &tango.CreateOrderRequest{
		ExternalRefID: ref, CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("12.50"), DeliveryMethod: tango.DeliveryEmail,
		Recipient:    &tango.Recipient{Email: "queued.recipient@example.com", FirstName: "Ada", LastName: "Lovelace"},
		Sender:       &tango.Sender{FirstName: "Grace", Email: "queued.sender@example.com"},
		EmailSubject: "Thank you", Message: "For the engine.", Campaign: "q4", Notes: "batch 7",
	}
}

// TestQueuedOrderIsPlacedAsWritten: a CreateOrderRequest encoded to JSON (a job
// queue, a database row) and decoded by a worker places exactly the order it
// describes: the body Tango receives is the one the same request sends when
// placed directly, recipient and sender included.
func TestQueuedOrderIsPlacedAsWritten(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()

	direct := startFake(t)
	_, err := fakeAPI(t, direct).Orders.Create(ctx, queuedOrder("queue-ref-0001"))
	require.NoError(t, err)

	queued, err := json.Marshal(queuedOrder("queue-ref-0001"))
	require.NoError(t, err)
	var job tango.CreateOrderRequest
	require.NoError(t, json.Unmarshal(queued, &job))
	require.Equal(t, *queuedOrder("queue-ref-0001"), job, "the queue keeps every field")

	srv := startFake(t)
	order, err := fakeAPI(t, srv).Orders.Create(ctx, &job)
	require.NoError(t, err)

	want := requestsTo(direct, http.MethodPost, "/orders")
	got := requestsTo(srv, http.MethodPost, "/orders")
	require.Len(t, want, 1)
	require.Len(t, got, 1)
	assert.JSONEq(t, string(want[0].Body), string(got[0].Body))
	var body map[string]any
	require.NoError(t, json.Unmarshal(got[0].Body, &body))
	assert.Equal(t, "EMAIL", body["deliveryMethod"])
	assert.Equal(t, map[string]any{"email": "queued.recipient@example.com", "firstName": "Ada", "lastName": "Lovelace"}, body["recipient"])
	assert.Equal(t, map[string]any{"firstName": "Grace", "email": "queued.sender@example.com"}, body["sender"])
	assert.Equal(t, "queue-ref-0001", order.ExternalRefID)
	assert.Equal(t, tango.DeliveryEmail, order.DeliveryMethod)

	// The order Tango returns is kept as faithfully: stored and read back, it
	// still holds the reward and the recipient.
	stored, err := json.Marshal(order)
	require.NoError(t, err)
	var back tango.Order
	require.NoError(t, json.Unmarshal(stored, &back))
	require.NotNil(t, back.Reward)
	assert.Equal(t, order.Reward, back.Reward)
	assert.Equal(t, order.Recipient, back.Recipient)
}

// TestNoSilentNoDeliveryOrder: the SDK never chooses NONE. A request that names
// no delivery method and no recipient email (as a queued request whose
// recipient failed to decode would) is refused before anything is sent, with a
// message that names DeliveryNone; set NONE yourself to deliver the reward
// yourself.
func TestNoSilentNoDeliveryOrder(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()

	for name, req := range map[string]*tango.CreateOrderRequest{
		"no recipient": {CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
			UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("5.00")},
		"recipient without email": {CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
			UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("5.00"), Recipient: &tango.Recipient{FirstName: "Ada"}},
		"empty recipient on EMAIL": {CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
			UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("5.00"), DeliveryMethod: tango.DeliveryEmail,
			Recipient: &tango.Recipient{}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Orders.Create(ctx, req)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tango.ErrValidation), "%v", err)
			if req.DeliveryMethod == "" {
				assert.ErrorContains(t, err, "DeliveryNone")
			}
		})
	}
	assert.Empty(t, requestsTo(srv, http.MethodPost, "/orders"), "nothing was sent")

	o, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier: tangotest.DemoAccount, UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("5.00"),
		DeliveryMethod: tango.DeliveryNone})
	require.NoError(t, err, "NONE, chosen by the caller, is placed")
	assert.Equal(t, tango.DeliveryNone, o.DeliveryMethod)
}
