package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Connection pool sizes of the transport the SDK builds. net/http's default keeps
// 2 idle connections per host, so a service calling from more goroutines than
// that closes connections after every burst and handshakes again. Idle
// connections are kept only up to what concurrent calls opened, and closed after
// idleConnTimeout.
const (
	maxIdleConnsPerHost = 256
	maxIdleConns        = 512
	idleConnTimeout     = 90 * time.Second
	sessionCacheSize    = 64
)

// tlsConfig is the only TLS configuration the SDK dials with: the given roots, peer
// verification always on, TLS 1.2 or newer, and a session cache of the client's
// own, so that a new connection resumes a session instead of a full handshake.
// crypto/tls resumes only a session whose verified chain ends in one of roots, so
// resumption never skips the pin.
func tlsConfig(roots *x509.CertPool) *tls.Config {
	return &tls.Config{
		RootCAs:            roots,
		MinVersion:         tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(sessionCacheSize),
	}
}

// Pinned builds the transport API and token calls go through.
//
// With no base it builds a transport with net/http's default settings, proxy
// settings from the environment (HTTPS_PROXY, NO_PROXY) included, but sized for
// concurrent callers (defaultTransport). A caller's *http.Transport is cloned
// with its pool settings as they are. Either way the clone trusts only roots and
// verifies the peer during the handshake, before any byte of a request is sent.
//
// What would make that promise false is refused: a transport that skips
// verification, one with its own TLS dialer (net/http then ignores the TLS
// settings), and any other RoundTripper, whose TLS the SDK cannot see. Tracing and
// other middleware wrap the pinned transport instead (WithTransportMiddleware).
func Pinned(base http.RoundTripper, roots *x509.CertPool) (*http.Transport, error) {
	var t *http.Transport
	switch b := base.(type) {
	case nil:
		// Built here rather than cloned from http.DefaultTransport, which other
		// code in the process may have replaced or reconfigured.
		t = defaultTransport()
	case *http.Transport:
		switch {
		case b.TLSClientConfig != nil && b.TLSClientConfig.InsecureSkipVerify:
			return nil, errors.New("tango: WithHTTPClient: the transport skips TLS verification (InsecureSkipVerify); the SDK never does")
		case b.DialTLSContext != nil || b.DialTLS != nil: //lint:ignore SA1019 the deprecated hook bypasses the pin just the same
			return nil, errors.New("tango: WithHTTPClient: the transport has its own TLS dialer (DialTLSContext or DialTLS), which would bypass the pinned roots; use DialContext for custom dialing")
		}
		t = b.Clone()
		// A caller's protocol upgrades (x/net/http2's ConfigureTransports fills
		// TLSNextProto) hand connections to a transport with its own pool, which
		// may hold connections the caller's unpinned transport made: dropped, so
		// that net/http's own HTTP/2 serves the pinned clone. The caller's proxy
		// choice is kept but sees only where a request goes, never the request.
		t.TLSNextProto = nil
		t.Proxy = proxyForDestination(t.Proxy)
	default:
		return nil, fmt.Errorf("tango: WithHTTPClient: the transport is a %T, not an *http.Transport, so the SDK cannot pin its TLS roots; pass an *http.Transport, and wrap the SDK's pinned transport with WithTransportMiddleware for tracing or metrics", base)
	}
	cfg := tlsConfig(roots)
	if old := t.TLSClientConfig; old != nil {
		// Keep what does not weaken verification: client certificates, ALPN, a
		// stricter minimum version.
		cfg.Certificates = old.Certificates
		cfg.GetClientCertificate = old.GetClientCertificate
		cfg.NextProtos = old.NextProtos
		if old.ClientSessionCache != nil {
			// A cache the caller shares between transports is kept: sessions
			// resume across them, and only within the pinned roots.
			cfg.ClientSessionCache = old.ClientSessionCache
		}
		if old.MinVersion > cfg.MinVersion {
			cfg.MinVersion = old.MinVersion
		}
	}
	t.TLSClientConfig = cfg
	t.ForceAttemptHTTP2 = true
	return t, nil
}

// proxyForDestination wraps a caller's Proxy function so that it is handed a
// bare request naming only the method, scheme and host: never the headers (the
// credentials), the body (a token request's client secret) or the path and query
// (recipient filters). nil stays nil (no proxy).
func proxyForDestination(proxy func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL, error) {
	if proxy == nil {
		return nil
	}
	return func(req *http.Request) (*url.URL, error) {
		bare := &http.Request{
			Method:     req.Method,
			URL:        &url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host, Path: "/"},
			Host:       req.URL.Host,
			Proto:      "HTTP/1.1",
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     http.Header{},
		}
		return proxy(bare.WithContext(req.Context()))
	}
}

// IsCertificateError reports whether err is a failure to verify the server's
// certificate. Such an error never gets better on retry.
func IsCertificateError(err error) bool {
	var (
		unknown   x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
	)
	return errors.As(err, &unknown) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verifyErr)
}

// defaultTransport has the settings of net/http's DefaultTransport, except that
// it keeps enough idle connections for concurrent callers (maxIdleConnsPerHost).
func defaultTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdleConns,
		MaxIdleConnsPerHost:   maxIdleConnsPerHost,
		IdleConnTimeout:       idleConnTimeout,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
