package webhook

import (
	"context"
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	tango "github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/webhooksign"
)

// Method is a subscription's payloadVerificationMethod.
type Method string

// The verification methods Tango offers, for Config.Method and for the
// subscription's PayloadVerificationMethod (tango.CreateWebhookRequest): one
// spelling for both sides. They are untyped so that they fit both.
const (
	// MethodX509: the body encrypted with the subscriber's certificate (RSA,
	// PKCS#1 v1.5), base64-encoded. Tango recommends it; it needs the
	// subscription's SigningCertificate (SigningCertificateFromPEM). See the
	// package doc for what it proves.
	MethodX509 = "X509"
	// MethodHMAC: HMAC-SHA256 of the body under the shared key, base64-encoded.
	// It needs the subscription's HMACSharedSecretKey (NewHMACKey).
	MethodHMAC = "HMAC"
	// MethodNone: no signature; rely on a secret custom header and Tango's
	// source addresses.
	MethodNone = "NONE"
)

// X509Input says what Tango encrypted to make an X509 signature. Tango's pages
// say "the event's body"; an RSA-2048 block holds at most 245 bytes, so a longer
// body must be encrypted in blocks, unless Tango encrypts a digest instead.
type X509Input int

const (
	// X509Body (the default): the body itself, split into blocks of k-11 bytes
	// (k the key size in bytes), each encrypted, the ciphertexts concatenated.
	X509Body X509Input = iota
	// X509SHA256 is the 32-byte SHA-256 digest of the body, in one block.
	X509SHA256
)

// HMACKeyForm says which bytes key the HMAC. Tango's pages require the key to be
// registered base64-encoded but do not say whether Tango then keys the HMAC with
// the decoded bytes or with the text.
type HMACKeyForm int

const (
	// HMACKeyEither (the default) accepts a signature made with either form.
	// Both need the secret, so accepting both does not weaken the check.
	HMACKeyEither HMACKeyForm = iota
	// HMACKeyDecoded keys the HMAC with the bytes the base64 key decodes to.
	HMACKeyDecoded
	// HMACKeyText keys the HMAC with the base64 text itself.
	HMACKeyText
)

// Body size limits.
const (
	// DefaultMaxBodyBytes caps a delivery's body unless Config.MaxBodyBytes says
	// otherwise. Tango's events are a few hundred bytes.
	DefaultMaxBodyBytes = 64 << 10
	// MaxBodyBytesLimit is the largest Config.MaxBodyBytes accepted.
	MaxBodyBytesLimit = 8 << 20
)

// Config configures a Handler. Method and its key material are required.
type Config struct {
	// Method is the subscription's payloadVerificationMethod.
	Method Method
	// PrivateKey (X509) is the RSA private key whose certificate was registered
	// as signingCertificate: an *rsa.PrivateKey, or a crypto.Decrypter (HSM, KMS)
	// whose Public() is an *rsa.PublicKey of at least 2048 bits.
	PrivateKey crypto.Decrypter
	// X509Input (X509) says what Tango encrypted; X509Body by default.
	X509Input X509Input
	// HMACKey (HMAC) is the key exactly as registered as hmacSharedSecretKey: base64
	// text of at least 32 bytes of key.
	HMACKey string
	// HMACKeyForm (HMAC) says which form of the key signs; HMACKeyEither by default.
	HMACKeyForm HMACKeyForm
	// RequiredHeaders are the custom headers registered in the subscription,
	// name to value. Each must arrive with exactly this value (constant-time
	// comparison), or the delivery gets 401.
	RequiredHeaders map[string]string
	// AllowedSources, when not nil, lists the addresses deliveries may come from
	// (SandboxSources, ProductionSources). Others get 403.
	AllowedSources []netip.Prefix
	// TrustedProxies lists the proxies (load balancers) in front of the handler
	// whose X-Forwarded-For is believed. The client address is the rightmost
	// X-Forwarded-For entry that is not a trusted proxy. Without it, RemoteAddr is
	// the client address and X-Forwarded-For is ignored.
	TrustedProxies []netip.Prefix
	// MaxBodyBytes caps the body (DefaultMaxBodyBytes when 0; at most
	// MaxBodyBytesLimit).
	MaxBodyBytes int64
	// Store remembers processed eventIds and applied revisions; NewMemoryStore()
	// when nil.
	Store Store
	// Logger receives one line per refused or failed delivery (never a header
	// value, a key or the body), through tango.RedactingHandler; silent when nil.
	Logger *slog.Logger
}

// Func receives each verified, decoded, not yet processed delivery. Returning nil
// acknowledges it (200); an error makes the handler answer 500 so that Tango
// delivers it again.
type Func func(ctx context.Context, d *Delivery) error

// validated is a checked Config, ready to serve.
type validated struct {
	method    Method
	decrypter crypto.Decrypter
	keyBytes  int // X509: modulus size in bytes
	x509Input X509Input
	hmacKeys  [][]byte
	headers   []requiredHeader
	sources   []netip.Prefix
	checkSrc  bool
	proxies   []netip.Prefix
	maxBody   int64
	store     Store
	logger    *slog.Logger
}

