package tango_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// welcomeReward is code of your own service: it sends a user one welcome gift card.
// The externalRefID is derived from the user, so however often it runs (a retried
// job, a double click) the user gets one reward.
func welcomeReward(ctx context.Context, c *tango.Client, customer, account, userID, email string) error {
	_, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{
		ExternalRefID:      "welcome-" + userID,
		CustomerIdentifier: customer,
		AccountIdentifier:  account,
		UTID:               "U561593",
		Amount:             tango.MustParseAmount("10.00"),
		Recipient:          &tango.Recipient{Email: tango.Private(email), FirstName: "Ada"},
	})
	if errors.Is(err, tango.ErrInsufficientFunds) {
		return fmt.Errorf("welcome reward for %s postponed: %w", userID, err)
	}
	return err
}

// Test your own code against tangotest, as net/http code is tested with httptest:
// start a fake, point a client at it, run your code and ask the fake what happened.
// In your repository this is the body of a TestWelcomeReward(t *testing.T), with
// t.Fatal or testify in place of the prints.
func Example_testWithTangotest() {
	srv := tangotest.NewServer() // customers, accounts and a catalog: see tangotest's Demo* and UTID* names
	defer srv.Close()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()

	// The job runs twice for the same user: one order, one debit.
	for range 2 {
		if err := welcomeReward(ctx, c, tangotest.DemoCustomer, tangotest.DemoAccount, "u-1", "ada@example.com"); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("orders:", srv.OrderCount(tangotest.DemoAccount, "welcome-u-1"), "balance:", srv.Balance(tangotest.DemoAccount))

	// An empty account: the fake answers as Tango does, with 402.001.
	if err := srv.SetBalance(tangotest.DemoAccount, "0.00"); err != nil {
		fmt.Println(err)
		return
	}
	err = welcomeReward(ctx, c, tangotest.DemoCustomer, tangotest.DemoAccount, "u-2", "grace@example.com")
	fmt.Println(errors.Is(err, tango.ErrInsufficientFunds), srv.OrderCount(tangotest.DemoAccount, "welcome-u-2"))
	// Output:
	// orders: 1 balance: 990.00
	// true 0
}
