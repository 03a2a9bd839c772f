package tango

// Diagnose walks the checklist of Tango's integration guide for a failing
// connection (reach, TLS, token, credentials, environment, clock, and the
// X-Forwarded-For trap of proxies and API gateways) and reports each step. The
// checks live in diagnose_checks_*.go; this file holds the report and the order
// in which they run.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// CheckName names one check of a Diagnosis.
type CheckName string

// The checks Diagnose runs, in the order it runs them.
const (
	// CheckDNS resolves the API host (and the token host, for OAuth2).
	CheckDNS CheckName = "dns"
	// CheckTCP opens a TCP connection to each host (or to the HTTPS proxy).
	CheckTCP CheckName = "tcp"
	// CheckTLS inspects the API host's TLS: protocol version, the certificate
	// chain, the pinned root it ends in, days until each certificate expires.
	CheckTLS CheckName = "tls"
	// CheckClock compares this machine's clock with the server's Date header.
	CheckClock CheckName = "clock"
	// CheckToken obtains an OAuth 2.0 token (or reports the cached one): its
	// lifetime and time left, never the token itself. Skipped for HTTP Basic.
	CheckToken CheckName = "token"
	// CheckRead makes a cheap authenticated read (GET /accounts) and explains a
	// 401 or 403.
	CheckRead CheckName = "read"
	// CheckEnvironment tells whether the credentials belong to the environment
	// the client talks to (sandbox credentials against production, and the
	// reverse, look like 401s).
	CheckEnvironment CheckName = "environment"
	// CheckProxy sends the X-Forwarded-For test pair (ip:port, then ip alone),
	// only when asked with DiagnoseBehindProxy.
	CheckProxy CheckName = "proxy"
	// CheckWebhooks lists the webhook subscriptions and warns about those that
	// expire within WebhookExpiryWarning (14 days) or have expired.
	CheckWebhooks CheckName = "webhooks"
)

// CheckStatus is the verdict of one check.
type CheckStatus string

// Verdicts, from best to worst; a skipped check did not apply or could not run.
const (
	CheckPassed  CheckStatus = "pass"
	CheckSkipped CheckStatus = "skip"
	CheckWarning CheckStatus = "warn"
	CheckFailed  CheckStatus = "fail"
)

// Check is the outcome of one step of a Diagnosis.
type Check struct {
	// Name says which check this is.
	Name CheckName `json:"name"`
	// Status is pass, warn, fail or skip.
	Status CheckStatus `json:"status"`
	// Summary explains the outcome in one line.
	Summary string `json:"summary"`
	// Fix says what to do about a warning or a failure.
	Fix string `json:"fix,omitempty"`
	// Details lists supporting facts (addresses, certificates, request ids).
	Details []string `json:"details,omitempty"`
}

// Diagnosis is the report of Client.Diagnose: the checks in the order they ran,
// plus the facts scripts may want as values. It prints as text (String) and
// marshals as JSON. It never holds a secret: no key, client secret or token, and
// no recipient data.
type Diagnosis struct {
	// Environment names the environment ("sandbox", "production", ...).
	Environment string `json:"environment"`
	// APIBaseURL and TokenURL are where the client sends its calls.
	APIBaseURL string `json:"apiBaseURL"`
	TokenURL   string `json:"tokenURL,omitempty"`
	// Auth names the kind of credentials ("BasicAuth", "OAuth2", ...), not them.
	Auth string `json:"auth"`
	// Started is when the diagnosis began; ElapsedMillis how long it took.
	Started       time.Time `json:"started"`
	ElapsedMillis int64     `json:"elapsedMillis"`
	// Checks lists every check, in the order they ran.
	Checks []Check `json:"checks"`
	// TLS describes the API host's TLS session, when one was made.
	TLS *TLSReport `json:"tls,omitempty"`
	// Token describes the OAuth 2.0 token, when one was obtained.
	Token *TokenReport `json:"token,omitempty"`
	// ClockSkewSeconds is the server's clock minus this machine's, when measured.
	ClockSkewSeconds *int64 `json:"clockSkewSeconds,omitempty"`
}

// TLSReport describes the TLS session with the API host.
type TLSReport struct {
	// Version is the protocol version ("TLS 1.3").
	Version string `json:"version"`
	// Verified is true when the chain verified against the client's roots.
	Verified bool `json:"verified"`
	// Chain lists the certificates from the server's own to the root it ends in
	// (for a refused chain: what the server sent).
	Chain []CertificateReport `json:"chain"`
	// Root names the root the chain ends in; empty when it did not verify.
	Root string `json:"root,omitempty"`
	// AmazonRoot is true when that root is one of the Amazon roots embedded in
	// this package (false for WithRootCAs pools, such as a fake's or a proxy's).
	AmazonRoot bool `json:"amazonRoot"`
}

