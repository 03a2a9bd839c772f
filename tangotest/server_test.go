package tangotest_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tango-sdk/tango-go/tangotest"
)

func TestEnvironmentAndTLS(t *testing.T) {
	f := setup(t)
	env := f.srv.Environment()
	assert.Equal(t, "tangotest", env.Name)
	assert.Equal(t, f.srv.URL()+"/raas/v2", env.APIBaseURL)
	assert.Equal(t, f.srv.URL()+"/oauth/token", env.TokenURL)
	assert.Regexp(t, `^https://127\.0\.0\.1:\d+$`, f.srv.URL())

	block, _ := pem.Decode(f.srv.CACertPEM())
	require.NotNil(t, block)
	ca, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.True(t, ca.IsCA)

	// A client without the fake's CA refuses the server.
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	defer plain.CloseIdleConnections()
	_, err = plain.Get(f.srv.URL() + "/raas/v2/catalogs")
	var unknown x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknown)

	// Another fake's CA does not vouch for this one.
	other := tangotest.NewServer()
	defer other.Close()
	cross := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: other.RootCAs()}}}
	defer cross.CloseIdleConnections()
	_, err = cross.Get(f.srv.URL() + "/raas/v2/catalogs")
	require.Error(t, err)
	assert.NotNil(t, f.srv.BasicAuth())
}

func TestCloseEndsHeldRequests(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := tangotest.NewServer()
	hc := srv.Client()
	srv.Inject(tangotest.Fault{Path: tangotest.PathCatalogs, Action: tangotest.Latency(20 * time.Second)})

	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+tangotest.PathCatalogs, nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	require.Eventually(t, func() bool { return srv.RequestCount(http.MethodGet, tangotest.PathCatalogs) == 1 }, 2*time.Second, 2*time.Millisecond)

	start := time.Now()
	srv.Close()
	assert.Less(t, time.Since(start), 2*time.Second, "Close must not wait for the 20 s latency")
	assert.Error(t, <-errc, "the held request gets no answer")
	srv.Close() // idempotent
	hc.CloseIdleConnections()

	_, err := hc.Get(srv.URL() + tangotest.PathCatalogs)
	assert.Error(t, err, "a closed server accepts nothing")
	hc.CloseIdleConnections()
}

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "[::]:0", "example.com:0", "nonsense"} {
		_, err := tangotest.Start(addr)
		assert.Error(t, err, addr)
	}
	s, err := tangotest.Start("localhost:0")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(s.URL(), "https://127.0.0.1:"))
	s.Close()
	if s6, err := tangotest.Start("[::1]:0"); err == nil { // hosts without IPv6 skip this
		assert.True(t, strings.HasPrefix(s6.URL(), "https://[::1]:"))
		hc := s6.Client()
		resp, err := hc.Get(s6.URL() + tangotest.PathCatalogs)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		hc.CloseIdleConnections()
		s6.Close()
	}
	assert.Panics(t, func() { tangotest.NewServer(tangotest.WithTokenLifetime(0)) })
}

func TestOptionsValidate(t *testing.T) {
	for name, opt := range map[string]tangotest.Option{
		"lifetime":        tangotest.WithTokenLifetime(time.Millisecond),
		"clock":           tangotest.WithClock(nil),
		"service account": tangotest.WithServiceAccount("", "x"),
		"rate":            tangotest.WithOrderRateLimit(0),
		"negative rate":   tangotest.WithOrderRateLimit(-1),
		"max recorded":    tangotest.WithMaxRecordedRequests(-1),
	} {
		_, err := tangotest.Start("127.0.0.1:0", opt)
		assert.Error(t, err, name)
	}
}

