// Package webhooksign checks and builds the signing material of a webhook
// subscription: the certificate Tango encrypts X509 signatures to, and the
// HMAC key it signs with. The root package validates CreateWebhookRequest and
// UpdateWebhookRequest with it, and the webhook package builds the values with
// it, so that both hold one rule.
package webhooksign

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// The payloadVerificationMethod values Tango offers, as the root's validation
// reads them; the webhook package exports the same values as MethodX509,
// MethodHMAC and MethodNone (a test there checks they agree).
const (
	MethodX509 = "X509"
	MethodHMAC = "HMAC"
	MethodNone = "NONE"
)

// MinRSABits is the smallest RSA key accepted for X509 (Tango accepts RSA
// 2048).
const MinRSABits = 2048

// MinHMACKeyBytes is the least HMAC key material accepted: 32 bytes, the size
// of the HMAC-SHA256 output.
const MinHMACKeyBytes = 32

// CertificateFromPEM turns the first CERTIFICATE block of a PEM document into
// the signingCertificate Tango requires (one line of base64 DER) and checks it
// with CheckCertificate. It refuses PEM that holds a private key, which never
// leaves the receiver.
func CertificateFromPEM(pemBytes []byte) (string, error) {
	rest := pemBytes
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return "", errors.New("no CERTIFICATE block found")
		}
		if strings.Contains(block.Type, "PRIVATE KEY") {
			return "", errors.New("the PEM holds a private key; give Tango the certificate only, and keep the key with the receiver")
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		s := base64.StdEncoding.EncodeToString(block.Bytes)
		if err := CheckCertificate(s); err != nil {
			return "", err
		}
		return s, nil
	}
}

// CheckCertificate checks a signingCertificate value: one line of base64 DER
// of an X.509 certificate with an RSA key of at least MinRSABits.
func CheckCertificate(s string) error {
	if strings.ContainsAny(s, " \t\r\n") || strings.HasPrefix(s, "-----") {
		return errors.New("must be one line of base64 DER, without PEM header lines (use webhook.SigningCertificateFromPEM)")
	}
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return errors.New("must be base64 (use webhook.SigningCertificateFromPEM)")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return errors.New("is not an X.509 certificate")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("must hold an RSA key (Tango's X509 method is RSA PKCS#1 v1.5)")
	}
	if pub.N.BitLen() < MinRSABits {
		return fmt.Errorf("holds a %d-bit RSA key; use at least %d bits", pub.N.BitLen(), MinRSABits)
	}
	return nil
}

// EncodeHMACKey encodes key bytes (at least MinHMACKeyBytes) as the base64
// text Tango requires for hmacSharedSecretKey.
func EncodeHMACKey(key []byte) (string, error) {
	if len(key) < MinHMACKeyBytes {
		return "", fmt.Errorf("%d bytes of key; use at least %d random bytes", len(key), MinHMACKeyBytes)
	}
	return base64.StdEncoding.EncodeToString(key), nil
}

// CheckHMACKey checks an hmacSharedSecretKey value: base64 of at least
// MinHMACKeyBytes.
func CheckHMACKey(s string) error {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return errors.New("must be base64-encoded (use webhook.NewHMACKey or webhook.HMACKeyFromBytes)")
	}
	if len(b) < MinHMACKeyBytes {
		return fmt.Errorf("decodes to %d bytes; use at least %d random bytes", len(b), MinHMACKeyBytes)
	}
	return nil
}
