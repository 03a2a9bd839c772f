package tango_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// customFields (Tango's CreateOrderCriteria) goes out as a JSON object, and only
// when set.
func TestCreateOrderSendsCustomFields(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	req := func(ref string, fields map[string]any) *tango.CreateOrderRequest {
		return &tango.CreateOrderRequest{ExternalRefID: ref, CustomerIdentifier: tangotest.DemoCustomer,
			AccountIdentifier: tangotest.DemoAccount, UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("1.00"),
			SendEmail: new(false), CustomFields: fields}
	}
	_, err := c.Orders.Create(context.Background(), req("cf-1", map[string]any{"costCenter": "CC-12", "seats": 3}))
	require.NoError(t, err)
	body := lastBody(t, srv, http.MethodPost, "/orders")
	assert.Equal(t, map[string]any{"costCenter": "CC-12", "seats": float64(3)}, body["customFields"])

	_, err = c.Orders.Create(context.Background(), req("cf-2", nil))
	require.NoError(t, err)
	assert.NotContains(t, lastBody(t, srv, http.MethodPost, "/orders"), "customFields")
}
