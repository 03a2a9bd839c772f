package tango

// TLS: which protocol version, which chain the server sent, which pinned root it
// ends in, and how many days each certificate has left.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/tango-sdk/tango-go/doctor"
)

// certWarnDays is how close to expiry a certificate draws a warning.
const certWarnDays = 30

// checkTLS makes one unauthenticated request to the API root and inspects the TLS
// session. The answer's status does not matter (without credentials Tango answers
// 401); its Date header feeds the clock check.
func (dr *checkup) checkTLS(ctx context.Context) doctor.Check {
	api := dr.endpointsList()[0]
	if !api.connected {
		return skipped(doctor.CheckTLS, "not run: no TCP connection to the API host")
	}
	res := dr.c.probe(ctx, "/", probeOptions{})
	dr.probe = res
	if strings.HasPrefix(dr.c.baseURL, "http://") {
		if res.err != nil {
			return failed("no HTTP answer from the API host: "+res.err.Error(), "See the tcp check; the server may not speak HTTP on this port.")
		}
		return skipped(doctor.CheckTLS, "not run: plain HTTP to a loopback host (a local fake server); there is no TLS to check")
	}
	now := dr.c.clock.Now()
	var verr *tls.CertificateVerificationError
	switch {
	case res.err != nil && errors.As(res.err, &verr):
		return dr.refusedChain(verr.UnverifiedCertificates, verr.Err, now)
	case res.err != nil && errors.Is(res.err, ErrUntrustedServer) && res.tls != nil:
		return dr.refusedChain(res.tls.PeerCertificates, res.err, now)
	case res.err != nil:
		return failed("no TLS session with the API host: "+res.err.Error(),
			"The handshake failed before any certificate was judged: the server (or a proxy in between) may not offer TLS 1.2 or newer, or closed the connection. Try from another network, and check any proxy or gateway on the path.")
	case res.tls == nil:
		return warned("the client's custom transport reports no TLS session, so the chain cannot be shown",
			"Nothing to fix if calls work; to see the chain, run the diagnosis with a client built without WithHTTPClient.")
	}
	chain := dr.verifiedChain(res.tls)
	if len(chain) == 0 {
		return failed("the server's chain does not verify against the client's roots", "See the details; this should not happen after a successful handshake.")
	}
	root := chain[len(chain)-1]
	rep := &doctor.TLSReport{
		Version:    tls.VersionName(res.tls.Version),
		Verified:   true,
		Chain:      certReports(chain, now),
		Root:       root.Subject.String(),
		AmazonRoot: isEmbeddedRoot(root),
	}
	dr.d.TLS = rep
	details := chainLines(rep.Chain)
	origin, kind := "one of the Amazon roots embedded in tango-go", "embedded Amazon root"
	if !rep.AmazonRoot {
		origin, kind = "a root from WithRootCAs, not one of the embedded Amazon roots", "root from WithRootCAs"
	}
	details = append(details, "root "+rep.Root+" is "+origin+"; sha256 "+rep.Chain[len(rep.Chain)-1].SHA256)
	soonest := rep.Chain[0]
	for _, c := range rep.Chain[1:] {
		if c.DaysLeft < soonest.DaysLeft {
			soonest = c
		}
	}
	summary := fmt.Sprintf("%s; chain of %d verified up to %q (%s); the first certificate to expire has %d days left",
		rep.Version, len(rep.Chain), root.Subject.CommonName, kind, soonest.DaysLeft)
	if soonest.DaysLeft < certWarnDays {
		return warned(fmt.Sprintf("certificate %q expires in %d days (%s); %s", soonest.Subject, soonest.DaysLeft, soonest.NotAfter.UTC().Format(time.DateOnly), rep.Version),
			"Calls keep working until the expiry date. If the certificate belongs to Tango, expect a renewal (the pins are on roots, so a renewed certificate is accepted); if it belongs to your proxy or gateway, renew it now. A root near expiry needs a newer tango-go.",
			details...)
	}
	return passed(summary, details...)
}

