package tango_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/doctor"
	"github.com/tango-sdk/tango-go/internal/testcert"
	"github.com/tango-sdk/tango-go/tangotest"
	"github.com/tango-sdk/tango-go/webhook"
)

// receiverKey is an RSA key and its self-signed certificate in PEM, for the run.
var receiverKey = sync.OnceValues(func() (*rsa.PrivateKey, []byte) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k, testcert.SelfSigned(k)
})

const plantedHookSecret = "planted-hook-header-5b9d"

// TestWebhooksEveryOperation subscribes a verifying receiver on the fake and
// runs every /webhooks operation through the SDK.
func TestWebhooksEveryOperation(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	c := fakeClient(t, srv, srv.BasicAuth())
	key, certPEM := receiverKey()
	cert, err := webhook.SigningCertificateFromPEM(certPEM)
	require.NoError(t, err)
	require.NotContains(t, cert, "\n")

	var mu sync.Mutex
	var got []webhook.Event
	h, err := webhook.NewHandler(webhook.Config{Method: webhook.MethodX509, PrivateKey: key,
		RequiredHeaders: map[string]string{"X-Hook-Secret": plantedHookSecret}},
		func(_ context.Context, d *webhook.Delivery) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, d.Event)
			return nil
		})
	require.NoError(t, err)
	recv := httptest.NewServer(h)
	t.Cleanup(recv.Close)

	created, err := c.Webhooks.Create(ctx, &tango.CreateWebhookRequest{
		URL: recv.URL + "/tango", EventTypes: []string{webhook.TypeItemAvailability},
		Headers:                   []tango.WebhookHeader{{Name: "X-Hook-Secret", Value: tango.NewSecret(plantedHookSecret)}},
		PayloadVerificationMethod: webhook.MethodX509, SigningCertificate: cert,
	})
	require.NoError(t, err)
	left, ok := created.ExpiresIn(time.Now())
	require.True(t, ok)
	assert.Greater(t, left, 300*24*time.Hour)

	w, err := c.Webhooks.Get(ctx, created.WebhookID)
	require.NoError(t, err)
	assert.Equal(t, webhook.MethodX509, w.PayloadVerificationMethod)
	assert.Equal(t, plantedHookSecret, w.Headers[0].Value.Reveal())
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", w, w, w), plantedHookSecret)
	b, err := json.Marshal(w)
	require.NoError(t, err)
	assert.NotContains(t, string(b), plantedHookSecret)

	_, err = c.Webhooks.Create(ctx, &tango.CreateWebhookRequest{URL: recv.URL + "/second", Categories: []string{webhook.CategoryItem},
		PayloadVerificationMethod: webhook.MethodNone, Headers: []tango.WebhookHeader{{Name: "X-Hook-Secret", Value: tango.NewSecret(plantedHookSecret)}}})
	require.NoError(t, err)
	page, err := c.Webhooks.List(ctx, &tango.ListWebhooksParams{CursorParams: tango.CursorParams{MaxResults: 1}})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
	assert.True(t, page.HasNext())
	n := 0
	for w, err := range c.Webhooks.All(ctx, nil) {
		require.NoError(t, err)
		require.NotEmpty(t, w.WebhookID)
		n++
	}
	assert.Equal(t, 2, n)

	upd, err := c.Webhooks.Update(ctx, created.WebhookID, &tango.UpdateWebhookRequest{Categories: []string{webhook.CategoryItem}})
	require.NoError(t, err)
	assert.Equal(t, []string{"ITEM"}, upd.Categories)

	for et, err := range c.Webhooks.AllEventTypes(ctx, nil) {
		require.NoError(t, err)
		require.NotEmpty(t, et.Category)
	}
	types, err := c.Webhooks.EventTypes(ctx, &tango.ListWebhookEventTypesParams{Category: "ITEM"})
	require.NoError(t, err)
	require.Len(t, types.Items, 1)
	assert.Contains(t, types.Items[0].EventTypes, webhook.TypeItemAvailability)

	_, err = c.Webhooks.Test(ctx, created.WebhookID, webhook.TestItemAvailability)
	require.NoError(t, err)
	_, err = c.Webhooks.TestAll(ctx, created.WebhookID)
	require.NoError(t, err)
	mu.Lock()
	assert.Len(t, got, 11)
	ev, ok := got[0].(*webhook.ItemAvailabilityEvent)
	mu.Unlock()
	require.True(t, ok)
	assert.NotEmpty(t, ev.UTID)

	evs, err := c.Webhooks.Events(ctx, created.WebhookID, &tango.ListWebhookEventsParams{FromRevision: 1, ToRevision: 2})
	require.NoError(t, err)
	assert.Len(t, evs.Items, 2)
	count := 0
	for e, err := range c.Webhooks.AllEvents(ctx, created.WebhookID, nil) {
		require.NoError(t, err)
		assert.EqualValues(t, count+1, e.Revision)
		count++
	}
	assert.Equal(t, 11, count)

	_, err = c.Webhooks.Replay(ctx, created.WebhookID, 1, 0)
	require.NoError(t, err)
	mu.Lock()
	assert.Len(t, got, 11, "replayed events are dropped by the receiver")
	mu.Unlock()

	require.NoError(t, srv.ExpireWebhookAt(created.WebhookID, time.Now().Add(time.Hour)))
	renewed, err := c.Webhooks.Renew(ctx, created.WebhookID)
	require.NoError(t, err)
	left, _ = renewed.ExpiresIn(time.Now())
	assert.Greater(t, left, 300*24*time.Hour)

	_, err = c.Webhooks.Delete(ctx, created.WebhookID)
	require.NoError(t, err)
	_, err = c.Webhooks.Get(ctx, created.WebhookID)
	assert.ErrorIs(t, err, tango.ErrNotFound)
}

