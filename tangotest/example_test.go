package tangotest_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	tango "github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// The fake speaks HTTPS with its own CA; any client that trusts RootCAs can call it.
func ExampleNewServer() {
	srv := tangotest.NewServer()
	defer srv.Close()

	hc := srv.Client() // trusts the fake's CA and nothing else
	defer hc.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, srv.Environment().APIBaseURL+"/accounts/"+tangotest.DemoAccount, nil)
	req.SetBasicAuth(srv.PlatformName(), srv.PlatformKey())
	resp, err := hc.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, srv.Balance(tangotest.DemoAccount))
	// Output: 200 1000.00
}

// A connection dropped after Tango committed the order: the SDK retries with the same
// externalRefID, gets the stored order back, and exactly one gift card is sent.
func ExampleServer_Inject() {
	srv := tangotest.NewServer()
	defer srv.Close()
	srv.Inject(tangotest.Fault{
		Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1,
		Action: tangotest.ConnectionResetAfterCommit(),
	})

	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()),
		tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 3, InitialInterval: 10 * time.Millisecond,
			MaxInterval: 50 * time.Millisecond, Multiplier: 2}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	order, err := c.Orders.Create(context.Background(), &tango.CreateOrderRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("10.00"), ExternalRefID: "order-42",
		Recipient: &tango.Recipient{Email: "ada@example.com", FirstName: "Ada"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(order.Replayed, srv.OrderCount(tangotest.DemoAccount, "order-42"), srv.Balance(tangotest.DemoAccount))
	// Output: true 1 990.00
}