func TestCredentialsOptionAndRedaction(t *testing.T) {
	f := setup(t, tangotest.WithCredentials("my-platform", "planted-key-123", "planted-client", "planted-secret-456"))
	assert.Equal(t, "my-platform", f.srv.PlatformName())
	assert.Equal(t, "planted-key-123", f.srv.PlatformKey())
	assert.Equal(t, "planted-client", f.srv.ClientID())
	assert.Equal(t, "planted-secret-456", f.srv.ClientSecret())
	assert.Equal(t, http.StatusOK, f.do(http.MethodGet, "catalogs", nil).status)
	tok := f.token()

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		out := fmt.Sprintf(verb, f.srv)
		for _, secret := range []string{"planted-key-123", "planted-secret-456", tok} {
			assert.NotContains(t, out, secret, verb)
		}
	}
	assert.Contains(t, f.srv.String(), f.srv.URL())

	// Generated credentials differ per server.
	a, b := tangotest.NewServer(), tangotest.NewServer()
	defer a.Close()
	defer b.Close()
	assert.Equal(t, tangotest.DefaultPlatformName, a.PlatformName())
	assert.NotEqual(t, a.PlatformKey(), b.PlatformKey())
	assert.NotEqual(t, a.ClientSecret(), b.ClientSecret())
}

func TestInspection(t *testing.T) {
	f := setup(t, tangotest.WithMaxRecordedRequests(3))
	f.do(http.MethodGet, "catalogs", nil, "X-Test", "1")
	f.do(http.MethodPost, "orders", order("insp", tangotest.UTIDRewardLink, "2"))
	f.do(http.MethodGet, "orders", nil)
	f.do(http.MethodGet, "orders?externalRefID=insp", nil)

	reqs := f.srv.Requests()
	require.Len(t, reqs, 3, "only the last 3 are kept")
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, tangotest.PathOrders, reqs[0].Path)
	assert.Contains(t, string(reqs[0].Body), `"externalRefID":"insp"`)
	assert.Equal(t, "externalRefID=insp", reqs[2].RawQuery)
	assert.Equal(t, f.basic(), reqs[0].Header.Get("Authorization"))

	// The copies are the caller's: changing them changes nothing in the fake.
	reqs[0].Header.Set("Authorization", "changed")
	reqs[0].Body[0] = 'X'
	again := f.srv.Requests()
	assert.Equal(t, f.basic(), again[0].Header.Get("Authorization"))
	assert.Equal(t, byte('{'), again[0].Body[0])

	assert.Equal(t, 2, f.srv.RequestCount(http.MethodGet, tangotest.PathOrders))
	assert.Equal(t, 3, f.srv.RequestCount("", tangotest.PathOrders))
	assert.Equal(t, 1, f.srv.RequestCount("get", tangotest.PathCatalogs), "counts stay exact beyond the kept requests")
	assert.Equal(t, 1, f.srv.OrderCount(tangotest.DemoAccount, ""))
	assert.Equal(t, 0, f.srv.OrderCount(tangotest.SecondAccount, "insp"))
}

func TestStateHelpers(t *testing.T) {
	f := setup(t, tangotest.WithoutFixtures())
	r := f.do(http.MethodGet, "catalogs", nil)
	assert.JSONEq(t, `{"catalogName":"tangotest catalog","brands":[]}`, string(r.raw))
	assert.Equal(t, "[]", string(f.do(http.MethodGet, "accounts", nil).raw))
	assert.Equal(t, "", f.srv.Balance(tangotest.DemoAccount))

	require.NoError(t, f.srv.AddCustomer("cust-1", ""))
	assert.ErrorIs(t, f.srv.AddCustomer("cust-1", "again"), tangotest.ErrExists)
	assert.Error(t, f.srv.AddCustomer("x", "too short"))
	require.NoError(t, f.srv.AddAccount("cust-1", "acct-1", "USD", "12.34"))
	assert.ErrorIs(t, f.srv.AddAccount("cust-1", "acct-1", "USD", "0"), tangotest.ErrExists)
	assert.ErrorIs(t, f.srv.AddAccount("cust-9", "acct-9", "USD", "0"), tangotest.ErrUnknown)
	assert.Error(t, f.srv.AddAccount("cust-1", "acct-2", "usd", "0"))
	assert.Error(t, f.srv.AddAccount("cust-1", "acct-2", "USD", "1.234"))
	assert.Equal(t, "12.34", f.srv.Balance("acct-1"))
	require.NoError(t, f.srv.SetBalance("acct-1", "5"))
	assert.Equal(t, "5.00", f.srv.Balance("acct-1"))
	assert.ErrorIs(t, f.srv.SetBalance("acct-9", "5"), tangotest.ErrUnknown)
	assert.Error(t, f.srv.SetExchangeRate("EUR", "USD", "0"))
	assert.Error(t, f.srv.SetExchangeRate("EURO", "USD", "1"))
}
