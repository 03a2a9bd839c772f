package tango_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/doctor"
	"github.com/tango-sdk/tango-go/tangotest"
)

// diagFake starts a tangotest server for a diagnosis test and closes it at the end.
func diagFake(t *testing.T, opts ...tangotest.Option) *tangotest.Server {
	t.Helper()
	srv := tangotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// diagClient builds a client on env that trusts the fake (unless opts replace the
// roots) and closes it at the end of the test.
func diagClient(t *testing.T, env tango.Environment, auth tango.Auth, opts ...tango.Option) *tango.Client {
	t.Helper()
	c, err := tango.NewClient(env, auth, append([]tango.Option{tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1})}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// diagnose runs Diagnose with a deadline and fails the test on an error.
func diagnose(t *testing.T, c *tango.Client, opts ...doctor.Option) *doctor.Diagnosis {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := c.Diagnose(ctx, opts...)
	require.NoError(t, err)
	require.NotNil(t, d)
	return d
}

// statuses maps each check to its verdict.
func statuses(d *doctor.Diagnosis) map[doctor.CheckName]doctor.Status {
	m := map[doctor.CheckName]doctor.Status{}
	for _, ch := range d.Checks {
		m[ch.Name] = ch.Status
	}
	return m
}

// check returns one check of d, failing the test if it is missing.
func check(t *testing.T, d *doctor.Diagnosis, name doctor.CheckName) doctor.Check {
	t.Helper()
	ch, ok := d.Lookup(name)
	require.True(t, ok, "no %s check in\n%s", name, d)
	return ch
}

const (
	pass = doctor.Passed
	warn = doctor.Warning
	fail = doctor.Failed
	skip = doctor.Skipped
)

func TestDiagnoseHealthyBasicAuth(t *testing.T) {
	srv := diagFake(t)
	c := diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	d := diagnose(t, c)

	assert.Equal(t, map[doctor.CheckName]doctor.Status{
		doctor.CheckDNS: pass, doctor.CheckTCP: pass, doctor.CheckTLS: pass, doctor.CheckClock: pass,
		doctor.CheckToken: skip, doctor.CheckRead: pass, doctor.CheckEnvironment: pass, doctor.CheckProxy: skip,
		doctor.CheckWebhooks: pass,
	}, statuses(d), "%s", d)
	assert.True(t, d.OK())
	assert.Equal(t, "BasicAuth", d.Auth)
	assert.Equal(t, "tangotest", d.Environment)
	assert.Empty(t, d.TokenURL)

	// The order of the checks is the documented one.
	var names []doctor.CheckName
	for _, ch := range d.Checks {
		names = append(names, ch.Name)
	}
	assert.Equal(t, []doctor.CheckName{doctor.CheckDNS, doctor.CheckTCP, doctor.CheckTLS, doctor.CheckClock,
		doctor.CheckToken, doctor.CheckRead, doctor.CheckEnvironment, doctor.CheckProxy, doctor.CheckWebhooks}, names)

	require.NotNil(t, d.TLS)
	assert.True(t, d.TLS.Verified)
	assert.False(t, d.TLS.AmazonRoot, "the fake's CA is not an Amazon root")
	assert.Contains(t, d.TLS.Root, "tangotest CA")
	require.Len(t, d.TLS.Chain, 2)
	assert.Contains(t, d.TLS.Chain[0].Subject, "tangotest server")
	assert.InDelta(t, 365, d.TLS.Chain[0].DaysLeft, 1)
	assert.Len(t, d.TLS.Chain[0].SHA256, 64)
	assert.Regexp(t, `^TLS 1\.[23]$`, d.TLS.Version)

	require.NotNil(t, d.ClockSkewSeconds)
	assert.InDelta(t, 0, *d.ClockSkewSeconds, 2)
	assert.Contains(t, check(t, d, doctor.CheckRead).Summary, "listing accounts (GET /accounts, one row) succeeded")
	assert.Contains(t, check(t, d, doctor.CheckRead).Summary, "1 account(s) on the first page")
	assert.Contains(t, check(t, d, doctor.CheckEnvironment).Summary, "a server on this machine")

	// The doctor's read carried no X-Forwarded-For and only GETs were sent.
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Empty(t, r.Header.Values("X-Forwarded-For"))
	}
}

func TestDiagnoseOAuth2Token(t *testing.T) {
	srv := diagFake(t)
	c := diagClient(t, srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithRootCAs(srv.RootCAs()))

	d := diagnose(t, c)
	assert.True(t, d.OK(), "%s", d)
	tok := check(t, d, doctor.CheckToken)
	assert.Equal(t, pass, tok.Status)
	assert.Contains(t, tok.Summary, "fetched from the token endpoint")
	assert.Contains(t, tok.Summary, "lifetime 24h0m0s")
	require.NotNil(t, d.Token)
	assert.Equal(t, "endpoint", d.Token.Source)
	assert.Equal(t, int64(86400), d.Token.LifetimeSeconds)
	assert.InDelta(t, 86400, d.Token.RemainingSeconds, 5)
	assert.Equal(t, "OAuth2", d.Auth)
	assert.Equal(t, srv.Environment().TokenURL, d.TokenURL)

	// A second diagnosis reports the cached token and spends no token quota.
	d = diagnose(t, c)
	assert.Equal(t, "cache", d.Token.Source)
	assert.Contains(t, check(t, d, doctor.CheckToken).Summary, "already holds a token")
	assert.Equal(t, 1, srv.TokensIssued())
}

func TestDiagnoseOAuth2TokenFromStore(t *testing.T) {
	srv := diagFake(t)
	store := tango.NewMemoryTokenStore()
	auth := tango.OAuth2(srv.ClientID(), srv.ClientSecret(), tango.WithTokenStore(store))
	first := diagClient(t, srv.Environment(), auth, tango.WithRootCAs(srv.RootCAs()))
	require.Equal(t, "endpoint", diagnose(t, first).Token.Source)

	second := diagClient(t, srv.Environment(), auth, tango.WithRootCAs(srv.RootCAs()))
	d := diagnose(t, second)
	assert.Equal(t, "store", d.Token.Source, "%s", d)
	assert.Equal(t, 1, srv.TokensIssued())
}

// closedLoopbackPort returns a loopback address nothing listens on.
func closedLoopbackPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// originTransport adds an Origin header to every request, as a browser-facing
// proxy might: Tango takes such calls for browser calls (403.001).
type originTransport struct{ base http.RoundTripper }

func (o originTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Origin", "https://shop.example")
	return o.base.RoundTrip(r)
}

func TestDiagnoseChecksBothWays(t *testing.T) {
	type want map[doctor.CheckName]doctor.Status
	tests := []struct {
		name string
		// build returns the client to diagnose.
		build func(t *testing.T) *tango.Client
		opts  []doctor.Option
		want  want
		// say maps a check to text its summary (or fix) must contain.
		say map[doctor.CheckName]string
	}{
		{
			name: "dns fails for a host that cannot resolve",
			build: func(t *testing.T) *tango.Client {
				env := tango.Environment{Name: "nowhere", APIBaseURL: "https://" + strings.Repeat("x", 64) + ".invalid/raas/v2"}
				return diagClient(t, env, tango.BasicAuth("platform", "sk-PLANTED-dns"))
			},
			want: want{doctor.CheckDNS: fail, doctor.CheckTCP: skip, doctor.CheckTLS: skip, doctor.CheckClock: skip,
				doctor.CheckToken: skip, doctor.CheckRead: skip, doctor.CheckEnvironment: skip, doctor.CheckProxy: skip},
			say: map[doctor.CheckName]string{doctor.CheckDNS: "does not resolve"},
		},
		{
			name: "tcp fails when nothing listens",
			build: func(t *testing.T) *tango.Client {
				env := tango.Environment{Name: "closed", APIBaseURL: "https://" + closedLoopbackPort(t) + "/raas/v2"}
				return diagClient(t, env, tango.BasicAuth("platform", "sk-PLANTED-tcp"))
			},
			opts: []doctor.Option{doctor.BehindProxy()},
			want: want{doctor.CheckDNS: pass, doctor.CheckTCP: fail, doctor.CheckTLS: skip, doctor.CheckClock: skip,
				doctor.CheckRead: skip, doctor.CheckEnvironment: skip, doctor.CheckProxy: skip},
			say: map[doctor.CheckName]string{doctor.CheckTCP: "cannot connect", doctor.CheckDNS: "is an IP address"},
		},
		{
			name: "tls fails when the chain does not end in a pinned root",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				return diagClient(t, srv.Environment(), srv.BasicAuth()) // the embedded Amazon roots only
			},
			want: want{doctor.CheckTCP: pass, doctor.CheckTLS: fail, doctor.CheckRead: skip, doctor.CheckEnvironment: skip},
			say:  map[doctor.CheckName]string{doctor.CheckTLS: `ends in "CN=tangotest CA`},
		},
		{
			name: "tls fails on an expired certificate",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t, tangotest.WithCertificateExpiresIn(-time.Hour))
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckTLS: fail, doctor.CheckRead: skip},
			say:  map[doctor.CheckName]string{doctor.CheckTLS: "has expired"},
		},
		{
			name: "tls warns about a certificate close to expiry",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t, tangotest.WithCertificateExpiresIn(10*24*time.Hour+time.Hour))
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckTLS: warn, doctor.CheckRead: pass},
			say:  map[doctor.CheckName]string{doctor.CheckTLS: "expires in 10 days"},
		},
		{
			name: "tls through middleware is still verified against the pinned roots",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				mw := func(next http.RoundTripper) http.RoundTripper { return originTransport{base: next} }
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithTransportMiddleware(mw))
			},
			want: want{doctor.CheckTLS: fail},
			say:  map[doctor.CheckName]string{doctor.CheckTLS: "not among the client's pinned roots"},
		},
		{
			name: "clock warns about minutes of skew",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t, tangotest.WithClockSkew(3*time.Minute))
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckClock: warn, doctor.CheckRead: pass},
			say:  map[doctor.CheckName]string{doctor.CheckClock: "3m0s ahead of"},
		},
		{
			name: "clock fails on hours of skew",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t, tangotest.WithClockSkew(-2*time.Hour))
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckClock: fail},
			say:  map[doctor.CheckName]string{doctor.CheckClock: "2h0m0s behind"},
		},
		{
			name: "token fails on a wrong client secret, and so does the environment",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				return diagClient(t, srv.Environment(), tango.OAuth2(srv.ClientID(), "sk-PLANTED-wrong-secret"), tango.WithRootCAs(srv.RootCAs()))
			},
			opts: []doctor.Option{doctor.BehindProxy()},
			want: want{doctor.CheckTLS: pass, doctor.CheckToken: fail, doctor.CheckRead: skip, doctor.CheckEnvironment: fail, doctor.CheckProxy: skip},
			say: map[doctor.CheckName]string{doctor.CheckToken: "refused the client credentials",
				doctor.CheckEnvironment: "Sandbox and production are separate"},
		},
		{
			name: "token fails on the quota",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Action: tangotest.TokenQuotaExceeded()})
				return diagClient(t, srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckToken: fail, doctor.CheckRead: skip, doctor.CheckEnvironment: skip},
			say:  map[doctor.CheckName]string{doctor.CheckToken: "quota exceeded"},
		},
		{
			name: "read fails on a wrong platform key: a 401, which the environment explains",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				return diagClient(t, srv.Environment(), tango.BasicAuth(srv.PlatformName(), "sk-PLANTED-other-env-key"), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckRead: fail, doctor.CheckEnvironment: fail},
			say: map[doctor.CheckName]string{doctor.CheckRead: "answered 401 (401.501)",
				doctor.CheckEnvironment: "refused the credentials (401)"},
		},
		{
			name: "read fails on the load balancer's 403",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/accounts", Action: tangotest.GatewayForbidden()})
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckRead: fail, doctor.CheckEnvironment: warn},
			say:  map[doctor.CheckName]string{doctor.CheckRead: "403 from the load balancer (Server: awselb/2.0)"},
		},
		{
			name: "read fails on 403.001 when something adds browser headers",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				mw := func(next http.RoundTripper) http.RoundTripper { return originTransport{base: next} }
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithTransportMiddleware(mw), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckTLS: pass, doctor.CheckRead: fail, doctor.CheckEnvironment: skip},
			say:  map[doctor.CheckName]string{doctor.CheckRead: "browser-originated"},
		},
		{
			name: "read fails on a 503",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/accounts", Action: tangotest.Status(http.StatusServiceUnavailable)})
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
			},
			want: want{doctor.CheckRead: fail, doctor.CheckEnvironment: skip},
			say:  map[doctor.CheckName]string{doctor.CheckRead: "503 (503.501)"},
		},
		{
			name: "environment fails when the token endpoint belongs to another environment",
			build: func(t *testing.T) *tango.Client {
				api := diagFake(t)
				auth := diagFake(t, tangotest.WithCredentials("", "", api.ClientID(), api.ClientSecret()))
				pool := x509.NewCertPool()
				require.True(t, pool.AppendCertsFromPEM(api.CACertPEM()))
				require.True(t, pool.AppendCertsFromPEM(auth.CACertPEM()))
				env := tango.Environment{Name: "mixed", APIBaseURL: api.Environment().APIBaseURL, TokenURL: auth.Environment().TokenURL}
				return diagClient(t, env, tango.OAuth2(api.ClientID(), api.ClientSecret()), tango.WithRootCAs(pool))
			},
			want: want{doctor.CheckDNS: pass, doctor.CheckTCP: pass, doctor.CheckToken: pass, doctor.CheckRead: fail, doctor.CheckEnvironment: fail},
			say: map[doctor.CheckName]string{doctor.CheckRead: "even a freshly fetched one",
				doctor.CheckEnvironment: "refused a token issued by"},
		},
		{
			name: "an unreachable token host skips what needs a token",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				env := srv.Environment()
				env.TokenURL = "https://" + closedLoopbackPort(t) + "/oauth/token"
				return diagClient(t, env, tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithRootCAs(srv.RootCAs()))
			},
			opts: []doctor.Option{doctor.BehindProxy()},
			want: want{doctor.CheckDNS: pass, doctor.CheckTCP: fail, doctor.CheckTLS: pass, doctor.CheckToken: skip,
				doctor.CheckRead: skip, doctor.CheckEnvironment: skip, doctor.CheckProxy: skip},
			say: map[doctor.CheckName]string{doctor.CheckTCP: "token endpoint host", doctor.CheckToken: "unreachable"},
		},
		{
			name: "proxy passes: 403 for ip:port, 200 for the bare ip",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				return diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
			},
			opts: []doctor.Option{doctor.BehindProxy()},
			want: want{doctor.CheckRead: pass, doctor.CheckProxy: pass},
			say:  map[doctor.CheckName]string{doctor.CheckProxy: "403 then 200"},
		},
		{
			name: "proxy fails: a gateway appends ip:port to every call",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t, tangotest.WithForwardingGateway())
				return diagClient(t, srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithRootCAs(srv.RootCAs()))
			},
			opts: []doctor.Option{doctor.BehindProxy()},
			want: want{doctor.CheckToken: pass, doctor.CheckRead: fail, doctor.CheckEnvironment: warn, doctor.CheckProxy: fail},
			say: map[doctor.CheckName]string{doctor.CheckProxy: "403 for both",
				doctor.CheckRead: "--behind-proxy"},
		},
		{
			name: "proxy is inconclusive when the credentials are refused",
			build: func(t *testing.T) *tango.Client {
				srv := diagFake(t)
				return diagClient(t, srv.Environment(), tango.BasicAuth(srv.PlatformName(), "sk-PLANTED-wrong"), tango.WithRootCAs(srv.RootCAs()))
			},
			opts: []doctor.Option{doctor.BehindProxy()},
			want: want{doctor.CheckRead: fail, doctor.CheckProxy: warn},
			say:  map[doctor.CheckName]string{doctor.CheckProxy: "inconclusive"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.build(t)
			d := diagnose(t, c, tc.opts...)
			got := statuses(d)
			for name, st := range tc.want {
				assert.Equal(t, st, got[name], "check %s in\n%s", name, d)
			}
			for name, text := range tc.say {
				ch := check(t, d, name)
				assert.Contains(t, ch.Summary+" "+ch.Fix, text, "check %s in\n%s", name, d)
			}
			assert.Equal(t, !containsStatus(got, fail), d.OK())
			for _, ch := range d.Checks {
				if ch.Status == warn || ch.Status == fail {
					assert.NotEmpty(t, ch.Fix, "check %s has no fix", ch.Name)
				}
				assert.NotContains(t, ch.Summary, "\n")
			}
		})
	}
}