// verifiedChain returns the chain from the server's certificate to one of the
// client's roots: the chain the transport verified in the handshake, or, when
// the connection state carries none, the sent chain verified against the roots.
func (dr *checkup) verifiedChain(cs *tls.ConnectionState) []*x509.Certificate {
	if len(cs.VerifiedChains) > 0 {
		return cs.VerifiedChains[0]
	}
	if len(cs.PeerCertificates) == 0 {
		return nil
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	chains, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: dr.c.roots, Intermediates: inter, DNSName: dr.host})
	if err != nil || len(chains) == 0 {
		return nil
	}
	return chains[0]
}

// refusedChain reports a chain the client did not trust, with what it was sent.
func (dr *checkup) refusedChain(sent []*x509.Certificate, cause error, now time.Time) doctor.Check {
	rep := &doctor.TLSReport{Chain: certReports(sent, now)}
	dr.d.TLS = rep
	details := chainLines(rep.Chain)
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.As(cause, &unknown):
		top := "(no certificate)"
		if n := len(sent); n > 0 {
			top = sent[n-1].Issuer.String()
		}
		return failed(fmt.Sprintf("the server's chain ends in %q, which is not among the client's pinned roots", top),
			"A TLS-inspecting proxy (Zscaler, Netskope, a corporate firewall) may re-sign HTTPS on the way, or this host is not Tango. Exempt Tango's hosts from inspection, or trust the proxy's CA with WithRootCAs (tango --ca-file), knowing it can read every key and token you send.",
			details...)
	case errors.As(cause, &hostname):
		return failed(fmt.Sprintf("the server's certificate is not valid for %s", dr.host),
			"The Environment names a host the certificate does not cover. Use Tango's host names, or the exact name your gateway's certificate was issued for.",
			details...)
	case errors.As(cause, &invalid) && invalid.Reason == x509.Expired:
		return failed(fmt.Sprintf("a certificate of the chain has expired, or is not yet valid, by this machine's clock (%s)", now.UTC().Format(time.RFC3339)),
			"Check this machine's clock first (NTP). If the clock is right, the certificate has expired: tell whoever runs the server (Tango support, or your gateway's owner).",
			details...)
	}
	return failed("the server's chain did not verify: "+cause.Error(),
		"See the chain below; a proxy or gateway on the path may present its own certificate.", details...)
}

// certReports describes a chain, server certificate first.
func certReports(chain []*x509.Certificate, now time.Time) []doctor.CertificateReport {
	out := make([]doctor.CertificateReport, 0, len(chain))
	for _, c := range chain {
		sum := sha256.Sum256(c.Raw)
		out = append(out, doctor.CertificateReport{
			Subject:  c.Subject.String(),
			Issuer:   c.Issuer.String(),
			NotAfter: c.NotAfter,
			DaysLeft: daysLeft(c.NotAfter, now),
			SHA256:   hex.EncodeToString(sum[:]),
		})
	}
	return out
}

// daysLeft counts whole days until t (negative once t has passed).
func daysLeft(t, now time.Time) int {
	d := t.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

// chainLines renders a chain for the report's details.
func chainLines(chain []doctor.CertificateReport) []string {
	lines := make([]string, len(chain))
	for i, c := range chain {
		lines[i] = fmt.Sprintf("certificate %d: %s, issued by %s, expires %s (%d days)",
			i, c.Subject, c.Issuer, c.NotAfter.UTC().Format(time.DateOnly), c.DaysLeft)
	}
	return lines
}

// isEmbeddedRoot reports whether cert is one of the Amazon roots in certs/.
func isEmbeddedRoot(cert *x509.Certificate) bool {
	entries, err := awsRoots.ReadDir("certs")
	if err != nil {
		return false
	}
	for _, e := range entries {
		data, err := awsRoots.ReadFile(path.Join("certs", e.Name()))
		if err != nil {
			continue
		}
		if block, _ := pem.Decode(data); block != nil && bytes.Equal(block.Bytes, cert.Raw) {
			return true
		}
	}
	return false
}
