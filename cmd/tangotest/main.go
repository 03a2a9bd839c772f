// Command tangotest serves the fake Tango RaaS API of package tangotest on a loopback
// address, for trying the SDK or an integration by hand, or for tests written in
// other languages.
//
//	go run ./cmd/tangotest -addr 127.0.0.1:8443 -ca-out /tmp/tangotest-ca.pem
//
// It prints the URLs and the credentials it accepts as KEY=value lines on stdout
// (they are throwaway values that only this process accepts), writes its CA
// certificate to the -ca-out file so that clients can trust it, and stops cleanly on
// SIGINT or SIGTERM. It refuses addresses other machines could reach.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tango-sdk/tango-go/tangotest"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the flags, serves until ctx ends or a signal arrives, and returns the
// exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tangotest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `address` to listen on (127.0.0.1, ::1 or localhost; port 0 picks one)")
	caOut := fs.String("ca-out", "", "write the fake's CA certificate (PEM) to this `file`")
	platformName := fs.String("platform-name", "", "platform name to accept for HTTP Basic (default "+tangotest.DefaultPlatformName+")")
	platformKey := fs.String("platform-key", "", "platform key to accept (default: random)")
	clientID := fs.String("client-id", "", "OAuth client ID to accept (default: random)")
	clientSecret := fs.String("client-secret", "", "OAuth client secret to accept (default: random)")
	tokenLifetime := fs.Duration("token-lifetime", tangotest.DefaultTokenLifetime, "lifetime of issued access tokens")
	orderTPS := fs.Float64("order-tps", 0, "limit POST /orders to this many per second (0: no limit; Tango's is 1)")
	seed := fs.Int64("seed", 1, "seed for probabilistic faults")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tangotest: unexpected arguments: %v\n", fs.Args())
		return 2
	}
	opts := []tangotest.Option{
		tangotest.WithCredentials(*platformName, *platformKey, *clientID, *clientSecret),
		tangotest.WithTokenLifetime(*tokenLifetime),
		tangotest.WithSeed(*seed),
		tangotest.WithMaxRecordedRequests(10000),
	}
	if *orderTPS != 0 {
		opts = append(opts, tangotest.WithOrderRateLimit(*orderTPS))
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := tangotest.Start(*addr, opts...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	defer srv.Close()
	if *caOut != "" {
		if err := os.WriteFile(*caOut, srv.CACertPEM(), 0o644); err != nil {
			fmt.Fprintf(stderr, "tangotest: write CA certificate: %v\n", err)
			return 1
		}
	}

	env := srv.Environment()
	fmt.Fprintf(stdout, "TANGOTEST_URL=%s\n", srv.URL())
	fmt.Fprintf(stdout, "TANGOTEST_API_BASE_URL=%s\n", env.APIBaseURL)
	fmt.Fprintf(stdout, "TANGOTEST_TOKEN_URL=%s\n", env.TokenURL)
	fmt.Fprintf(stdout, "TANGOTEST_PLATFORM_NAME=%s\n", srv.PlatformName())
	fmt.Fprintf(stdout, "TANGOTEST_PLATFORM_KEY=%s\n", srv.PlatformKey())
	fmt.Fprintf(stdout, "TANGOTEST_CLIENT_ID=%s\n", srv.ClientID())
	fmt.Fprintf(stdout, "TANGOTEST_CLIENT_SECRET=%s\n", srv.ClientSecret())
	if *caOut != "" {
		fmt.Fprintf(stdout, "TANGOTEST_CA_FILE=%s\n", *caOut)
	}
	fmt.Fprintf(stdout, "TANGOTEST_CUSTOMER=%s\nTANGOTEST_ACCOUNT=%s\nTANGOTEST_UTID=%s\n",
		tangotest.DemoCustomer, tangotest.DemoAccount, tangotest.UTIDRewardLink)
	fmt.Fprintln(stderr, "tangotest: serving; stop with Ctrl-C")

	<-ctx.Done()
	start := time.Now()
	srv.Close()
	fmt.Fprintf(stderr, "tangotest: stopped after serving %d requests (shutdown took %v)\n",
		len(srv.Requests()), time.Since(start).Round(time.Millisecond))
	return 0
}
