package tangotest_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

func TestForwardingGatewayPortsEveryAPICall(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []tangotest.Option
		xff     string
		status  int
		gateway bool
	}{
		{name: "no gateway, no header", status: http.StatusOK},
		{name: "no gateway, bare ip", xff: "203.0.113.10", status: http.StatusOK},
		{name: "no gateway, ip:port", xff: "203.0.113.10:4711", status: http.StatusForbidden, gateway: true},
		{name: "gateway, no header", opts: []tangotest.Option{tangotest.WithForwardingGateway()}, status: http.StatusForbidden, gateway: true},
		{name: "gateway, bare ip", opts: []tangotest.Option{tangotest.WithForwardingGateway()}, xff: "203.0.113.10", status: http.StatusForbidden, gateway: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, tc.opts...)
			var hdr []string
			if tc.xff != "" {
				hdr = []string{"X-Forwarded-For", tc.xff}
			}
			r := f.do(http.MethodGet, "accounts", nil, hdr...)
			assert.Equal(t, tc.status, r.status, "%s", r.raw)
			if tc.gateway {
				assert.Equal(t, "awselb/2.0", r.header.Get("Server"))
				assert.Contains(t, string(r.raw), "<html>")
			}
			reqs := f.srv.Requests()
			require.Len(t, reqs, 1)
			got := reqs[0].Header.Get("X-Forwarded-For")
			if len(tc.opts) > 0 {
				// The gateway appended the caller's ip:port after what the caller sent.
				assert.Regexp(t, `(^|, )127\.0\.0\.1:\d+$`, got)
				if tc.xff != "" {
					assert.True(t, strings.HasPrefix(got, tc.xff+", "), got)
				}
			} else {
				assert.Equal(t, tc.xff, got)
			}
		})
	}
}

func TestForwardingGatewayLeavesTokenEndpointAlone(t *testing.T) {
	f := setup(t, tangotest.WithForwardingGateway())
	r := f.do(http.MethodPost, tangotest.PathToken, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {f.srv.ClientID()}, "client_secret": {f.srv.ClientSecret()},
		"scope": {tangotest.TokenScope}, "audience": {tangotest.TokenAudience},
	})
	assert.Equal(t, http.StatusOK, r.status, "%s", r.raw)
}

func TestClockSkewMovesDateHeader(t *testing.T) {
	for _, skew := range []time.Duration{0, 2 * time.Hour, -90 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			f := setup(t, tangotest.WithClockSkew(skew))
			r := f.do(http.MethodGet, "accounts", nil)
			require.Equal(t, http.StatusOK, r.status)
			date, err := http.ParseTime(r.header.Get("Date"))
			require.NoError(t, err)
			assert.InDelta(t, skew.Seconds(), time.Until(date).Seconds(), 3)
		})
	}
}

func TestClockSkewFollowsInjectedClock(t *testing.T) {
	clk := newFakeClock()
	f := setup(t, tangotest.WithClock(clk.Now), tangotest.WithClockSkew(time.Minute))
	r := f.do(http.MethodGet, "accounts", nil)
	date, err := http.ParseTime(r.header.Get("Date"))
	require.NoError(t, err)
	assert.Equal(t, clk.Now().Add(time.Minute).UTC(), date.UTC())
}

func TestCertificateExpiresIn(t *testing.T) {
	f := setup(t, tangotest.WithCertificateExpiresIn(5*24*time.Hour))
	resp, err := f.hc.Get(f.srv.URL() + "/raas/v2/accounts")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NotNil(t, resp.TLS)
	leaf := resp.TLS.PeerCertificates[0]
	assert.InDelta(t, 5*24, time.Until(leaf.NotAfter).Hours(), 0.1)

	// An expired certificate is refused by TLS clients.
	expired := tangotest.NewServer(tangotest.WithCertificateExpiresIn(-time.Hour))
	defer expired.Close()
	hc := expired.Client()
	defer hc.CloseIdleConnections()
	_, err = hc.Get(expired.URL() + "/raas/v2/accounts")
	var invalid x509.CertificateInvalidError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, x509.Expired, invalid.Reason)
	var verr *tls.CertificateVerificationError
	require.True(t, errors.As(err, &verr))
	assert.Len(t, verr.UnverifiedCertificates, 1)
}

func TestDoctorOptionsValidate(t *testing.T) {
	for _, opt := range []tangotest.Option{
		tangotest.WithClockSkew(31 * 24 * time.Hour),
		tangotest.WithClockSkew(-31 * 24 * time.Hour),
		tangotest.WithCertificateExpiresIn(0),
		tangotest.WithCertificateExpiresIn(400 * 24 * time.Hour),
		tangotest.WithCertificateExpiresIn(-31 * 24 * time.Hour),
	} {
		s, err := tangotest.Start("127.0.0.1:0", opt)
		assert.Error(t, err)
		assert.Nil(t, s)
	}
}
