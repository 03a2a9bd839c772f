package tango

import (
	"crypto/tls"
	"crypto/x509"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
)

// awsRoots holds the five roots Tango's certificate chains end in, as Amazon
// publishes them (see certs/FINGERPRINTS.txt for their SHA-256 fingerprints).
//
//go:embed certs/*.pem
var awsRoots embed.FS

// RootCAs returns a new pool holding only the Amazon roots embedded in this package:
// Amazon Root CA 1-4 and Starfield Services Root CA G2. It is the pool every Client
// trusts unless WithRootCAs says otherwise. Each call returns a fresh pool, so
// changing it changes no client.
func RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	entries, err := awsRoots.ReadDir("certs")
	if err != nil {
		panic("tango: embedded roots missing: " + err.Error())
	}
	for _, e := range entries {
		pem, err := awsRoots.ReadFile(path.Join("certs", e.Name()))
		if err != nil || !pool.AppendCertsFromPEM(pem) {
			panic("tango: embedded root " + e.Name() + " is not a PEM certificate")
		}
	}
	return pool
}

// tlsConfig is the only TLS configuration the SDK dials with: the given roots, peer
// verification always on, TLS 1.2 or newer.
func tlsConfig(roots *x509.CertPool) *tls.Config {
	return &tls.Config{
		RootCAs:    roots,
		MinVersion: tls.VersionTLS12,
	}
}

// pinnedTransport builds the transport API and token calls go through.
//
// With no base it clones http.DefaultTransport, which keeps proxy settings from the
// environment (HTTPS_PROXY, NO_PROXY) and sane dial timeouts. A caller's
// *http.Transport is cloned the same way. Either way the clone trusts only roots and
// verifies the peer; a transport that asks to skip verification is refused.
//
// Any other RoundTripper (a tracing wrapper, say) is used as it is: the SDK cannot
// reach its TLS settings, so it checks each response's verified chain against roots
// instead (see checkPinned), and reports that with postCheck.
func pinnedTransport(base http.RoundTripper, roots *x509.CertPool) (rt http.RoundTripper, postCheck bool, err error) {
	var t *http.Transport
	switch b := base.(type) {
	case nil:
		t = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		if b.TLSClientConfig != nil && b.TLSClientConfig.InsecureSkipVerify {
			return nil, false, errors.New("tango: WithHTTPClient: the transport skips TLS verification (InsecureSkipVerify); the SDK never does")
		}
		t = b.Clone()
	default:
		return base, true, nil
	}
	cfg := tlsConfig(roots)
	if old := t.TLSClientConfig; old != nil {
		// Keep what does not weaken verification: client certificates, ALPN, a
		// stricter minimum version.
		cfg.Certificates = old.Certificates
		cfg.GetClientCertificate = old.GetClientCertificate
		cfg.NextProtos = old.NextProtos
		if old.MinVersion > cfg.MinVersion {
			cfg.MinVersion = old.MinVersion
		}
	}
	t.TLSClientConfig = cfg
	t.ForceAttemptHTTP2 = true
	return t, false, nil
}

// checkPinned verifies, after the fact, that the answer to a request sent to the
// URL sent came over a certificate chain that ends in roots and names sent's host.
// It runs only for caller-supplied RoundTrippers whose TLS settings the SDK cannot
// see. An answer without TLS passes only for an http:// URL (which NewClient allows
// only on loopback hosts): a RoundTripper that answers an https request without TLS
// is refused, whatever it did to the request on the way.
func checkPinned(resp *http.Response, roots *x509.CertPool, sent *url.URL) error {
	if resp.TLS == nil {
		if sent.Scheme == "http" {
			return nil
		}
		return fmt.Errorf("%w: the custom transport answered an https request without TLS", ErrUntrustedServer)
	}
	certs := resp.TLS.PeerCertificates
	if len(certs) == 0 {
		return fmt.Errorf("%w: the server sent no certificate", ErrUntrustedServer)
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	if _, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: sent.Hostname()}); err != nil {
		return fmt.Errorf("%w: the custom transport accepted a chain the pinned roots do not: %w", ErrUntrustedServer, err)
	}
	return nil
}

// isCertificateError reports whether err is a failure to verify the server's
// certificate. Such an error never gets better on retry.
func isCertificateError(err error) bool {
	var (
		unknown   x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
	)
	return errors.As(err, &unknown) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verifyErr)
}
