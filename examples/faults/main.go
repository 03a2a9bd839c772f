// Command faults places one order through a fake Tango that misbehaves the way real
// networks do, and shows that exactly one gift card is sent.
//
// The first attempt gets a 503; the second attempt's connection is reset after the
// fake has committed the order (the worst case: Tango placed it, the client never
// heard); the third gets Tango's stored order back. The SDK reuses one externalRefID on
// every attempt, so the retries cannot place a second order; it prints each attempt
// and retry decision as it goes. The example always runs on an in-process tangotest
// server: faults cannot be injected into Tango's sandbox.
//
//	go run ./examples/faults
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer) error {
	srv := tangotest.NewServer()
	defer srv.Close()
	// Faults before the commit fire first: the 503 hits attempt 1, the reset attempt 2.
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1,
		Action: tangotest.Status(http.StatusServiceUnavailable)})
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1,
		Action: tangotest.ConnectionResetAfterCommit()})

	// The SDK's debug records: one per attempt, one per retry decision. They never
	// carry credentials, tokens or recipient data.
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(),
		tango.WithRootCAs(srv.RootCAs()),
		tango.WithLogger(logger),
		tango.WithRetryPolicy(tango.RetryPolicy{InitialInterval: 200 * time.Millisecond, MaxInterval: time.Second}))
	if err != nil {
		return err
	}
	defer c.Close()

	fmt.Fprintln(out, "placing one order through a 503 and a reset after commit (fake Tango at "+srv.URL()+")")
	before := srv.Balance(tangotest.DemoAccount)
	order, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{
		CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier:  tangotest.DemoAccount,
		UTID:               tangotest.UTIDRewardLink,
		Amount:             tango.MustParseAmount("25.00"),
		Recipient:          &tango.Recipient{Email: "ada@example.com", FirstName: "Ada"},
	})
	if err != nil {
		return err
	}
	n := srv.OrderCount(tangotest.DemoAccount, order.ExternalRefID)
	fmt.Fprintf(out, "order %s (externalRefID %s), replayed from Tango's store: %v\n", order.ReferenceOrderID, order.ExternalRefID, order.Replayed)
	fmt.Fprintf(out, "orders placed at the fake for that externalRefID: %d; balance %s -> %s\n", n, before, srv.Balance(tangotest.DemoAccount))
	if n != 1 {
		return fmt.Errorf("expected exactly one order, the fake holds %d", n)
	}
	return nil
}
