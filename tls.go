package tango

// The roots the SDK trusts by default. They are embedded here, next to certs/,
// because go:embed reads only files under the package's directory; the transport
// that trusts them is built by internal/transport.

import (
	"crypto/x509"
	"embed"
	"errors"
	"fmt"
	"path"
	"sync"

	"github.com/tango-sdk/tango-go/internal/transport"
)

// awsRoots holds the five roots Tango's certificate chains end in, as Amazon
// publishes them (see certs/FINGERPRINTS.txt for their SHA-256 fingerprints).
//
//go:embed certs/*.pem
var awsRoots embed.FS

// RootCAs returns a new pool holding only the Amazon roots embedded in this package:
// Amazon Root CA 1-4 and Starfield Services Root CA G2. It is the pool every Client
// trusts unless WithRootCAs says otherwise. Each call returns a fresh copy, so
// changing it changes no client.
func RootCAs() *x509.CertPool { return embeddedRoots().Clone() }

// embeddedRoots parses the embedded roots once per process: parsing them costs
// more than the rest of NewClient. The pool is shared by every client that keeps
// the default roots, so nothing may add to it; RootCAs hands out copies.
var embeddedRoots = sync.OnceValue(parseEmbeddedRoots)

// parseEmbeddedRoots builds the pool of the embedded roots.
func parseEmbeddedRoots() *x509.CertPool {
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

// markUntrusted wraps ErrUntrustedServer into a failure to verify the server's
// certificate, keeping the x509 or tls error reachable with errors.As; other
// errors are returned as they are.
func markUntrusted(err error) error {
	if err == nil || errors.Is(err, ErrUntrustedServer) || !transport.IsCertificateError(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUntrustedServer, err)
}
