package doctor

import "time"

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
	// tango-go (false for WithRootCAs pools, such as a fake's or a proxy's).
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
