package tango_test

// The account guard covers calls addressed by an order or line item id and
// Client.Do, not only calls whose request names the account.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

var errBlockedAccount = errors.New("blocked account")

// TestAccountGuardCoversCallsByID: with the demo account blocked, no call on its
// order or line item gets through, and no write reaches Tango.
func TestAccountGuardCoversCallsByID(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	placed, err := ordClient(t, srv, nil).Orders.Create(context.Background(), ordRequest("guard-ref-00001"))
	require.NoError(t, err)
	require.NotEmpty(t, placed.ReferenceLineItemID)

	var (
		mu    sync.Mutex
		asked [][2]string
	)
	guard := func(_ context.Context, customer, account string) error {
		mu.Lock()
		asked = append(asked, [2]string{customer, account})
		mu.Unlock()
		if account == tangotest.DemoAccount || (account == "" && customer == tangotest.DemoCustomer) {
			return errBlockedAccount
		}
		return nil
	}
	c := ordClient(t, srv, nil, tango.WithAccountGuard(guard))
	ctx := context.Background()
	id, li := placed.ReferenceOrderID, placed.ReferenceLineItemID
	orderBody := map[string]any{
		"externalRefID": "guard-do-00001", "customerIdentifier": tangotest.DemoCustomer, "accountIdentifier": tangotest.DemoAccount,
		"utid": tangotest.UTIDRewardLink, "amount": 1, "deliveryMethod": "NONE",
	}
	calls := map[string]func() error{
		"Orders.Get": func() error { _, err := c.Orders.Get(ctx, id); return err },
		"Orders.Resend": func() error {
			_, err := c.Orders.Resend(ctx, id, &tango.ResendRequest{NewEmail: "thief@example.com"})
			return err
		},
		"LineItems.Get": func() error { _, err := c.LineItems.Get(ctx, li); return err },
		"LineItems.Resend": func() error {
			_, err := c.LineItems.Resend(ctx, li, &tango.LineItemResendRequest{NewEmail: "thief@example.com"})
			return err
		},
		"LineItems.Cancel": func() error {
			_, err := c.LineItems.Cancel(ctx, li, &tango.LineItemActionRequest{ReasonCode: tango.ReasonCode("OTHER"), OtherReason: "x"})
			return err
		},
		"Do POST /orders": func() error { _, err := c.Do(ctx, http.MethodPost, "/orders", nil, orderBody, nil); return err },
		"Do POST /orders (array, odd case)": func() error {
			_, err := c.Do(ctx, http.MethodPost, "/orders", nil, []map[string]any{{"AccountIdentifier": tangotest.DemoAccount}}, nil)
			return err
		},
		"Do path": func() error {
			_, err := c.Do(ctx, http.MethodGet, "/customers/"+url.PathEscape(tangotest.DemoCustomer)+"/accounts/"+url.PathEscape(tangotest.DemoAccount), nil, nil, nil)
			return err
		},
		"Do query": func() error {
			_, err := c.Do(ctx, http.MethodGet, "/orders", url.Values{"accountIdentifier": {tangotest.DemoAccount}}, nil, nil)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			require.ErrorIs(t, err, errBlockedAccount)
		})
	}
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			assert.False(t, strings.Contains(r.Path, "resends") || strings.Contains(r.Path, "cancel"), "a write reached Tango: %s %s", r.Method, r.Path)
		}
	}
	assert.Equal(t, 1, srv.OrdersCreated(), "Do placed no order")
	mu.Lock()
	assert.NotEmpty(t, asked)
	mu.Unlock()
}

// TestAccountGuardAllowsItsOwnAccount: a guard that allows the account lets the
// same calls through, and is asked with the order's owner.
func TestAccountGuardAllowsItsOwnAccount(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	var asked []string
	var mu sync.Mutex
	c := ordClient(t, srv, nil, tango.WithAccountGuard(func(_ context.Context, customer, account string) error {
		mu.Lock()
		asked = append(asked, customer+"/"+account)
		mu.Unlock()
		return nil
	}))
	placed, err := c.Orders.Create(context.Background(), ordRequest("guard-ok-00001"))
	require.NoError(t, err)
	got, err := c.Orders.Get(context.Background(), placed.ReferenceOrderID)
	require.NoError(t, err)
	assert.Equal(t, placed.ReferenceOrderID, got.ReferenceOrderID)
	_, err = c.LineItems.Get(context.Background(), placed.ReferenceLineItemID)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	for _, a := range asked {
		assert.Equal(t, tangotest.DemoCustomer+"/"+tangotest.DemoAccount, a)
	}
	assert.Len(t, asked, 3)
}
