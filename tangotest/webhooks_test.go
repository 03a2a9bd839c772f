package tangotest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
	"github.com/tango-sdk/tango-go/webhook"
)

// hookKey is one RSA key and its self-signed certificate for the run.
var hookKey = sync.OnceValues(func() (*rsa.PrivateKey, string) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "receiver"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		panic(err)
	}
	return k, base64.StdEncoding.EncodeToString(der)
})

const hookHMAC = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="

// hookRig is a fake plus a verifying receiver subscribed to it.
type hookRig struct {
	f      *fixture
	id     string
	mu     sync.Mutex
	got    []webhook.Event
	newer  []bool
	failN  int // the Func fails this many more times
	called int
}

func newHookRig(t *testing.T, method string) *hookRig {
	rig := &hookRig{f: setup(t)}
	key, cert := hookKey()
	cfg := webhook.Config{Method: webhook.Method(method), RequiredHeaders: map[string]string{"X-Hook-Secret": "s3cret-value"}}
	body := map[string]any{"eventTypes": []string{"ItemAvailability"}, "payloadVerificationMethod": method,
		"headers": []map[string]string{{"name": "X-Hook-Secret", "value": "s3cret-value"}}}
	switch method {
	case "X509":
		cfg.PrivateKey, body["signingCertificate"] = key, cert
	case "HMAC":
		cfg.HMACKey, body["hmacSharedSecretKey"] = hookHMAC, hookHMAC
	}
	h, err := webhook.NewHandler(cfg, func(ctx context.Context, d *webhook.Delivery) error {
		rig.mu.Lock()
		defer rig.mu.Unlock()
		rig.called++
		if rig.failN > 0 {
			rig.failN--
			return context.DeadlineExceeded
		}
		n, err := d.Newer(ctx)
		if err != nil {
			return err
		}
		rig.got, rig.newer = append(rig.got, d.Event), append(rig.newer, n)
		return nil
	})
	require.NoError(t, err)
	recv := httptest.NewServer(h)
	t.Cleanup(recv.Close)
	body["url"] = recv.URL + "/hooks"
	r := rig.f.do(http.MethodPost, "webhooks", body)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	rig.id = r.obj(t)["webhookId"].(string)
	return rig
}

func item(utid, status string) tangotest.WebhookEvent {
	return tangotest.WebhookEvent{Type: "ItemAvailability", Data: map[string]string{"utid": utid, "status": status}}
}

func statuses(ds []tangotest.Delivery) []int {
	var out []int
	for _, d := range ds {
		out = append(out, d.Status)
	}
	return out
}

func TestWebhookDeliveryOptions(t *testing.T) {
	for _, method := range []string{"X509", "HMAC", "NONE"} {
		t.Run(method, func(t *testing.T) {
			ctx := context.Background()
			t.Run("plain", func(t *testing.T) {
				rig := newHookRig(t, method)
				ds, err := rig.f.srv.DeliverWebhookEvents(ctx, rig.id, []tangotest.WebhookEvent{item("U1", "AVAILABLE")})
				require.NoError(t, err)
				assert.Equal(t, []int{200}, statuses(ds))
				require.Len(t, rig.got, 1)
				ev := rig.got[0].(*webhook.ItemAvailabilityEvent)
				assert.Equal(t, "U1", ev.UTID)
				assert.EqualValues(t, 1, ev.Revision)
			})
			t.Run("twice", func(t *testing.T) {
				rig := newHookRig(t, method)
				ds, err := rig.f.srv.DeliverWebhookEvents(ctx, rig.id, []tangotest.WebhookEvent{item("U1", "AVAILABLE")}, tangotest.DeliverTwice())
				require.NoError(t, err)
				assert.Equal(t, []int{200, 200}, statuses(ds))
				assert.Equal(t, ds[0].EventID, ds[1].EventID)
				assert.Equal(t, 1, rig.called, "the second copy is dropped")
			})
			t.Run("out of order", func(t *testing.T) {
				rig := newHookRig(t, method)
				ds, err := rig.f.srv.DeliverWebhookEvents(ctx, rig.id,
					[]tangotest.WebhookEvent{item("U1", "UNAVAILABLE"), item("U1", "AVAILABLE")}, tangotest.DeliverOutOfOrder())
				require.NoError(t, err)
				assert.Equal(t, []int64{2, 1}, []int64{ds[0].Revision, ds[1].Revision})
				assert.Equal(t, []bool{true, false}, rig.newer, "the older revision arriving last is not newer")
			})
			t.Run("late", func(t *testing.T) {
				rig := newHookRig(t, method)
				before := time.Now()
				_, err := rig.f.srv.DeliverWebhookEvents(ctx, rig.id, []tangotest.WebhookEvent{item("U1", "AVAILABLE")}, tangotest.DeliverLate(6*time.Hour))
				require.NoError(t, err)
				require.Len(t, rig.got, 1)
				assert.WithinDuration(t, before.Add(-6*time.Hour), webhook.EnvelopeOf(rig.got[0]).OccurredAt, time.Minute)
			})
			t.Run("retry on non-2xx", func(t *testing.T) {
				rig := newHookRig(t, method)
				rig.failN = 2
				ds, err := rig.f.srv.DeliverWebhookEvents(ctx, rig.id, []tangotest.WebhookEvent{item("U1", "AVAILABLE")}, tangotest.DeliverRetrying(3))
				require.NoError(t, err)
				assert.Equal(t, []int{500, 500, 200}, statuses(ds))
				assert.Equal(t, []int{1, 2, 3}, []int{ds[0].Attempt, ds[1].Attempt, ds[2].Attempt})
				assert.Len(t, rig.got, 1)
			})
			if method == "NONE" {
				return // nothing to forge
			}
			t.Run("bad signature", func(t *testing.T) {
				rig := newHookRig(t, method)
				ds, err := rig.f.srv.DeliverWebhookEvents(ctx, rig.id, []tangotest.WebhookEvent{item("U1", "AVAILABLE"), item("U2", "AVAILABLE")},
					tangotest.DeliverWithBadSignature(), tangotest.DeliverRetrying(2))
				require.NoError(t, err)
				assert.Equal(t, []int{401, 401, 401, 401, 401, 401}, statuses(ds))
				assert.Zero(t, rig.called)
				// Forgeries take no revision: the next genuine event is revision 1.
				ds, err = rig.f.srv.DeliverWebhookEvents(ctx, rig.id, []tangotest.WebhookEvent{item("U1", "AVAILABLE")})
				require.NoError(t, err)
				assert.EqualValues(t, 1, ds[0].Revision)
			})
		})
	}
}

