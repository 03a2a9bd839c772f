package webhook

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/tango-sdk/tango-go/internal/webhooksign"
)

// ParseRSAPrivateKeyPEM reads the receiver's private key for Config.PrivateKey
// from PEM: PKCS#1 ("RSA PRIVATE KEY", what openssl genrsa writes) or PKCS#8
// ("PRIVATE KEY"). It refuses encrypted PEM, non-RSA keys and keys under 2048
// bits. Errors never quote the key.
func ParseRSAPrivateKeyPEM(pemBytes []byte) (*rsa.PrivateKey, error) {
	rest := pemBytes
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("webhook: no RSA PRIVATE KEY or PRIVATE KEY block in the PEM")
		}
		var key any
		var err error
		switch block.Type {
		case "RSA PRIVATE KEY":
			if _, encrypted := block.Headers["DEK-Info"]; encrypted {
				return nil, errors.New("webhook: the PEM key is encrypted; decrypt it first")
			}
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("webhook: the PEM key is encrypted; decrypt it first")
		default:
			continue
		}
		if err != nil {
			return nil, errors.New("webhook: the PEM private key does not parse")
		}
		k, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("webhook: the private key is not RSA (Tango's X509 method is RSA PKCS#1 v1.5)")
		}
		if k.N.BitLen() < webhooksign.MinRSABits {
			return nil, fmt.Errorf("webhook: the private key is %d bits; use at least %d", k.N.BitLen(), webhooksign.MinRSABits)
		}
		return k, nil
	}
}
