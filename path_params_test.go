package tango_test

// Path parameters of "." or ".." would be sent as dot segments and address
// another resource: every typed method refuses them before sending, as Do does.

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

func TestDotSegmentPathParametersAreRefused(t *testing.T) {
	checkLeaks(t)
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]any{})
	})
	c := newCoreClient(t, srv)
	ctx := context.Background()
	calls := map[string]func(id string) error{
		"Orders.Get":    func(id string) error { _, err := c.Orders.Get(ctx, id); return err },
		"Orders.Resend": func(id string) error { _, err := c.Orders.Resend(ctx, id, nil); return err },
		"Orders.Wait":   func(id string) error { _, err := c.Orders.Wait(ctx, id); return err },
		"LineItems.Get": func(id string) error { _, err := c.LineItems.Get(ctx, id); return err },
		"LineItems.Resend": func(id string) error {
			_, err := c.LineItems.Resend(ctx, id, nil)
			return err
		},
		"LineItems.EmbeddedURL": func(id string) error { _, err := c.LineItems.EmbeddedURL(ctx, id); return err },
		"Funding.GetCreditCard": func(id string) error { _, err := c.Funding.GetCreditCard(ctx, id); return err },
		"Funding.GetDeposit":    func(id string) error { _, err := c.Funding.GetDeposit(ctx, id); return err },
		"Accounts.Get":          func(id string) error { _, err := c.Accounts.Get(ctx, id); return err },
		"Customers.Get":         func(id string) error { _, err := c.Customers.Get(ctx, id); return err },
		"Templates.Get":         func(id string) error { _, err := c.Templates.Get(ctx, id); return err },
		"Templates.Delete":      func(id string) error { _, err := c.Templates.Delete(ctx, id); return err },
		"Reference.ChoiceProduct": func(id string) error {
			_, err := c.Reference.ChoiceProduct(ctx, id)
			return err
		},
		"Catalog.ChoiceProductCatalog": func(id string) error {
			_, err := c.Catalog.ChoiceProductCatalog(ctx, id, nil)
			return err
		},
		"LowBalanceAlerts.Get": func(id string) error {
			_, err := c.LowBalanceAlerts.Get(ctx, "cust-00001", "acct-00001", id)
			return err
		},
	}
	for name, call := range calls {
		for _, id := range []string{".", ".."} {
			t.Run(name+" "+id, func(t *testing.T) {
				err := call(id)
				require.ErrorIs(t, err, tango.ErrValidation)
			})
		}
	}
	assert.Zero(t, srv.hits.Load(), "nothing was sent")
}
