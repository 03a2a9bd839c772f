package tango_test

// The benchmarks' fake server runs in a child process (this test binary, started
// again with benchFakeEnv set), so that the client's CPU time (getrusage) and
// allocations (runtime.MemStats) count the client alone, not the server too.

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// benchFakeEnv marks the child process that serves the benchmarks' fake.
const benchFakeEnv = "TANGO_GO_BENCH_FAKE"

// serveBenchFakeIfChild serves the fake until stdin closes and reports true when
// this process is the benchmarks' child; TestMain then exits without testing.
func serveBenchFakeIfChild() bool {
	if os.Getenv(benchFakeEnv) != "1" {
		return false
	}
	srv, err := tangotest.Start("127.0.0.1:0", tangotest.WithMaxRecordedRequests(16))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := srv.SetBalance(tangotest.DemoAccount, "900000000.00"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Throwaway values only this child accepts, handed to the parent on a pipe.
	fmt.Printf("%s %s %s %s\n", srv.URL(), srv.PlatformName(), srv.PlatformKey(), base64.StdEncoding.EncodeToString(srv.CACertPEM()))
	_, _ = io.Copy(io.Discard, os.Stdin)
	srv.Close()
	return true
}

// benchFake is the parent's view of the child's fake.
type benchFake struct {
	env          tango.Environment
	pool         *x509.CertPool
	platformName string
	platformKey  string
}

// startBenchFake starts the child and stops it at the end of the benchmark.
func startBenchFake(b *testing.B) *benchFake {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchFakeEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("bench fake: %v", err)
	}
	f := strings.Fields(line)
	if len(f) != 4 {
		b.Fatalf("bench fake: unexpected first line (%d fields)", len(f))
	}
	pem, err := base64.StdEncoding.DecodeString(f[3])
	if err != nil {
		b.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		b.Fatal("bench fake: bad CA")
	}
	return &benchFake{
		env:          tango.Environment{Name: "bench", APIBaseURL: f[0] + tangotest.APIPrefix, TokenURL: f[0] + tangotest.PathToken},
		pool:         pool,
		platformName: f[1],
		platformKey:  f[2],
	}
}

// sdk is an SDK client with default options, trusting the fake's CA, with pacing
// off (the fake enforces no limit; BenchmarkPacing measures the limiter's cost).
func (f *benchFake) sdk(b *testing.B) *tango.Client {
	b.Helper()
	c, err := tango.NewClient(f.env, tango.BasicAuth(f.platformName, f.platformKey), tango.WithRootCAs(f.pool), noPacing())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	return c
}

// raw is a hand-written net/http client with a transport tuned for concurrent
// callers: the pool the SDK's default has, a TLS session cache, the same roots.
func (f *benchFake) raw(b *testing.B) *ordRaw {
	b.Helper()
	tr := &http.Transport{
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		TLSClientConfig: &tls.Config{
			RootCAs:            f.pool,
			MinVersion:         tls.VersionTLS12,
			ClientSessionCache: tls.NewLRUClientSessionCache(64),
		},
	}
	b.Cleanup(tr.CloseIdleConnections)
	return &ordRaw{
		hc:   &http.Client{Transport: tr},
		base: f.env.APIBaseURL,
		auth: "Basic " + base64.StdEncoding.EncodeToString([]byte(f.platformName+":"+f.platformKey)),
	}
}

// benchSample is what one variant cost over one round.
type benchSample struct {
	calls   int
	wall    time.Duration
	cpu     time.Duration // user + system time of this process
	allocs  uint64
	bytes   uint64
	latency []time.Duration // per call, when asked for
}

func (s benchSample) cpuPerCall() float64    { return float64(s.cpu.Nanoseconds()) / float64(s.calls) }
func (s benchSample) allocsPerCall() float64 { return float64(s.allocs) / float64(s.calls) }
func (s benchSample) bytesPerCall() float64  { return float64(s.bytes) / float64(s.calls) }
func (s benchSample) perSecond() float64     { return float64(s.calls) / s.wall.Seconds() }

// runRound makes calls calls of call from workers goroutines and measures them.
// The heap is collected first, so that one variant's garbage is not collected
// on the other's time.
func runRound(b *testing.B, calls, workers int, keepLatency bool, call func(ctx context.Context) error) benchSample {
	b.Helper()
	runtime.GC()
	per := max(calls/workers, 1)
	lat := make([][]time.Duration, workers)
	if keepLatency {
		for i := range lat {
			lat[i] = make([]time.Duration, 0, per)
		}
	}
	ctx := context.Background()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := processCPU()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for range per {
				t0 := time.Now()
				if err := call(ctx); err != nil {
					errs <- err
					return
				}
				if keepLatency {
					lat[w] = append(lat[w], time.Since(t0))
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	cpu := processCPU() - cpu0
	runtime.ReadMemStats(&m1)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	s := benchSample{calls: per * workers, wall: wall, cpu: cpu, allocs: m1.Mallocs - m0.Mallocs, bytes: m1.TotalAlloc - m0.TotalAlloc}
	for _, l := range lat {
		s.latency = append(s.latency, l...)
	}
	return s
}

// median returns the median of xs.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile returns the p-th percentile (0..100) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p/100))]
}