// CertificateReport describes one certificate of a chain.
type CertificateReport struct {
	// Subject and Issuer are the certificate's names.
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
	// NotAfter is when it expires; DaysLeft how many whole days remain (negative
	// once expired).
	NotAfter time.Time `json:"notAfter"`
	DaysLeft int       `json:"daysLeft"`
	// SHA256 is the fingerprint of the DER certificate, in hex.
	SHA256 string `json:"sha256"`
}

// TokenReport describes the OAuth 2.0 token the client holds, never the token.
type TokenReport struct {
	// Source says where it came from: "endpoint" (fetched during the diagnosis),
	// "cache" (held since an earlier call) or "store" (the TokenStore).
	Source string `json:"source"`
	// LifetimeSeconds is the token's full lifetime; RemainingSeconds what is
	// left of it.
	LifetimeSeconds  int64 `json:"lifetimeSeconds"`
	RemainingSeconds int64 `json:"remainingSeconds"`
	// Expiry is when it expires, by this machine's clock.
	Expiry time.Time `json:"expiry"`
}

// DiagnoseOption changes what Client.Diagnose does.
type DiagnoseOption func(*diagnoseConfig) error

// diagnoseConfig is what the options set.
type diagnoseConfig struct {
	proxyProbe bool
}

// DiagnoseBehindProxy adds the X-Forwarded-For confirmation, for callers behind a
// proxy or API gateway (Azure API Management, MuleSoft, nginx). Diagnose then sends
// the same harmless read twice more, bypassing the SDK's X-Forwarded-For
// normalisation on purpose: once with X-Forwarded-For "ip:port", which Tango's load
// balancer is expected to refuse with its HTML 403, and once with the bare "ip".
// A 403 followed by a 200 proves the load balancer refuses ported entries; a 403
// for both proves something on the path appends them. It is off by default because
// it deliberately sends a request Tango will refuse.
func DiagnoseBehindProxy() DiagnoseOption {
	return func(c *diagnoseConfig) error {
		c.proxyProbe = true
		return nil
	}
}

// Diagnose checks the connection to Tango step by step and reports each step as
// pass, warn, fail or skip, with a one-line explanation and the fix: DNS and TCP
// reach, TLS (version, chain, pinned root, expiry), the OAuth token, an
// authenticated read (GET /accounts) and what a 401 or 403 means, whether the
// credentials fit the environment, clock skew against the server's Date header and,
// with DiagnoseBehindProxy, the X-Forwarded-For confirmation. Checks that depend on
// a failed one are skipped.
//
// Every request goes through the client's pinned transport; nothing is written at
// Tango. A failing check is not an error: the error is non-nil only for an invalid
// option, or when ctx ended before the checks did (the partial Diagnosis is
// returned with it).
func (c *Client) Diagnose(ctx context.Context, opts ...DiagnoseOption) (*Diagnosis, error) {
	var cfg diagnoseConfig
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("tango: Diagnose: nil DiagnoseOption")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	dr := newDoctor(c, cfg)
	dr.run(ctx)
	if err := ctx.Err(); err != nil {
		return dr.d, fmt.Errorf("tango: Diagnose: %w", err)
	}
	return dr.d, nil
}

// doctor carries one diagnosis: the report and what later checks need from
// earlier ones.
type doctor struct {
	c    *Client
	cfg  diagnoseConfig
	d    *Diagnosis
	host string // the API host

	endpoints []*endpoint // the API host first, then the token host if it differs
	probe     *probeResult
	tokenErr  error
	readErr   error
	readRan   bool
}

func newDoctor(c *Client, cfg diagnoseConfig) *doctor {
	d := &Diagnosis{
		Environment: c.env.Name,
		APIBaseURL:  c.baseURL,
		Auth:        authKind(c.auth),
		Started:     c.clock.Now(),
	}
	if _, ok := c.auth.(*oauth2Authenticator); ok {
		d.TokenURL = c.env.TokenURL
	}
	dr := &doctor{c: c, cfg: cfg, d: d}
	if u, err := url.Parse(c.baseURL); err == nil {
		dr.host = u.Hostname()
	}
	return dr
}

