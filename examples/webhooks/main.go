// Command webhooks subscribes a verifying receiver to Tango's item availability
// events, receives one, and shows that a forged delivery never reaches the
// receiver's code.
//
// It runs on an in-process tangotest server, whatever the environment says:
// Tango's sandbox cannot post to a receiver on this machine's loopback. The
// receiver uses the X509 method Tango recommends, with a secret custom header
// and a source allowlist beside it (the X509 value alone does not prove who sent
// it; see the webhook package doc).
//
//	go run ./examples/webhooks
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
	"github.com/tango-sdk/tango-go/webhook"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer) error {
	srv := tangotest.NewServer()
	defer srv.Close()
	// The fake enforces no rate limit, so the client runs unpaced; against Tango
	// the 1 TPS default applies.
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()),
		tango.WithRateLimit(tango.Unlimited))
	if err != nil {
		return err
	}
	defer c.Close()

	// 1. Key material made for this subscription only: an RSA key pair and a
	// self-signed certificate (openssl genrsa / req -x509 do the same), and a
	// random secret for a custom header.
	key, certPEM, err := newKeyAndCertificate()
	if err != nil {
		return err
	}
	cert, err := webhook.SigningCertificateFromPEM(certPEM)
	if err != nil {
		return err
	}
	secret, err := randomSecret()
	if err != nil {
		return err
	}

	// 2. The receiver. Production code would allow webhook.ProductionSources()
	// (and name its load balancers in TrustedProxies); here deliveries come from
	// loopback.
	var mu sync.Mutex
	received := 0
	h, err := webhook.NewHandler(webhook.Config{
		Method:          webhook.MethodX509,
		PrivateKey:      key,
		RequiredHeaders: map[string]string{"X-Hook-Secret": secret.Reveal()},
		AllowedSources:  []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
	}, func(ctx context.Context, d *webhook.Delivery) error {
		newer, err := d.Newer(ctx)
		if err != nil {
			return err // 500: Tango delivers again
		}
		switch ev := d.Event.(type) {
		case *webhook.ItemAvailabilityEvent:
			mu.Lock()
			received++
			mu.Unlock()
			fmt.Fprintf(out, "received %s: item %s is %s (revision %d, newer than what we applied: %v)\n",
				ev.Type, ev.UTID, ev.Status, ev.Revision, newer)
		default:
			fmt.Fprintf(out, "received %s (not handled here)\n", d.Envelope().Type)
		}
		return nil
	})
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer func() { _ = hs.Shutdown(context.Background()) }()
	receiverURL := "http://" + ln.Addr().String() + "/tango/events"

	// 3. Subscribe through the SDK.
	sub, err := c.Webhooks.Create(ctx, &tango.CreateWebhookRequest{
		URL:                       receiverURL,
		EventTypes:                []string{webhook.TypeItemAvailability},
		PayloadVerificationMethod: webhook.MethodX509,
		SigningCertificate:        cert,
		Headers:                   []tango.WebhookHeader{{Name: "X-Hook-Secret", Value: secret}},
	})
	if err != nil {
		return err
	}
	left, _ := sub.ExpiresIn(time.Now())
	fmt.Fprintf(out, "subscribed %s to ItemAvailability at %s; expires in %d days\n", sub.WebhookID, receiverURL, int(left.Hours()/24))

	// 4. The fake posts a signed event, as Tango would.
	event := tangotest.WebhookEvent{Type: webhook.TypeItemAvailability, Data: map[string]string{"utid": tangotest.UTIDRewardLink, "status": "UNAVAILABLE"}}
	ds, err := srv.DeliverWebhookEvents(ctx, sub.WebhookID, []tangotest.WebhookEvent{event}, tangotest.DeliverTwice())
	if err != nil {
		return err
	}
	for _, d := range ds {
		fmt.Fprintf(out, "delivery of event %s (revision %d): receiver answered %d\n", short(d.EventID), d.Revision, d.Status)
	}

	// 5. Forgeries: a tampered signature from the fake, then a hand-made post
	// without the signature and the secret header.
	ds, err = srv.DeliverWebhookEvents(ctx, sub.WebhookID, []tangotest.WebhookEvent{event}, tangotest.DeliverWithBadSignature())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "forged delivery (bad signature): receiver answered %d\n", ds[0].Status)
	status, err := postForged(ctx, receiverURL)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "forged delivery (no signature, no secret header): receiver answered %d\n", status)

	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(out, "events that reached the receiver's code: %d\n", received)
	if received != 1 {
		return fmt.Errorf("expected exactly one event to reach the receiver's code, got %d", received)
	}
	return nil
}

// postForged posts an envelope with no signature and no custom header.
func postForged(ctx context.Context, target string) (int, error) {
	body := []byte(`{"eventId":"forged-1","revision":99,"eventType":"ItemAvailability","eventData":{"utid":"U000001","status":"AVAILABLE"}}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// newKeyAndCertificate makes an RSA-2048 key and a self-signed certificate.
func newKeyAndCertificate() (*rsa.PrivateKey, []byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "webhook receiver"},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// randomSecret is a random value for the custom header.
func randomSecret() (tango.Secret, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return tango.Secret{}, errors.New("no randomness")
	}
	return tango.NewSecret(hex.EncodeToString(b)), nil
}

// short abbreviates an event id for display.
func short(id string) string {
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}
