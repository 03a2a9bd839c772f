package tango_test

// Benchmarks of pacing (issue 10, point 6). They measure; they assert nothing.
//
//	go test -run '^$' -bench 'Pacing|RateLimiterReserve' -benchtime=20000x .
//	go test -run '^$' -bench PacedOrderRate -benchtime=30x .   # 30 orders: about 30 s
//
// BenchmarkPacingOverhead reports the cost of consulting the limiter on every
// call ("limiter/none-x": 1.00 is free) on a client whose rate never makes it
// wait, against the same client with pacing off. BenchmarkPacedOrderRate reports
// the order rate a paced client achieves against a fake that enforces Tango's
// 1 TPS, in real time.

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func BenchmarkRateLimiterReserve(b *testing.B) {
	l := tango.NewRateLimiter()
	ep := tango.Endpoint{Method: http.MethodGet, Path: "/orders/{id}"}
	ctx := context.Background()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Microsecond)
		if _, ok, err := l.Reserve(ctx, tango.Turn{Endpoint: ep, Rate: 1e6, Now: now, MaxWait: time.Hour}); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkPacingOverhead(b *testing.B) {
	ts := newCoreServer(b, okHandler)
	none := newCoreClient(b, ts, tango.WithClock(wallClockForBench{}))
	paced := newCoreClient(b, ts, tango.WithClock(wallClockForBench{}), tango.WithRateLimit(1e6))
	ctx := context.Background()
	call := func(c *tango.Client, i int) {
		if _, err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/orders/RA-%d", i), nil, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	call(none, 0) // warm the connections
	call(paced, 0)
	per := max(b.N/benchRounds, 1)
	var noneNS, pacedNS []float64
	b.ResetTimer()
	for round := range benchRounds {
		order := []*tango.Client{none, paced}
		if round%2 == 1 {
			order = []*tango.Client{paced, none}
		}
		for _, c := range order {
			start := time.Now()
			for i := range per {
				call(c, i)
			}
			ns := float64(time.Since(start).Nanoseconds()) / float64(per)
			if c == none {
				noneNS = append(noneNS, ns)
			} else {
				pacedNS = append(pacedNS, ns)
			}
		}
	}
	b.ReportMetric(median(noneNS), "none-ns/call")
	b.ReportMetric(median(pacedNS), "limiter-ns/call")
	b.ReportMetric(median(pacedNS)/median(noneNS), "limiter/none-x")
}

func BenchmarkPacedOrderRate(b *testing.B) {
	srv := ordFake(b, tangotest.WithOrderRateLimit(1))
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	prefix := fmt.Sprintf("rate-%d-", time.Now().UnixNano())
	if _, err := c.Orders.Create(ctx, ordRequest(prefix+"warm")); err != nil {
		b.Fatal(err)
	}
	const workers = 4
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if _, err := c.Orders.Create(ctx, ordRequest(fmt.Sprintf("%s%d", prefix, i))); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && r.Path == tangotest.PathOrders {
			posts++
		}
	}
	// The warm-up order went at once; b.N more took their turns 1 s apart.
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(posts-b.N-1), "429s")
	b.ReportMetric(float64(failed.Load()), "failed")
}

// wallClockForBench is the wall clock (the SDK's default) for the benchmark
// clients, which newCoreClient would otherwise give a fake one.
type wallClockForBench struct{}

func (wallClockForBench) Now() time.Time { return time.Now() }

func (wallClockForBench) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