func TestWebhookOperationsDeliver(t *testing.T) {
	rig := newHookRig(t, "X509")
	r := rig.f.do(http.MethodPost, "webhooks/"+rig.id+"/tests/ItemAvailability", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	r = rig.f.do(http.MethodPost, "webhooks/"+rig.id+"/tests", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Len(t, rig.got, 11, "one test event, then one per test name")
	r = rig.f.do(http.MethodGet, "webhooks/"+rig.id+"/events?fromRevision=2&toRevision=3", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Len(t, r.obj(t)["items"], 2)
	// Replay delivers stored events again: same eventIds, dropped by the handler.
	r = rig.f.do(http.MethodPost, "webhooks/"+rig.id+"/replay?fromRevision=1", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, 11, rig.called)
	r = rig.f.do(http.MethodPost, "webhooks/"+rig.id+"/replay", nil)
	assert.Equal(t, http.StatusBadRequest, r.status, "fromRevision is required")
	r = rig.f.do(http.MethodPost, "webhooks/"+rig.id+"/tests/Nope", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
}

func TestWebhookSubscriptionRules(t *testing.T) {
	f := setup(t)
	_, cert := hookKey()
	for name, body := range map[string]map[string]any{
		"not loopback":     {"url": "https://example.com/hooks", "eventTypes": []string{"ItemAvailability"}, "payloadVerificationMethod": "NONE"},
		"no events":        {"url": "http://127.0.0.1:9/h", "payloadVerificationMethod": "NONE"},
		"X509 no cert":     {"url": "http://127.0.0.1:9/h", "eventTypes": []string{"ItemAvailability"}, "payloadVerificationMethod": "X509"},
		"bad cert":         {"url": "http://127.0.0.1:9/h", "eventTypes": []string{"ItemAvailability"}, "payloadVerificationMethod": "X509", "signingCertificate": "-----BEGIN"},
		"HMAC no key":      {"url": "http://127.0.0.1:9/h", "eventTypes": []string{"ItemAvailability"}, "payloadVerificationMethod": "HMAC"},
		"unknown method":   {"url": "http://127.0.0.1:9/h", "eventTypes": []string{"ItemAvailability"}, "payloadVerificationMethod": "RSA"},
		"empty header val": {"url": "http://127.0.0.1:9/h", "eventTypes": []string{"ItemAvailability"}, "headers": []map[string]string{{"name": "X-A", "value": ""}}},
	} {
		r := f.do(http.MethodPost, "webhooks", body)
		assert.Equal(t, http.StatusBadRequest, r.status, name)
	}
	r := f.do(http.MethodPost, "webhooks", map[string]any{"url": "http://127.0.0.1:9/h", "categories": []string{"ITEM"}, "signingCertificate": cert})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	id := r.obj(t)["webhookId"].(string)
	g := f.do(http.MethodGet, "webhooks/"+id, nil).obj(t)
	assert.Equal(t, "X509", g["payloadVerificationMethod"], "a certificate without a method means X509")
	assert.Equal(t, http.StatusNotFound, f.do(http.MethodGet, "webhooks/00000000-0000-0000-0000-000000000000", nil).status)
	assert.Equal(t, http.StatusBadRequest, f.do(http.MethodGet, "webhooks/not-a-uuid", nil).status)
	require.Equal(t, http.StatusOK, f.do(http.MethodDelete, "webhooks/"+id, nil).status)
	assert.Equal(t, http.StatusNotFound, f.do(http.MethodGet, "webhooks/"+id, nil).status)
	_, err := f.srv.DeliverWebhookEvents(context.Background(), id, nil)
	assert.ErrorIs(t, err, tangotest.ErrNoWebhook)
}