// TestWebhookRequestsValidated: bad subscriptions are refused before sending.
func TestWebhookRequestsValidated(t *testing.T) {
	ctx := context.Background()
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	c := fakeClient(t, srv, srv.BasicAuth())
	_, certPEM := receiverKey()
	cert, err := webhook.SigningCertificateFromPEM(certPEM)
	require.NoError(t, err)
	key, err := webhook.NewHMACKey()
	require.NoError(t, err)
	ok := tango.CreateWebhookRequest{URL: "https://hooks.example.com/tango", EventTypes: []string{"ItemAvailability"}, PayloadVerificationMethod: webhook.MethodHMAC, HMACSharedSecretKey: key}
	bad := map[string]func(r *tango.CreateWebhookRequest){
		"no url":              func(r *tango.CreateWebhookRequest) { r.URL = "" },
		"plain http":          func(r *tango.CreateWebhookRequest) { r.URL = "http://hooks.example.com/t" },
		"relative":            func(r *tango.CreateWebhookRequest) { r.URL = "/t" },
		"user info":           func(r *tango.CreateWebhookRequest) { r.URL = "https://u:p@hooks.example.com/t" },
		"no events":           func(r *tango.CreateWebhookRequest) { r.EventTypes = nil },
		"no method":           func(r *tango.CreateWebhookRequest) { r.PayloadVerificationMethod = "" },
		"unknown method":      func(r *tango.CreateWebhookRequest) { r.PayloadVerificationMethod = "RSA" },
		"HMAC without key":    func(r *tango.CreateWebhookRequest) { r.HMACSharedSecretKey = tango.Secret{} },
		"HMAC key not base64": func(r *tango.CreateWebhookRequest) { r.HMACSharedSecretKey = tango.NewSecret("not base64!") },
		"HMAC key short":      func(r *tango.CreateWebhookRequest) { r.HMACSharedSecretKey = tango.NewSecret("c2hvcnQ=") },
		"X509 without cert":   func(r *tango.CreateWebhookRequest) { r.PayloadVerificationMethod = webhook.MethodX509 },
		"X509 PEM not one line": func(r *tango.CreateWebhookRequest) {
			r.PayloadVerificationMethod, r.SigningCertificate = webhook.MethodX509, string(certPEM)
		},
		"NONE with key": func(r *tango.CreateWebhookRequest) { r.PayloadVerificationMethod = webhook.MethodNone },
		"header name": func(r *tango.CreateWebhookRequest) {
			r.Headers = []tango.WebhookHeader{{Name: "X Bad", Value: tango.NewSecret("v")}}
		},
		"header value newline": func(r *tango.CreateWebhookRequest) {
			r.Headers = []tango.WebhookHeader{{Name: "X-A", Value: tango.NewSecret("a\r\nb")}}
		},
		"markup event type": func(r *tango.CreateWebhookRequest) { r.EventTypes = []string{"<x>"} },
	}
	for name, mut := range bad {
		r := ok
		mut(&r)
		_, err := c.Webhooks.Create(ctx, &r)
		assert.ErrorIs(t, err, tango.ErrValidation, name)
		if err != nil {
			assert.NotContains(t, err.Error(), key.Reveal(), name)
		}
	}
	x := ok
	x.PayloadVerificationMethod, x.HMACSharedSecretKey, x.SigningCertificate = webhook.MethodX509, tango.Secret{}, cert
	for _, id := range []string{"", "../accounts", "not-a-uuid"} {
		_, err := c.Webhooks.Get(ctx, id)
		assert.ErrorIs(t, err, tango.ErrValidation, id)
		_, err = c.Webhooks.Replay(ctx, id, 1, 0)
		assert.ErrorIs(t, err, tango.ErrValidation, id)
	}
	_, err = c.Webhooks.Replay(ctx, "8d8a1c0e-7f5b-4f8e-9f55-2d7d6f9b7a10", 5, 2)
	assert.ErrorIs(t, err, tango.ErrValidation)
	_, err = c.Webhooks.Test(ctx, "8d8a1c0e-7f5b-4f8e-9f55-2d7d6f9b7a10", "../x")
	assert.ErrorIs(t, err, tango.ErrValidation)
	assert.Empty(t, srv.Requests(), "nothing was sent")
	// The valid requests pass the SDK's rules (the fake may still refuse them).
	_, err = c.Webhooks.Create(ctx, &ok)
	assert.NotErrorIs(t, err, tango.ErrValidation, "HMAC")
	_, err = c.Webhooks.Create(ctx, &x)
	assert.NotErrorIs(t, err, tango.ErrValidation, "X509")
}

