package tango

// Signing material for webhook subscriptions: the certificate in the form Tango
// requires, and HMAC keys.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// minWebhookRSABits is the smallest RSA key accepted for X509 (Tango accepts
// RSA 2048).
const minWebhookRSABits = 2048

// minWebhookHMACKeyBytes is the least HMAC key material accepted: 32 bytes, the
// size of the HMAC-SHA256 output.
const minWebhookHMACKeyBytes = 32

// SigningCertificateFromPEM turns a PEM certificate (openssl req -x509 ... -out
// certificate.pem) into the signingCertificate Tango requires: the DER bytes in
// base64 on one line, without the BEGIN/END lines. It takes the first
// CERTIFICATE block, checks that it parses and holds an RSA key of at least 2048
// bits, and refuses PEM that holds a private key: that never leaves your
// receiver.
func SigningCertificateFromPEM(pemBytes []byte) (string, error) {
	rest := pemBytes
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return "", errors.New("tango: SigningCertificateFromPEM: no CERTIFICATE block found")
		}
		if strings.Contains(block.Type, "PRIVATE KEY") {
			return "", errors.New("tango: SigningCertificateFromPEM: the PEM holds a private key; give Tango the certificate only, and keep the key with the receiver")
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		s := base64.StdEncoding.EncodeToString(block.Bytes)
		if err := checkSigningCertificate(s); err != nil {
			return "", fmt.Errorf("tango: SigningCertificateFromPEM: %w", err)
		}
		return s, nil
	}
}

// checkSigningCertificate checks a signingCertificate value: one line of base64
// DER of an X.509 certificate with an RSA key of at least 2048 bits.
func checkSigningCertificate(s string) error {
	if strings.ContainsAny(s, " \t\r\n") || strings.HasPrefix(s, "-----") {
		return errors.New("must be one line of base64 DER, without PEM header lines (use SigningCertificateFromPEM)")
	}
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return errors.New("must be base64 (use SigningCertificateFromPEM)")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return errors.New("is not an X.509 certificate")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("must hold an RSA key (Tango's X509 method is RSA PKCS#1 v1.5)")
	}
	if pub.N.BitLen() < minWebhookRSABits {
		return fmt.Errorf("holds a %d-bit RSA key; use at least %d bits", pub.N.BitLen(), minWebhookRSABits)
	}
	return nil
}

// NewWebhookHMACKey returns a new random HMAC key for a subscription, 32 bytes,
// base64-encoded as Tango requires. Give the same value to Tango
// (CreateWebhookRequest.HMACSharedSecretKey) and to the receiver
// (webhook.Config.HMACKey, via Reveal).
func NewWebhookHMACKey() (Secret, error) {
	b := make([]byte, minWebhookHMACKeyBytes)
	if _, err := rand.Read(b); err != nil {
		return Secret{}, fmt.Errorf("tango: NewWebhookHMACKey: %w", err)
	}
	return WebhookHMACKey(b)
}

// WebhookHMACKey encodes existing key bytes (at least 32) as the base64 text
// Tango requires for hmacSharedSecretKey.
func WebhookHMACKey(key []byte) (Secret, error) {
	if len(key) < minWebhookHMACKeyBytes {
		return Secret{}, fmt.Errorf("tango: WebhookHMACKey: %d bytes of key; use at least %d random bytes", len(key), minWebhookHMACKeyBytes)
	}
	return NewSecret(base64.StdEncoding.EncodeToString(key)), nil
}

// checkHMACKey checks an hmacSharedSecretKey value: base64 of at least 32 bytes.
func checkHMACKey(s string) error {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return errors.New("must be base64-encoded (use NewWebhookHMACKey or WebhookHMACKey)")
	}
	if len(b) < minWebhookHMACKeyBytes {
		return fmt.Errorf("decodes to %d bytes; use at least %d random bytes", len(b), minWebhookHMACKeyBytes)
	}
	return nil
}
