package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// roundTripFunc is a RoundTripper that is not an *http.Transport.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestPinnedRefusesTransportsThatCouldSkipThePin(t *testing.T) {
	tests := []struct {
		name string
		base http.RoundTripper
		want string
	}{
		{"skips verification", &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, "InsecureSkipVerify"},
		{"own TLS dialer", &http.Transport{DialTLSContext: func(context.Context, string, string) (net.Conn, error) { return nil, errors.New("unused") }}, "DialTLSContext"},
		//lint:ignore SA1019 the deprecated hook must be refused too
		{"deprecated TLS dialer", &http.Transport{DialTLS: func(string, string) (net.Conn, error) { return nil, errors.New("unused") }}, "DialTLS"},
		{"not an *http.Transport", roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") }), "not an *http.Transport"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Pinned(tc.base, x509.NewCertPool())
			require.Error(t, err)
			assert.Nil(t, got)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "tango: WithHTTPClient: "), err.Error())
		})
	}
}

func TestPinnedTrustsOnlyTheGivenRoots(t *testing.T) {
	roots := x509.NewCertPool()
	cert := &tls.Certificate{}
	sessions := tls.NewLRUClientSessionCache(4)
	tests := []struct {
		name  string
		base  func() http.RoundTripper
		check func(t *testing.T, got *http.Transport)
	}{
		{"no base: the SDK's own defaults", func() http.RoundTripper { return nil }, func(t *testing.T, got *http.Transport) {
			assert.Equal(t, maxIdleConnsPerHost, got.MaxIdleConnsPerHost)
			assert.Equal(t, maxIdleConns, got.MaxIdleConns)
			assert.Equal(t, idleConnTimeout, got.IdleConnTimeout)
			assert.NotNil(t, got.Proxy, "proxy settings from the environment")
			assert.NotNil(t, got.TLSClientConfig.ClientSessionCache, "a session cache of the client's own")
		}},
		{"caller's pool settings kept", func() http.RoundTripper { return &http.Transport{MaxIdleConnsPerHost: 3} }, func(t *testing.T, got *http.Transport) {
			assert.Equal(t, 3, got.MaxIdleConnsPerHost)
			assert.Nil(t, got.Proxy, "no proxy stays no proxy")
		}},
		{"what does not weaken verification is kept", func() http.RoundTripper {
			return &http.Transport{TLSClientConfig: &tls.Config{
				MinVersion: tls.VersionTLS13, NextProtos: []string{"h2"}, Certificates: []tls.Certificate{*cert}, ClientSessionCache: sessions,
			}}
		}, func(t *testing.T, got *http.Transport) {
			assert.Equal(t, uint16(tls.VersionTLS13), got.TLSClientConfig.MinVersion, "a stricter minimum stays")
			assert.Equal(t, []string{"h2"}, got.TLSClientConfig.NextProtos)
			assert.Len(t, got.TLSClientConfig.Certificates, 1)
			assert.Same(t, sessions, got.TLSClientConfig.ClientSessionCache, "a shared session cache stays shared")
		}},
		{"a weaker minimum version is raised", func() http.RoundTripper {
			return &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}
		}, func(t *testing.T, got *http.Transport) {
			assert.Equal(t, uint16(tls.VersionTLS12), got.TLSClientConfig.MinVersion)
		}},
		{"protocol upgrades dropped", func() http.RoundTripper {
			return &http.Transport{TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{"h2": nil}}
		}, func(t *testing.T, got *http.Transport) {
			assert.Nil(t, got.TLSNextProto)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.base()
			got, err := Pinned(base, roots)
			require.NoError(t, err)
			if b, ok := base.(*http.Transport); ok {
				assert.NotSame(t, b, got, "a caller's transport is cloned, never changed")
			}
			assert.Same(t, roots, got.TLSClientConfig.RootCAs)
			assert.False(t, got.TLSClientConfig.InsecureSkipVerify)
			assert.GreaterOrEqual(t, got.TLSClientConfig.MinVersion, uint16(tls.VersionTLS12))
			assert.True(t, got.ForceAttemptHTTP2)
			tc.check(t, got)
			if b, ok := base.(*http.Transport); ok && b.TLSClientConfig != nil {
				assert.Nil(t, b.TLSClientConfig.RootCAs, "the caller's TLS config is not changed")
			}
		})
	}
}

func TestPinnedVerifiesAgainstTheRoots(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	trusting := x509.NewCertPool()
	trusting.AddCert(srv.Certificate())
	tests := []struct {
		name    string
		roots   *x509.CertPool
		certErr bool
	}{
		{"the server's root trusted", trusting, false},
		{"another root only", x509.NewCertPool(), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := Pinned(nil, tc.roots)
			require.NoError(t, err)
			defer tr.CloseIdleConnections()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
			require.NoError(t, err)
			resp, err := tr.RoundTrip(req)
			if tc.certErr {
				require.Error(t, err)
				assert.True(t, IsCertificateError(err), "got %v", err)
				return
			}
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusNoContent, resp.StatusCode)
		})
	}
}

func TestProxyForDestinationSeesOnlyWhereARequestGoes(t *testing.T) {
	assert.Nil(t, proxyForDestination(nil), "no proxy stays no proxy")

	var seen *http.Request
	proxy := proxyForDestination(func(r *http.Request) (*url.URL, error) {
		seen = r
		return &url.URL{Scheme: "http", Host: "proxy.example:3128"}, nil
	})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost,
		"https://api.example/raas/v2/orders?email=someone%40example.com", strings.NewReader("client_secret=PLANTED"))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Basic PLANTED")

	got, err := proxy(req)
	require.NoError(t, err)
	assert.Equal(t, "proxy.example:3128", got.Host)
	require.NotNil(t, seen)
	assert.Equal(t, http.MethodPost, seen.Method)
	assert.Equal(t, "https://api.example/", seen.URL.String())
	assert.Equal(t, "api.example", seen.Host)
	assert.Empty(t, seen.Header)
	assert.Nil(t, seen.Body)
	assert.NotContains(t, fmt.Sprintf("%+v", *seen), "PLANTED")
}

func TestIsCertificateError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"unknown authority", x509.UnknownAuthorityError{}, true},
		{"wrong hostname", x509.HostnameError{}, true},
		{"invalid certificate", x509.CertificateInvalidError{}, true},
		{"verification failed, wrapped", fmt.Errorf("dial: %w", &tls.CertificateVerificationError{Err: errors.New("x")}), true},
		{"refused connection", errors.New("connection refused"), false},
		{"nil", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, IsCertificateError(tc.err))
		})
	}
}
