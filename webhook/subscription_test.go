package webhook_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/internal/testcert"
	"github.com/tango-sdk/tango-go/internal/webhooksign"
	"github.com/tango-sdk/tango-go/webhook"
)

func TestSigningCertificateFromPEM(t *testing.T) {
	certPEM := testcert.SelfSigned(testKey())
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testKey())})
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)

	s, err := webhook.SigningCertificateFromPEM(certPEM)
	require.NoError(t, err)
	assert.NotContains(t, s, "-----")
	assert.NotContains(t, s, "\n")
	der, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	block, _ := pem.Decode(certPEM)
	assert.Equal(t, block.Bytes, der, "the certificate's DER, unchanged")

	for name, tc := range map[string]struct {
		pem  []byte
		want string
	}{
		"a private key with the certificate": {append(keyPEM, certPEM...), "private key"},
		"an EC certificate":                  {testcert.SelfSigned(ec), "RSA"},
		"an RSA key under 2048 bits":         {testcert.SelfSigned(small), "1024-bit"},
		"no PEM":                             {[]byte("no pem here"), "no CERTIFICATE"},
	} {
		_, err := webhook.SigningCertificateFromPEM(tc.pem)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
		assert.True(t, strings.HasPrefix(err.Error(), "webhook: SigningCertificateFromPEM: "), name)
	}
}

func TestHMACKeys(t *testing.T) {
	key, err := webhook.NewHMACKey()
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(key.Reveal())
	require.NoError(t, err)
	assert.Len(t, raw, 32)
	other, err := webhook.NewHMACKey()
	require.NoError(t, err)
	assert.NotEqual(t, key.Reveal(), other.Reveal(), "random")
	_, err = webhook.NewHandler(webhook.Config{Method: webhook.MethodHMAC, HMACKey: key.Reveal(), RequiredHeaders: map[string]string{"X-A": "b"}},
		func(context.Context, *webhook.Delivery) error { return nil })
	assert.NoError(t, err, "the receiver takes the key as made")

	from, err := webhook.HMACKeyFromBytes(raw)
	require.NoError(t, err)
	assert.Equal(t, key.Reveal(), from.Reveal())
	_, err = webhook.HMACKeyFromBytes([]byte("short"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "5 bytes")
}

// TestMethodsMatchTheRootsRules: the root validates a subscription's method
// with internal/webhooksign's names; they are the ones this package exports.
func TestMethodsMatchTheRootsRules(t *testing.T) {
	assert.Equal(t, webhooksign.MethodX509, webhook.MethodX509)
	assert.Equal(t, webhooksign.MethodHMAC, webhook.MethodHMAC)
	assert.Equal(t, webhooksign.MethodNone, webhook.MethodNone)
}