// run performs the checks in order. A check whose prerequisites failed is skipped
// with the reason; once ctx ends, every remaining check is skipped.
func (dr *doctor) run(ctx context.Context) {
	steps := []struct {
		name CheckName
		run  func(context.Context) Check
	}{
		{CheckDNS, dr.checkDNS},
		{CheckTCP, dr.checkTCP},
		{CheckTLS, dr.checkTLS},
		{CheckClock, dr.checkClock},
		{CheckToken, dr.checkToken},
		{CheckRead, dr.checkRead},
		{CheckEnvironment, dr.checkEnvironment},
		{CheckProxy, dr.checkProxy},
		{CheckWebhooks, dr.checkWebhooks},
	}
	for _, s := range steps {
		var ch Check
		if err := ctx.Err(); err != nil {
			ch = skipped(s.name, "not run: the context ended first ("+err.Error()+")")
		} else {
			ch = s.run(ctx)
		}
		ch.Name = s.name
		ch.Summary = oneLine(ch.Summary)
		ch.Fix = oneLine(ch.Fix)
		for i, l := range ch.Details {
			ch.Details[i] = oneLine(l)
		}
		dr.d.Checks = append(dr.d.Checks, ch)
	}
	dr.d.ElapsedMillis = dr.c.clock.Now().Sub(dr.d.Started).Milliseconds()
}

// status returns the verdict of a check that already ran ("" if it did not).
func (dr *doctor) status(name CheckName) CheckStatus {
	if ch, ok := dr.d.Lookup(name); ok {
		return ch.Status
	}
	return ""
}

// reachable reports whether the API host passed DNS, TCP and TLS, and if not,
// why a check that needs it is skipped.
func (dr *doctor) reachable() (bool, string) {
	api := dr.endpointsList()[0]
	switch {
	case !api.resolved:
		return false, "not run: the API host did not resolve (see dns)"
	case !api.connected:
		return false, "not run: no TCP connection to the API host (see tcp)"
	case dr.status(CheckTLS) == CheckFailed:
		return false, "not run: no trusted TLS session with the API host (see tls)"
	}
	return true, ""
}

// authKind names the kind of credentials of an authenticator, never the values.
func authKind(a authenticator) string {
	switch a := a.(type) {
	case *oauth2Authenticator:
		return a.name
	case *basicAuthenticator:
		return "BasicAuth"
	}
	return "custom"
}

// Check constructors.
func passed(summary string, details ...string) Check {
	return Check{Status: CheckPassed, Summary: summary, Details: details}
}

func warned(summary, fix string, details ...string) Check {
	return Check{Status: CheckWarning, Summary: summary, Fix: fix, Details: details}
}

func failed(summary, fix string, details ...string) Check {
	return Check{Status: CheckFailed, Summary: summary, Fix: fix, Details: details}
}

func skipped(name CheckName, why string) Check {
	return Check{Name: name, Status: CheckSkipped, Summary: why}
}

// oneLine folds whitespace (newlines from wrapped errors included) into single
// spaces, so every line of the report stays one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Lookup returns the check with the given name.
func (d *Diagnosis) Lookup(name CheckName) (Check, bool) {
	for _, ch := range d.Checks {
		if ch.Name == name {
			return ch, true
		}
	}
	return Check{}, false
}

// OK reports whether no check failed. Warnings do not count.
func (d *Diagnosis) OK() bool {
	for _, ch := range d.Checks {
		if ch.Status == CheckFailed {
			return false
		}
	}
	return true
}

// Count returns how many checks ended with status s.
func (d *Diagnosis) Count(s CheckStatus) int {
	n := 0
	for _, ch := range d.Checks {
		if ch.Status == s {
			n++
		}
	}
	return n
}

// String renders the report as text for a terminal: a header, one line per check
// with its fix and details indented below, and a tally.
func (d *Diagnosis) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tango connection diagnosis: environment %s, API %s", d.Environment, d.APIBaseURL)
	if d.TokenURL != "" {
		fmt.Fprintf(&b, ", token endpoint %s", d.TokenURL)
	}
	fmt.Fprintf(&b, ", auth %s\n", d.Auth)
	for _, ch := range d.Checks {
		fmt.Fprintf(&b, "%-6s %-12s %s\n", "["+strings.ToUpper(string(ch.Status))+"]", ch.Name, ch.Summary)
		if ch.Fix != "" {
			fmt.Fprintf(&b, "%20s fix: %s\n", "", ch.Fix)
		}
		for _, l := range ch.Details {
			fmt.Fprintf(&b, "%20s - %s\n", "", l)
		}
	}
	fmt.Fprintf(&b, "Result: %d passed, %d warnings, %d failed, %d skipped\n",
		d.Count(CheckPassed), d.Count(CheckWarning), d.Count(CheckFailed), d.Count(CheckSkipped))
	return b.String()
}
