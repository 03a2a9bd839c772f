package tango_test

// BenchmarkConcurrentGet: the SDK with its default transport against a
// hand-written net/http client with a transport tuned for concurrency, at 1, 8,
// 64 and 256 concurrent callers, each calling Orders.Get back to back. It
// reports, per variant, requests per second, the 99th percentile latency, TLS
// handshakes per 1,000 calls (connection churn) and client CPU per call, and the
// SDK/raw ratios of throughput and CPU. Run it with
//
//	go test -run '^$' -bench ConcurrentGet -benchtime=2000x .
//
// (calls per round and variant; rounds alternate the variants). The fake runs in
// a child process, so its CPU is not the client's.

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"testing"
	"time"
)

// concurrencyRounds is how many measured rounds each variant runs.
const concurrencyRounds = 5

func BenchmarkConcurrentGet(b *testing.B) {
	fake := startBenchFake(b)
	setup := fake.sdk(b)
	placed, err := setup.Orders.Create(context.Background(), ordRequest(""))
	if err != nil {
		b.Fatal(err)
	}
	id := placed.ReferenceOrderID
	for _, callers := range []int{1, 8, 64, 256} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			c, raw := fake.sdk(b), fake.raw(b)
			sdkHS, rawHS := &atomic.Int64{}, &atomic.Int64{}
			sdk := func(ctx context.Context) error {
				o, err := c.Orders.Get(countHandshakes(ctx, sdkHS), id)
				if err == nil && o.ReferenceOrderID != id {
					err = fmt.Errorf("got order %s", o.ReferenceOrderID)
				}
				return err
			}
			rawGet := func(ctx context.Context) error {
				var o ordRawOrder
				err := raw.do(countHandshakes(ctx, rawHS), http.MethodGet, "/orders/"+id, nil, http.StatusOK, &o)
				if err == nil && o.ReferenceOrderID != id {
					err = fmt.Errorf("got order %s", o.ReferenceOrderID)
				}
				return err
			}
			// Warm-up rounds: the connections bursts of this width need are
			// opened once; what follows measures steady state.
			for range 3 {
				runRound(b, callers, callers, false, sdk)
				runRound(b, callers, callers, false, rawGet)
			}
			sdkHS.Store(0)
			rawHS.Store(0)
			calls := max(b.N, callers)
			var s, r []benchSample
			for round := range concurrencyRounds {
				if round%2 == 0 {
					s = append(s, runRound(b, calls, callers, true, sdk))
					r = append(r, runRound(b, calls, callers, true, rawGet))
				} else {
					r = append(r, runRound(b, calls, callers, true, rawGet))
					s = append(s, runRound(b, calls, callers, true, sdk))
				}
			}
			reportConcurrency(b, "sdk", s, sdkHS.Load())
			reportConcurrency(b, "raw", r, rawHS.Load())
			var tput, cpu []float64
			for i := range s {
				tput = append(tput, s[i].perSecond()/r[i].perSecond())
				cpu = append(cpu, s[i].cpuPerCall()/r[i].cpuPerCall())
			}
			b.ReportMetric(median(tput), "req/s-x")
			b.ReportMetric(median(cpu), "cpu-x")
		})
	}
}

// countHandshakes returns ctx with a trace that counts the TLS handshakes the
// calls made with it start: every new connection costs one.
func countHandshakes(ctx context.Context, n *atomic.Int64) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		TLSHandshakeStart: func() { n.Add(1) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) {},
	})
}

// reportConcurrency reports one variant's throughput (median of the rounds), p99
// latency (over every call), handshakes per 1,000 calls and CPU per call.
func reportConcurrency(b *testing.B, name string, ss []benchSample, handshakes int64) {
	var tput, cpu []float64
	var lat []time.Duration
	calls := 0
	for _, s := range ss {
		tput = append(tput, s.perSecond())
		cpu = append(cpu, s.cpuPerCall())
		lat = append(lat, s.latency...)
		calls += s.calls
	}
	b.ReportMetric(median(tput), name+"-req/s")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds()), name+"-p99-us")
	b.ReportMetric(float64(handshakes)*1000/float64(calls), name+"-hs/1000")
	b.ReportMetric(median(cpu)/1000, name+"-cpu-us/call")
}
