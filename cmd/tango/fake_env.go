package main

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"

	"github.com/tango-sdk/tango-go"
)

// connectRunningFake builds a client for a tangotest fake that runs in another
// process (cmd/tangotest), from the TANGOTEST_* variables it printed. Only a
// loopback URL is accepted: the variables never send credentials anywhere else.
func (inv *invocation) connectRunningFake(opts []tango.Option) (*session, int, bool) {
	base := inv.getenv("TANGOTEST_API_BASE_URL")
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "https" {
		return nil, inv.usageError("TANGOTEST_API_BASE_URL must be the https URL cmd/tangotest printed"), false
	}
	if ip := net.ParseIP(u.Hostname()); (ip == nil || !ip.IsLoopback()) && u.Hostname() != "localhost" {
		return nil, inv.usageError("TANGOTEST_API_BASE_URL must point at a loopback address (a tangotest fake), not %s", u.Hostname()), false
	}
	name, key, caFile := inv.getenv("TANGOTEST_PLATFORM_NAME"), inv.getenv("TANGOTEST_PLATFORM_KEY"), inv.getenv("TANGOTEST_CA_FILE")
	if name == "" || key == "" || caFile == "" {
		return nil, inv.usageError("to use a running tangotest, export TANGOTEST_PLATFORM_NAME, TANGOTEST_PLATFORM_KEY and TANGOTEST_CA_FILE as it printed them (start it with -ca-out FILE)"), false
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, inv.usageError("reading TANGOTEST_CA_FILE: %v", err), false
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, inv.usageError("TANGOTEST_CA_FILE %s holds no PEM certificate", caFile), false
	}
	env := tango.Environment{Name: "tangotest", APIBaseURL: base, TokenURL: inv.getenv("TANGOTEST_TOKEN_URL")}
	// A fake enforces no rate limit unless started with -order-tps (and then the
	// SDK retries its 429s): pacing is off, unless --rate asks for it.
	fakeOpts := []tango.Option{tango.WithRootCAs(pool), tango.WithRateLimit(tango.Unlimited)}
	c, err := tango.NewClient(env, tango.BasicAuth(name, key), append(fakeOpts, opts...)...)
	if err != nil {
		return nil, inv.usageError("%v", err), false
	}
	fmt.Fprintf(inv.stderr, "tango: using the tangotest fake at %s (TANGOTEST_* variables); nothing reaches Tango, and the fake keeps its state only while it runs\n", u.Host)
	return &session{
		client:   c,
		customer: firstOf(inv.getenv("TANGO_CUSTOMER"), inv.getenv("TANGOTEST_CUSTOMER")),
		account:  firstOf(inv.getenv("TANGO_ACCOUNT"), inv.getenv("TANGOTEST_ACCOUNT")),
		close:    func() { _ = c.Close() },
	}, 0, true
}
