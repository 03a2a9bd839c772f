// Command campaign sends a small rewards campaign with the batch sender: a dry
// run that checks every row against the catalog and the balance, a first run
// that is interrupted halfway, and a second run that finishes the rest without
// sending any reward twice, because every row's externalRefID is derived from
// the campaign name and the row's key (tango.ExternalRefIDFor).
//
// With no credentials in the environment it runs on a tangotest fake server
// in-process and says so. With credentials (see examples/quickstart) it uses
// Tango's sandbox: it then places 40 real sandbox orders of 1.00. It never uses
// production.
//
//	go run ./examples/campaign
package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"log"
	"os"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/envclient"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, envclient.Config{}); err != nil {
		log.Fatal(err)
	}
}

// rowCount is the campaign's size.
const rowCount = 40

// rows is the campaign: in a real program, a function that reads a file or a
// database table one row at a time, so a million rows never sit in memory.
func rows(customer, account string) iter.Seq[tango.BatchOrder] {
	return func(yield func(tango.BatchOrder) bool) {
		for i := 1; i <= rowCount; i++ {
			order := tango.BatchOrder{
				Key: fmt.Sprintf("employee-%03d", i), // your row's business key
				Request: &tango.CreateOrderRequest{
					CustomerIdentifier: customer, AccountIdentifier: account,
					UTID: "U561593", Amount: tango.MustParseAmount("1.00"),
					DeliveryMethod: tango.DeliveryNone,
					Campaign:       "tango-go example campaign",
				},
			}
			if !yield(order) {
				return
			}
		}
	}
}

func run(ctx context.Context, out io.Writer, cfg envclient.Config) error {
	setup, err := envclient.New(cfg, tango.WithUserAgent("tango-go-campaign-example"))
	if err != nil {
		return err
	}
	defer setup.Close()
	fmt.Fprintln(out, setup.Description)
	c := setup.Client
	// The namespace keeps this campaign's keys apart from every other one. Use a
	// fixed name for a real campaign; the example adds the time so that each run
	// on the sandbox is a new campaign.
	namespace := fmt.Sprintf("example-campaign-%d", time.Now().UnixNano())
	campaign := rows(setup.Customer, setup.Account)

	// 1. The dry run: nothing is sent.
	b, err := c.Orders.Batch(tango.BatchOptions{Namespace: namespace})
	if err != nil {
		return err
	}
	est, err := b.DryRun(ctx, campaign)
	if err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	for _, p := range est.Problems {
		fmt.Fprintf(out, "row %d (%s) would be refused: %v\n", p.Index+1, p.Key, p.Err)
	}
	for _, a := range est.Accounts {
		fmt.Fprintf(out, "dry run: %d row(s) cost %s %s; the balance is %s %s\n", a.Rows, a.Total, a.Currency, a.Balance, a.Currency)
	}
	if !est.Sufficient() {
		return fmt.Errorf("the campaign costs more than the balance")
	}

	// 2. A first run, interrupted after half the rows (as a Ctrl-C or a crash
	// would): orders in flight finish, nothing new starts.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	first, err := c.Orders.Batch(tango.BatchOptions{Namespace: namespace, Progress: func(p tango.BatchProgress) {
		if p.Done() >= rowCount/2 {
			stop()
		}
	}})
	if err != nil {
		return err
	}
	n := 0
	for _, r := range first.Send(runCtx, campaign) {
		if r.Outcome == tango.BatchPlaced {
			n++
		}
	}
	fmt.Fprintf(out, "first run: stopped after placing %d order(s)\n", n)

	// 3. The same campaign again: rows already placed replay (Tango answers with
	// the existing order), the rest are placed now.
	var last tango.BatchProgress
	second, err := c.Orders.Batch(tango.BatchOptions{Namespace: namespace, Progress: func(p tango.BatchProgress) { last = p }})
	if err != nil {
		return err
	}
	for i, r := range second.Send(ctx, campaign) {
		if !r.Outcome.Settled() {
			// Unsettled rows: run the campaign again later; it never orders twice.
			fmt.Fprintf(out, "row %d (%s) unsettled: %v\n", i+1, r.Key, r.Err)
		}
	}
	fmt.Fprintf(out, "second run: %d placed, %d replayed, %d refused, %d unsettled\n",
		last.Placed, last.Replayed, last.Refused, last.Failed+last.Unknown)
	if setup.Fake != nil {
		fmt.Fprintf(out, "the fake holds %d order(s) for %d row(s)\n", setup.Fake.OrdersCreated(), rowCount)
	}
	return nil
}
