package tango_test

import (
	"context"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// BenchmarkBatchSend measures rows per second through the batch sender against
// an in-process fake that enforces no limit, and, as the baseline for the
// batch's overhead per row, the same orders placed by a plain loop of
// Orders.Create. The fake shares the CPU, so compare the variants with each
// other, not with Tango.
func BenchmarkBatchSend(b *testing.B) {
	rows := func(prefix string, n int) iter.Seq[tango.BatchOrder] {
		return func(yield func(tango.BatchOrder) bool) {
			for i := range n {
				if !yield(tango.BatchOrder{Key: fmt.Sprintf("%s-%d", prefix, i), Request: ordRequest("")}) {
					return
				}
			}
		}
	}
	setup := func(b *testing.B) *tango.Client {
		srv := ordFake(b)
		if err := srv.SetBalance(tangotest.DemoAccount, "900000.00"); err != nil {
			b.Fatal(err)
		}
		return ordClient(b, srv, nil)
	}
	b.Run("create-loop", func(b *testing.B) {
		c := setup(b)
		ns := fmt.Sprint(time.Now().UnixNano())
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			req := ordRequest(tango.ExternalRefIDFor(ns, fmt.Sprint(i)))
			if _, err := c.Orders.Create(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("batch-c%d", conc), func(b *testing.B) {
			c := setup(b)
			batch, err := c.Orders.Batch(tango.BatchOptions{Namespace: fmt.Sprint(time.Now().UnixNano()), Concurrency: conc})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for _, r := range batch.Send(context.Background(), rows("r", b.N)) {
				if r.Outcome != tango.BatchPlaced {
					b.Fatal(r.Outcome, r.Err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