type requiredHeader struct {
	name  string // canonical
	value []byte
}

// validate checks c and builds what the handler uses.
func (c *Config) validate() (*validated, error) {
	v := &validated{method: c.Method, x509Input: c.X509Input, store: c.Store, logger: c.Logger}
	switch c.Method {
	case MethodX509:
		if c.PrivateKey == nil {
			return nil, errors.New("webhook: Config.PrivateKey is required for X509")
		}
		pub, ok := c.PrivateKey.Public().(*rsa.PublicKey)
		if !ok || pub == nil {
			return nil, errors.New("webhook: Config.PrivateKey must be an RSA key (Tango's X509 method is RSA PKCS#1 v1.5)")
		}
		if pub.N.BitLen() < webhooksign.MinRSABits {
			return nil, fmt.Errorf("webhook: Config.PrivateKey is %d bits; use at least %d", pub.N.BitLen(), webhooksign.MinRSABits)
		}
		if c.X509Input != X509Body && c.X509Input != X509SHA256 {
			return nil, fmt.Errorf("webhook: Config.X509Input %d is unknown", c.X509Input)
		}
		v.decrypter, v.keyBytes = c.PrivateKey, pub.Size()
		if c.HMACKey != "" {
			return nil, errors.New("webhook: Config.HMACKey is set but Method is X509")
		}
	case MethodHMAC:
		if c.HMACKey == "" {
			return nil, errors.New("webhook: Config.HMACKey is required for HMAC")
		}
		decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(c.HMACKey))
		if err != nil {
			return nil, errors.New("webhook: Config.HMACKey must be the base64 text registered with Tango")
		}
		if len(decoded) < webhooksign.MinHMACKeyBytes {
			return nil, fmt.Errorf("webhook: Config.HMACKey decodes to %d bytes; use at least %d random bytes", len(decoded), webhooksign.MinHMACKeyBytes)
		}
		switch c.HMACKeyForm {
		case HMACKeyEither:
			v.hmacKeys = [][]byte{decoded, []byte(strings.TrimSpace(c.HMACKey))}
		case HMACKeyDecoded:
			v.hmacKeys = [][]byte{decoded}
		case HMACKeyText:
			v.hmacKeys = [][]byte{[]byte(strings.TrimSpace(c.HMACKey))}
		default:
			return nil, fmt.Errorf("webhook: Config.HMACKeyForm %d is unknown", c.HMACKeyForm)
		}
		if c.PrivateKey != nil {
			return nil, errors.New("webhook: Config.PrivateKey is set but Method is HMAC")
		}
	case MethodNone:
		if c.PrivateKey != nil || c.HMACKey != "" {
			return nil, errors.New("webhook: key material is set but Method is NONE")
		}
	case "":
		return nil, errors.New("webhook: Config.Method is required (MethodX509, MethodHMAC or MethodNone)")
	default:
		return nil, fmt.Errorf("webhook: Config.Method %q is unknown", c.Method)
	}
	for name, value := range c.RequiredHeaders {
		if name == "" || value == "" || strings.ContainsAny(name, " \t\r\n:") {
			return nil, errors.New("webhook: Config.RequiredHeaders needs non-empty header names and values")
		}
		v.headers = append(v.headers, requiredHeader{name: http.CanonicalHeaderKey(name), value: []byte(value)})
	}
	if c.AllowedSources != nil {
		if len(c.AllowedSources) == 0 {
			return nil, errors.New("webhook: Config.AllowedSources is empty: no delivery could ever be accepted (leave it nil to allow any source)")
		}
		for _, p := range c.AllowedSources {
			if !p.IsValid() {
				return nil, errors.New("webhook: Config.AllowedSources holds an invalid prefix")
			}
			v.sources = append(v.sources, p.Masked())
		}
		v.checkSrc = true
	}
	for _, p := range c.TrustedProxies {
		if !p.IsValid() {
			return nil, errors.New("webhook: Config.TrustedProxies holds an invalid prefix")
		}
		v.proxies = append(v.proxies, p.Masked())
	}
	if c.Method != MethodHMAC && len(v.headers) == 0 && !v.checkSrc {
		// X509 values can be made by anyone with the certificate, NONE has no
		// signature: something secret or a source check must back them.
		return nil, fmt.Errorf("webhook: Method %s needs RequiredHeaders (a secret custom header) or AllowedSources; see the package doc", c.Method)
	}
	switch {
	case c.MaxBodyBytes == 0:
		v.maxBody = DefaultMaxBodyBytes
	case c.MaxBodyBytes < 0 || c.MaxBodyBytes > MaxBodyBytesLimit:
		return nil, fmt.Errorf("webhook: Config.MaxBodyBytes %d must be 1 to %d", c.MaxBodyBytes, MaxBodyBytesLimit)
	default:
		v.maxBody = c.MaxBodyBytes
	}
	if v.store == nil {
		v.store = NewMemoryStore()
	}
	if v.logger == nil {
		v.logger = slog.New(slog.DiscardHandler)
	} else {
		// Its records are covered like the client's (tango.WithLogger).
		v.logger = slog.New(tango.RedactingHandler(v.logger.Handler()))
	}
	return v, nil
}