func containsStatus(m map[doctor.CheckName]doctor.Status, s doctor.Status) bool {
	for _, v := range m {
		if v == s {
			return true
		}
	}
	return false
}

func TestDiagnoseProxyProbeBypassesNormalisation(t *testing.T) {
	srv := diagFake(t)
	// The client normalises an X-Forwarded-For given to WithHeader; the probes
	// must not, and must not send the configured one either.
	c := diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()),
		tango.WithHeader("X-Forwarded-For", "198.51.100.7:8443"))
	d := diagnose(t, c, doctor.BehindProxy())
	require.Equal(t, pass, check(t, d, doctor.CheckProxy).Status, "%s", d)

	var seen []string
	for _, r := range srv.Requests() {
		if r.Path == tangotest.APIPrefix+"/accounts" {
			seen = append(seen, strings.Join(r.Header.Values("X-Forwarded-For"), "|"))
		}
	}
	assert.Equal(t, []string{"198.51.100.7", "203.0.113.10:41000", "203.0.113.10"}, seen)
	details := strings.Join(check(t, d, doctor.CheckProxy).Details, "\n")
	assert.Contains(t, details, "203.0.113.10:41000 -> 403 from the load balancer")
	assert.Contains(t, details, "203.0.113.10 -> 200")
}

func TestDiagnoseNeverShowsSecrets(t *testing.T) {
	srv := diagFake(t, tangotest.WithCredentials("", "sk-PLANTED-platform-key-0001", "client-id-1", "sk-PLANTED-client-secret-0002"))
	basic := diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	oauth := diagClient(t, srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithRootCAs(srv.RootCAs()))
	wrong := diagClient(t, srv.Environment(), tango.OAuth2(srv.ClientID(), "sk-PLANTED-wrong-secret-0003"), tango.WithRootCAs(srv.RootCAs()))
	gateway := diagFake(t, tangotest.WithForwardingGateway(), tangotest.WithCredentials("", "sk-PLANTED-platform-key-0004", "", ""))
	behind := diagClient(t, gateway.Environment(), gateway.BasicAuth(), tango.WithRootCAs(gateway.RootCAs()))

	var outputs []string
	for _, c := range []*tango.Client{basic, oauth, wrong, behind} {
		d := diagnose(t, c, doctor.BehindProxy())
		js, err := json.Marshal(d)
		require.NoError(t, err)
		outputs = append(outputs, d.String(), string(js), fmt.Sprintf("%v %+v %#v", d, d, d))
	}
	secrets := []string{"sk-PLANTED-platform-key-0001", "sk-PLANTED-client-secret-0002", "sk-PLANTED-wrong-secret-0003", "sk-PLANTED-platform-key-0004"}
	// Every access token the fake issued, as the doctor's requests carried them.
	for _, r := range srv.Requests() {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			secrets = append(secrets, tok)
		}
	}
	require.Greater(t, len(secrets), 4, "the OAuth diagnosis should have used a token")
	for _, out := range outputs {
		for _, s := range secrets {
			assert.NotContains(t, out, s)
		}
		assert.NotContains(t, out, "Basic ")
	}
}

