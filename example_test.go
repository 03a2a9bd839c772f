package tango_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// The examples run against tangotest, a fake Tango on loopback: against Tango, pass
// tango.Sandbox or tango.Production and drop WithRootCAs (the client trusts the
// Amazon roots Tango's certificates chain to).

// Basic authentication: the platform name and key from Tango's portal, sent on
// every call.
func ExampleNewClient_basicAuth() {
	srv := tangotest.NewServer()
	defer srv.Close()

	c, err := tango.NewClient(srv.Environment(), tango.BasicAuth(srv.PlatformName(), srv.PlatformKey()),
		tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	acct, err := c.Accounts.Get(context.Background(), tangotest.DemoAccount)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(acct.AccountIdentifier, acct.CurrencyCode, acct.CurrentBalance)
	// Output: demo-account USD 1000.00
}

// OAuth 2.0 client credentials: the client fetches a token once, shares it between
// concurrent calls and refreshes it before it expires.
func ExampleNewClient_oAuth2() {
	srv := tangotest.NewServer()
	defer srv.Close()

	c, err := tango.NewClient(srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()),
		tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	ctx := context.Background()
	for range 3 {
		if _, err := c.Accounts.Get(ctx, tangotest.DemoAccount); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("calls: 3, tokens fetched:", srv.TokensIssued())
	// Output: calls: 3, tokens fetched: 1
}

// Place an order exactly once: choose the externalRefID first and keep it with your
// record of the reward. Calling Create again with it, after any error, never sends a
// second reward: Tango answers with the order it already placed.
func ExampleOrdersService_Create() {
	srv := tangotest.NewServer()
	defer srv.Close()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()

	req := &tango.CreateOrderRequest{
		ExternalRefID:      "reward-2026-0042", // or tango.NewExternalRefID(), stored first
		CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier:  tangotest.DemoAccount,
		UTID:               tangotest.UTIDRewardLink,
		Amount:             tango.MustParseAmount("10.00"),
		Recipient:          &tango.Recipient{Email: "ada@example.com", FirstName: "Ada"},
	}
	order, err := c.Orders.Create(ctx, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(order.ExternalRefID, order.Status, order.Replayed)

	// The same request again, as after a crash: the stored order comes back.
	again, err := c.Orders.Create(ctx, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(again.ReferenceOrderID == order.ReferenceOrderID, again.Replayed)
	fmt.Println("orders placed:", srv.OrderCount(tangotest.DemoAccount, "reward-2026-0042"))
	fmt.Println("balance:", srv.Balance(tangotest.DemoAccount))
	// Output:
	// reward-2026-0042 COMPLETE false
	// true true
	// orders placed: 1
	// balance: 990.00
}

// The errors of Create, from the most to the least specific, told apart with
// errors.As and errors.Is. Every error Create returns is an *OrderError that carries
// the externalRefID (empty only when the request was refused before one was
// chosen), so an order can always be retried or looked up with the same key.
func ExampleOrdersService_Create_errors() {
	srv := tangotest.NewServer()
	defer srv.Close()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	explain := func(err error) string {
		var (
			invalid *tango.ValidationError
			unknown *tango.OutcomeUnknownError
			apiErr  *tango.APIError
		)
		switch {
		case err == nil:
			return "placed"
		case errors.As(err, &invalid):
			// Refused before sending: fix the request.
			return fmt.Sprintf("invalid request, %d field(s), first %s", len(invalid.Fields), invalid.Fields[0].Path)
		case errors.As(err, &unknown):
			// The order may exist: retry later with the same externalRefID.
			return "outcome unknown; retry with " + unknown.ExternalRefID
		case errors.Is(err, tango.ErrInsufficientFunds):
			return "insufficient funds: fund the account"
		case errors.As(err, &apiErr) && apiErr.HasKey("422.030"):
			// Tango's i18nKeys, top-level or per field, name the cause.
			return "the item is not active: pick another from the catalog"
		case errors.As(err, &apiErr):
			// Any other refusal: quote the request id to Tango's support.
			return fmt.Sprintf("refused: %d, request id %s", apiErr.StatusCode, apiErr.RequestID)
		default:
			// Network, TLS or the context: nothing was settled.
			return "failed: " + err.Error()
		}
	}

	ctx := context.Background()
	order := func(account, utid, amount string) error {
		_, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{
			CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: account,
			UTID: utid, Amount: tango.MustParseAmount(amount), DeliveryMethod: tango.DeliveryNone,
		})
		return err
	}
	fmt.Println(explain(order(tangotest.DemoAccount, tangotest.UTIDRewardLink, "5.00")))
	fmt.Println(explain(order(tangotest.DemoAccount, "", "5.00")))
	fmt.Println(explain(order(tangotest.SecondAccount, tangotest.UTIDRewardLink, "100.00")))
	fmt.Println(explain(order(tangotest.DemoAccount, tangotest.UTIDInactive, "5.00")))
	// Output:
	// placed
	// invalid request, 1 field(s), first utid
	// insufficient funds: fund the account
	// the item is not active: pick another from the catalog
}

// Walk every order of an account: All pages through the results (and through
// Tango's 100-day windows) while the loop runs; breaking out stops the paging.
func ExampleOrdersService_All() {
	srv := tangotest.NewServer()
	defer srv.Close()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()
	for _, amount := range []string{"5.00", "7.50", "12.25"} {
		if _, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{
			CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
			UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount(amount), DeliveryMethod: tango.DeliveryNone,
		}); err != nil {
			fmt.Println(err)
			return
		}
	}

	total := tango.MustParseAmount("0")
	n := 0
	for o, err := range c.Orders.All(ctx, &tango.ListOrdersParams{AccountIdentifier: tangotest.DemoAccount}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
		if total, err = total.Add(o.AmountCharged.Value); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(n, "orders, charged", total)
	// Output: 3 orders, charged 24.75
}

// An account scope can only touch one account: hand it to code that acts for one of
// your users, and it cannot spend from another user's account by mistake.
func ExampleClient_Account() {
	srv := tangotest.NewServer()
	defer srv.Close()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()

	acct := c.Account(tangotest.DemoCustomer, tangotest.SecondAccount)
	// The scope fills in the customer and the account.
	order, err := acct.Orders.Create(ctx, &tango.CreateOrderRequest{
		UTID: tangotest.UTIDFixedValue, Amount: tango.MustParseAmount("10.00"),
		DeliveryMethod: tango.DeliveryNone,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	bal, err := acct.Balance(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(order.AccountIdentifier, bal.CurrentBalance)

	// A request naming another account is refused before anything is sent.
	_, err = acct.Orders.Create(ctx, &tango.CreateOrderRequest{
		AccountIdentifier: tangotest.DemoAccount,
		UTID:              tangotest.UTIDFixedValue, Amount: tango.MustParseAmount("10.00"),
		DeliveryMethod: tango.DeliveryNone,
	})
	fmt.Println(err != nil, srv.Balance(tangotest.DemoAccount))
	// Output:
	// demo-account-2 15.00
	// true 1000.00
}
