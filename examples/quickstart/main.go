// Command quickstart walks through tango-go's main path: read the catalog, place an
// order exactly once, fetch it with its reward, and list the account's orders.
//
// With no credentials in the environment it starts a tangotest fake server
// in-process and says so, so it runs anywhere without touching a real Tango host.
// With TANGO_CLIENT_ID and TANGO_CLIENT_SECRET (or TANGO_PLATFORM_NAME and
// TANGO_PLATFORM_KEY), plus TANGO_CUSTOMER and TANGO_ACCOUNT, it uses Tango's
// sandbox. It never uses production.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func main() {
	// The context bounds everything, retries and the order lookup included.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		log.Fatal(err)
	}
}

// setup is a ready client and the customer and account it acts on.
type setup struct {
	client            *tango.Client
	customer, account string
	close             func()
}

// newSetup builds the client the way a service does: credentials from the
// environment, Tango's sandbox, and options. With no credentials set it starts a
// tangotest fake in-process instead and points the client at it (its environment,
// its test CA), so the quickstart runs anywhere without reaching a real Tango host.
func newSetup(out io.Writer, getenv func(string) string) (*setup, error) {
	opts := []tango.Option{tango.WithUserAgent("tango-go-quickstart")}

	var auth tango.Auth
	id, secret := getenv("TANGO_CLIENT_ID"), getenv("TANGO_CLIENT_SECRET")
	name, key := getenv("TANGO_PLATFORM_NAME"), getenv("TANGO_PLATFORM_KEY")
	switch {
	case id != "" || secret != "":
		if id == "" || secret == "" {
			return nil, errors.New("set both TANGO_CLIENT_ID and TANGO_CLIENT_SECRET")
		}
		auth = tango.OAuth2(id, secret) // client credentials; tokens are cached and refreshed
	case name != "" || key != "":
		if name == "" || key == "" {
			return nil, errors.New("set both TANGO_PLATFORM_NAME and TANGO_PLATFORM_KEY")
		}
		auth = tango.BasicAuth(name, key)
	default:
		srv := tangotest.NewServer() // fixtures: tangotest.DemoCustomer, DemoAccount, a small catalog
		c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), append(opts, tango.WithRootCAs(srv.RootCAs()))...)
		if err != nil {
			srv.Close()
			return nil, err
		}
		fmt.Fprintln(out, "no TANGO_* credentials set: using a tangotest fake server in-process at "+srv.URL())
		return &setup{c, tangotest.DemoCustomer, tangotest.DemoAccount, func() { _ = c.Close(); srv.Close() }}, nil
	}

	// The quickstart never uses production: it places real orders.
	if env := getenv("TANGO_ENVIRONMENT"); env != "" && env != "sandbox" {
		return nil, fmt.Errorf("TANGO_ENVIRONMENT=%s: the quickstart runs on Tango's sandbox only", env)
	}
	customer, account := getenv("TANGO_CUSTOMER"), getenv("TANGO_ACCOUNT")
	if customer == "" || account == "" {
		return nil, errors.New("set TANGO_CUSTOMER and TANGO_ACCOUNT to the customer and account to act on")
	}
	c, err := tango.NewClient(tango.Sandbox, auth, opts...)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(out, "using Tango "+tango.Sandbox.String())
	return &setup{c, customer, account, func() { _ = c.Close() }}, nil
}

// run walks the main path. getenv reads the environment (os.Getenv; tests pass their own).
func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	setup, err := newSetup(out, getenv)
	if err != nil {
		return err
	}
	defer setup.close()
	c := setup.client

	// 1. The catalog. Tango asks for at most a couple of catalog calls a day: real
	// services keep it in a tango.CatalogCache.
	catalog, err := c.Catalog.Get(ctx, &tango.CatalogParams{Brief: true, CurrencyCode: "USD"})
	if err != nil {
		return fmt.Errorf("reading the catalog: %w", err)
	}
	item, amount, err := pickItem(catalog)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "catalog: %d brand(s); ordering %s %q for %s USD\n", len(catalog.Brands), item.UTID, item.RewardName, amount)

	// 2. One order, exactly once. Choose the externalRefID first and keep it with
	// your record of the reward (here: print it): the SDK reuses it on every retry,
	// and calling Create again with it after any failure never sends a second
	// reward. Account scopes make sure this code can only spend from this account.
	ref := tango.NewExternalRefID()
	fmt.Fprintf(out, "externalRefID for this order: %s\n", ref)
	account := c.Account(setup.customer, setup.account)
	order, err := account.Orders.Create(ctx, &tango.CreateOrderRequest{
		ExternalRefID:  ref,
		UTID:           item.UTID,
		Amount:         amount,
		DeliveryMethod: tango.DeliveryNone, // the credentials come back to us instead of an email
		Notes:          "tango-go quickstart",
	})
	var unknown *tango.OutcomeUnknownError
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("the order may or may not exist; retry later with externalRefID %s: %w", unknown.ExternalRefID, err)
	case err != nil:
		return fmt.Errorf("placing the order: %w", err)
	}
	fmt.Fprintf(out, "placed order %s with externalRefID %s (status %s)\n", order.ReferenceOrderID, order.ExternalRefID, order.State())

	// 3. Fetch it. Reward credentials are money: they print as [REDACTED] and are
	// read with Value.Reveal() where they must be shown.
	got, err := account.Orders.Get(ctx, order.ReferenceOrderID)
	if err != nil {
		return fmt.Errorf("fetching the order: %w", err)
	}
	if got.Reward != nil {
		for _, cred := range got.Reward.CredentialList {
			fmt.Fprintf(out, "reward credential %q (%s): %v\n", cred.Label, cred.CredentialType, cred.Value)
		}
	}

	// 4. The account's orders, page after page.
	n := 0
	for o, err := range account.Orders.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("listing orders: %w", err)
		}
		n++
		if n <= 3 {
			fmt.Fprintf(out, "  %s %s %s\n", o.ReferenceOrderID, o.UTID, o.State())
		}
	}
	fmt.Fprintf(out, "the account has %d order(s)\n", n)
	return nil
}

// pickItem chooses an active USD item and an amount it accepts.
func pickItem(catalog *tango.Catalog) (*tango.Item, tango.Amount, error) {
	ten := tango.MustParseAmount("10.00")
	for _, it := range catalog.Items() {
		if it.Status != tango.ItemActive || it.CurrencyCode != "USD" {
			continue
		}
		switch {
		case it.ValueType == tango.FixedValue && it.FaceValue != nil:
			return it, *it.FaceValue, nil
		case it.ValueType == tango.VariableValue && it.MinValue != nil && it.MaxValue != nil &&
			it.MinValue.Cmp(ten) <= 0 && it.MaxValue.Cmp(ten) >= 0:
			return it, ten, nil
		}
	}
	return nil, tango.Amount{}, errors.New("the catalog has no active USD item to order")
}