func TestDiagnosisRendersTextAndJSON(t *testing.T) {
	srv := diagFake(t, tangotest.WithClockSkew(5*time.Minute))
	c := diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	d := diagnose(t, c)

	text := d.String()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "Tango connection diagnosis: environment tangotest, API https://127.0.0.1:"), lines[0])
	assert.Regexp(t, `^\[PASS\] +dns +`, lines[1])
	assert.Contains(t, text, "[WARN] clock")
	assert.Contains(t, text, "fix: Enable time synchronisation")
	assert.Regexp(t, `Result: 6 passed, 1 warnings, 0 failed, 2 skipped$`, lines[len(lines)-1])

	js, err := json.Marshal(d)
	require.NoError(t, err)
	var back struct {
		Environment      string `json:"environment"`
		ClockSkewSeconds int64  `json:"clockSkewSeconds"`
		Checks           []struct {
			Name, Status, Summary, Fix string
		} `json:"checks"`
		TLS struct {
			Chain []struct {
				DaysLeft int `json:"daysLeft"`
			} `json:"chain"`
		} `json:"tls"`
	}
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, "tangotest", back.Environment)
	assert.InDelta(t, 300, back.ClockSkewSeconds, 2)
	require.Len(t, back.Checks, 9)
	assert.Equal(t, "clock", back.Checks[3].Name)
	assert.Equal(t, "warn", back.Checks[3].Status)
	assert.NotEmpty(t, back.Checks[3].Fix)
	assert.Len(t, back.TLS.Chain, 2)
	assert.Equal(t, 1, d.Count(warn))
}

