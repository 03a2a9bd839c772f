package tango

// Diagnose walks the checklist of Tango's integration guide for a failing
// connection (reach, TLS, token, credentials, environment, clock, and the
// X-Forwarded-For trap of proxies and API gateways) and reports each step. The
// report, the check names and verdicts and the options are the vocabulary of
// package doctor; the engine stays here because the checks read the client's
// internals (pinned transport, roots, proxy, token cache). The checks live in
// diagnose_checks_*.go; this file holds the entry point and the order in which
// they run.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/tango-sdk/tango-go/doctor"
)

// Diagnose checks the connection to Tango step by step and reports each step as
// pass, warn, fail or skip, with a one-line explanation and the fix: DNS and TCP
// reach, TLS (version, chain, pinned root, expiry), the OAuth token, an
// authenticated read (GET /accounts) and what a 401 or 403 means, whether the
// credentials fit the environment, clock skew against the server's Date header,
// webhook subscriptions close to expiry and, with [doctor.BehindProxy], the
// X-Forwarded-For confirmation. Checks that depend on a failed one are skipped.
//
// Every request goes through the client's pinned transport; nothing is written at
// Tango. A failing check is not an error: the error is non-nil only for an invalid
// option, or when ctx ended before the checks did (the partial Diagnosis is
// returned with it).
func (c *Client) Diagnose(ctx context.Context, opts ...doctor.Option) (*doctor.Diagnosis, error) {
	var cfg doctor.Config
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("tango: Diagnose: nil doctor.Option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	dr := newCheckup(c, cfg)
	dr.run(ctx)
	if err := ctx.Err(); err != nil {
		return dr.d, fmt.Errorf("tango: Diagnose: %w", err)
	}
	return dr.d, nil
}

// checkup carries one diagnosis: the report and what later checks need from
// earlier ones.
type checkup struct {
	c    *Client
	cfg  doctor.Config
	d    *doctor.Diagnosis
	host string // the API host

	endpoints []*endpoint // the API host first, then the token host if it differs
	probe     *probeResult
	tokenErr  error
	readErr   error
	readRan   bool
}

func newCheckup(c *Client, cfg doctor.Config) *checkup {
	d := &doctor.Diagnosis{
		Environment: c.env.Name,
		APIBaseURL:  c.baseURL,
		Auth:        authKind(c.auth),
		Started:     c.clock.Now(),
	}
	if _, ok := c.auth.(*oauth2Authenticator); ok {
		d.TokenURL = c.env.TokenURL
	}
	dr := &checkup{c: c, cfg: cfg, d: d}
	if u, err := url.Parse(c.baseURL); err == nil {
		dr.host = u.Hostname()
	}
	return dr
}

// run performs the checks in order. A check whose prerequisites failed is skipped
// with the reason; once ctx ends, every remaining check is skipped.
func (dr *checkup) run(ctx context.Context) {
	steps := []struct {
		name doctor.CheckName
		run  func(context.Context) doctor.Check
	}{
		{doctor.CheckDNS, dr.checkDNS},
		{doctor.CheckTCP, dr.checkTCP},
		{doctor.CheckTLS, dr.checkTLS},
		{doctor.CheckClock, dr.checkClock},
		{doctor.CheckToken, dr.checkToken},
		{doctor.CheckRead, dr.checkRead},
		{doctor.CheckEnvironment, dr.checkEnvironment},
		{doctor.CheckProxy, dr.checkProxy},
		{doctor.CheckWebhooks, dr.checkWebhooks},
	}
	for _, s := range steps {
		var ch doctor.Check
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
func (dr *checkup) status(name doctor.CheckName) doctor.Status {
	if ch, ok := dr.d.Lookup(name); ok {
		return ch.Status
	}
	return ""
}

// reachable reports whether the API host passed DNS, TCP and TLS, and if not,
// why a check that needs it is skipped.
func (dr *checkup) reachable() (bool, string) {
	api := dr.endpointsList()[0]
	switch {
	case !api.resolved:
		return false, "not run: the API host did not resolve (see dns)"
	case !api.connected:
		return false, "not run: no TCP connection to the API host (see tcp)"
	case dr.status(doctor.CheckTLS) == doctor.Failed:
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
func passed(summary string, details ...string) doctor.Check {
	return doctor.Check{Status: doctor.Passed, Summary: summary, Details: details}
}

func warned(summary, fix string, details ...string) doctor.Check {
	return doctor.Check{Status: doctor.Warning, Summary: summary, Fix: fix, Details: details}
}

func failed(summary, fix string, details ...string) doctor.Check {
	return doctor.Check{Status: doctor.Failed, Summary: summary, Fix: fix, Details: details}
}

func skipped(name doctor.CheckName, why string) doctor.Check {
	return doctor.Check{Name: name, Status: doctor.Skipped, Summary: why}
}

// oneLine folds whitespace (newlines from wrapped errors included) into single
// spaces, so every line of the report stays one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