// TestWebhookSecretsStayOutOfLogs: header values and HMAC keys never reach the
// SDK's logs or errors, though they reach the wire.
func TestWebhookSecretsStayOutOfLogs(t *testing.T) {
	ctx := context.Background()
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	var logs strings.Builder
	var mu sync.Mutex
	lg := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := fakeClient(t, srv, srv.BasicAuth(), tango.WithLogger(lg))
	key, err := webhook.NewHMACKey()
	require.NoError(t, err)
	req := &tango.CreateWebhookRequest{URL: "http://127.0.0.1:9/hooks", EventTypes: []string{"ItemAvailability"},
		PayloadVerificationMethod: webhook.MethodHMAC, HMACSharedSecretKey: key,
		Headers: []tango.WebhookHeader{{Name: "Authorization", Value: tango.NewSecret("Bearer " + plantedHookSecret)}}}
	created, err := c.Webhooks.Create(ctx, req)
	require.NoError(t, err)
	w, err := c.Webhooks.Get(ctx, created.WebhookID)
	require.NoError(t, err)
	assert.Equal(t, key.Reveal(), w.HMACSharedSecretKey.Reveal(), "the key reached the wire")
	_, err = c.Webhooks.List(ctx, &tango.ListWebhooksParams{HeaderName: "Authorization", HeaderValue: tango.NewSecret("Bearer " + plantedHookSecret)})
	require.NoError(t, err)
	out := fmt.Sprintf("%v %+v %#v %s %v", req, req, w, logs.String(), *req)
	for _, planted := range []string{plantedHookSecret, key.Reveal()} {
		assert.NotContains(t, out, planted)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestWebhookExpiresIn(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	w := &tango.Webhook{ExpiresAt: now.Add(72 * time.Hour)}
	left, ok := w.ExpiresIn(now)
	assert.True(t, ok)
	assert.Equal(t, 72*time.Hour, left)
	left, _ = w.ExpiresIn(now.Add(100 * time.Hour))
	assert.Negative(t, left)
	_, ok = (&tango.Webhook{}).ExpiresIn(now)
	assert.False(t, ok)
}

// TestDoctorWarnsBeforeWebhooksExpire: the doctor warns about a subscription
// that expires within 14 days, and passes when none does.
func TestDoctorWarnsBeforeWebhooksExpire(t *testing.T) {
	ctx := context.Background()
	srv := diagFake(t)
	c := diagClient(t, srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()), noPacing())
	created, err := c.Webhooks.Create(ctx, &tango.CreateWebhookRequest{URL: "http://127.0.0.1:9/hooks", EventTypes: []string{"ItemAvailability"},
		PayloadVerificationMethod: webhook.MethodNone, Headers: []tango.WebhookHeader{{Name: "X-Hook-Secret", Value: tango.NewSecret(plantedHookSecret)}}})
	require.NoError(t, err)
	for _, tc := range []struct {
		in   time.Duration
		want doctor.Status
		say  string
	}{
		{30 * 24 * time.Hour, doctor.Passed, "none expires within 14 days"},
		{13 * 24 * time.Hour, doctor.Warning, "expire within 14 days"},
		{-time.Hour, doctor.Warning, "expired"},
	} {
		require.NoError(t, srv.ExpireWebhookAt(created.WebhookID, time.Now().Add(tc.in)))
		d := diagnose(t, c)
		ch := check(t, d, doctor.CheckWebhooks)
		assert.Equal(t, tc.want, ch.Status, "%s", d)
		assert.Contains(t, ch.Summary, tc.say)
		if tc.want == doctor.Warning {
			assert.Contains(t, strings.Join(ch.Details, " "), created.WebhookID)
			assert.Contains(t, ch.Fix, "Renew")
		}
		assert.NotContains(t, d.String(), plantedHookSecret)
	}
}
