package webhook

// What tango.WebhooksService takes to subscribe a receiver and exercise it:
// the signing material to register (a certificate or an HMAC key) and the
// names of Tango's test deliveries. The receiver's own key is read in keys.go.

import (
	"crypto/rand"
	"fmt"

	tango "github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/webhooksign"
)

// Test deliveries Tango can send to a subscription on request, the testName of
// tango.WebhooksService.Test (POST /webhooks/{webhookId}/tests/{testName}).
// Each but TestConnectivity sends an event of the type it is named after; the
// credential status test is CredentialStatus, not APICredentials.
const (
	TestConnectivity           = "ConnectivityTest"
	TestItemAvailability       = "ItemAvailability"
	TestRewardStatus           = "RewardStatus"
	TestTransaction            = "Transaction"
	TestLowBalance             = "LowBalance"
	TestAccountStatus          = "AccountStatus"
	TestCredentialStatus       = "CredentialStatus"
	TestLineItemDeliveryStatus = "LineItemDeliveryStatus"
	TestAsyncOrderStatus       = "AsyncOrderStatus"
	TestExchangeRatesStatus    = "ExchangeRatesStatus"
)

// SigningCertificateFromPEM turns a PEM certificate (openssl req -x509 ... -out
// certificate.pem) into the signingCertificate Tango requires for an X509
// subscription (tango.CreateWebhookRequest.SigningCertificate): the DER bytes
// in base64 on one line, without the BEGIN/END lines. It takes the first
// CERTIFICATE block, checks that it parses and holds an RSA key of at least
// 2048 bits, and refuses PEM that holds a private key: that never leaves your
// receiver (Config.PrivateKey).
func SigningCertificateFromPEM(pemBytes []byte) (string, error) {
	s, err := webhooksign.CertificateFromPEM(pemBytes)
	if err != nil {
		return "", fmt.Errorf("webhook: SigningCertificateFromPEM: %w", err)
	}
	return s, nil
}

// NewHMACKey returns a new random HMAC key for a subscription, 32 bytes,
// base64-encoded as Tango requires. Give the same value to Tango
// (tango.CreateWebhookRequest.HMACSharedSecretKey) and to the receiver
// (Config.HMACKey, via Reveal).
func NewHMACKey() (tango.Secret, error) {
	b := make([]byte, webhooksign.MinHMACKeyBytes)
	if _, err := rand.Read(b); err != nil {
		return tango.Secret{}, fmt.Errorf("webhook: NewHMACKey: %w", err)
	}
	return HMACKeyFromBytes(b)
}

// HMACKeyFromBytes encodes existing key bytes (at least 32) as the base64 text
// Tango requires for hmacSharedSecretKey, for keys kept elsewhere (a secret
// manager) rather than made by NewHMACKey.
func HMACKeyFromBytes(key []byte) (tango.Secret, error) {
	s, err := webhooksign.EncodeHMACKey(key)
	if err != nil {
		return tango.Secret{}, fmt.Errorf("webhook: HMACKeyFromBytes: %w", err)
	}
	return tango.NewSecret(s), nil
}