func TestDiagnoseContextAndOptions(t *testing.T) {
	srv := diagFake(t)
	c := diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))

	_, err := c.Diagnose(context.Background(), nil)
	require.Error(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, err := c.Diagnose(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, d)
	require.Len(t, d.Checks, 9)
	for _, ch := range d.Checks {
		assert.Equal(t, skip, ch.Status)
		assert.Contains(t, ch.Summary, "context ended")
	}
	assert.Zero(t, srv.RequestCount(http.MethodGet, tangotest.APIPrefix+"/accounts"))
}

// FuzzDiagnoseServerAnswer feeds Diagnose arbitrary answers from the API host
// (status, Server and Date headers, body) and checks that the report stays
// well-formed: every check present once, one line each, a fix for every warning
// and failure, valid JSON, and never the planted key.
func FuzzDiagnoseServerAnswer(f *testing.F) {
	f.Add(200, "", "", `[]`)
	f.Add(401, "", "", `{"httpCode":401,"i18nKey":"401.501","message":"Authentication failed"}`)
	f.Add(403, "awselb/2.0", "", "<html><body>403 Forbidden</body></html>")
	f.Add(403, "", "", `{"i18nKey":"403.001","message":"Authorization Error"}`)
	f.Add(404, "", "Mon, 02 Jan 2006 15:04:05 GMT", `{"i18nKey":"404.001"}`)
	f.Add(429, "", "not a date", `{"i18nKey":"429.001"}`)
	f.Add(503, "nginx", "", "upstream\nfailed\r\n")
	f.Add(200, "", "", `{"items":[{"accountIdentifier":"a"}],"nextCursor":"x"}`)
	f.Add(302, "", "", "")
	f.Add(400, "", "", `{"errors":[{"path":"x","i18nKey":"422.007","message":"line one\nline two"}]}`)

	type answer struct {
		status             int
		server, date, body string
	}
	var (
		mu  sync.Mutex
		cur answer
	)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		a := cur
		mu.Unlock()
		if a.server != "" {
			w.Header().Set("Server", a.server)
		}
		if a.date != "" {
			w.Header().Set("Date", a.date)
		}
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the tcp check's bare connection is no error
	ts.StartTLS()
	f.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	env := tango.Environment{Name: "fuzz", APIBaseURL: ts.URL + "/raas/v2"}
	c, err := tango.NewClient(env, tango.BasicAuth("platform", "sk-PLANTED-fuzz-key"), tango.WithRootCAs(pool),
		tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1, DisableBudget: true}))
	require.NoError(f, err)
	f.Cleanup(func() { _ = c.Close() })

	f.Fuzz(func(t *testing.T, status int, server, date, body string) {
		if status < 200 || status > 599 || strings.ContainsAny(server+date, "\r\n\x00") {
			return
		}
		mu.Lock()
		cur = answer{status, server, date, body}
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d, err := c.Diagnose(ctx, doctor.BehindProxy())
		require.NoError(t, err)
		require.Len(t, d.Checks, 9)
		for _, ch := range d.Checks {
			for _, s := range append([]string{ch.Summary, ch.Fix}, ch.Details...) {
				require.NotContains(t, s, "\n")
			}
			if ch.Status == doctor.Warning || ch.Status == doctor.Failed {
				require.NotEmpty(t, ch.Fix, "%s", ch.Name)
			}
		}
		js, err := json.Marshal(d)
		require.NoError(t, err)
		require.True(t, json.Valid(js))
		require.NotContains(t, d.String()+string(js), "sk-PLANTED")
	})
}

// TestDoctorSeesTheProxyThroughMiddleware: the doctor reads the proxy from the
// pinned transport, middleware or not.
func TestDoctorSeesTheProxyThroughMiddleware(t *testing.T) {
	proxy, _ := url.Parse("http://127.0.0.1:3128")
	env := tango.Environment{Name: "corp", APIBaseURL: "https://api.tango.invalid/raas/v2"}
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	mw := func(next http.RoundTripper) http.RoundTripper { return rtFunc(next.RoundTrip) }
	c, err := tango.NewClient(env, tango.BasicAuth(testPlatform, testAPIKey), tango.WithHTTPClient(hc), tango.WithTransportMiddleware(mw))
	require.NoError(t, err)
	defer c.Close()
	d, err := c.Diagnose(t.Context())
	require.NoError(t, err)
	dns, ok := d.Lookup(doctor.CheckDNS)
	require.True(t, ok)
	assert.NotEqual(t, doctor.Failed, dns.Status, "%s", dns.Summary)
	assert.Contains(t, dns.Summary+strings.Join(dns.Details, " "), "127.0.0.1:3128")
}
