package webhook_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/webhook"
)

// configs are the verification setups every acceptance and refusal test runs
// under, with a signer for each.
func configs() []struct {
	name string
	cfg  webhook.Config
	sign func(testing.TB, []byte) string
} {
	hdr := map[string]string{secretHeaderName: secretHeaderValue}
	return []struct {
		name string
		cfg  webhook.Config
		sign func(testing.TB, []byte) string
	}{
		{"HMAC decoded key", webhook.Config{Method: webhook.MethodHMAC, HMACKey: hmacKey, RequiredHeaders: hdr},
			func(_ testing.TB, b []byte) string { return signHMAC(hmacDecoded(), b) }},
		{"HMAC text key", webhook.Config{Method: webhook.MethodHMAC, HMACKey: hmacKey, RequiredHeaders: hdr},
			func(_ testing.TB, b []byte) string { return signHMAC([]byte(hmacKey), b) }},
		{"X509 body", webhook.Config{Method: webhook.MethodX509, PrivateKey: testKey(), RequiredHeaders: hdr},
			func(t testing.TB, b []byte) string { return encryptX509(t, &testKey().PublicKey, b) }},
		{"X509 SHA-256", webhook.Config{Method: webhook.MethodX509, PrivateKey: testKey(), X509Input: webhook.X509SHA256, RequiredHeaders: hdr},
			func(t testing.TB, b []byte) string {
				s := sha256.Sum256(b)
				return encryptX509(t, &testKey().PublicKey, s[:])
			}},
	}
}

func TestHandlerAcceptsSignedEvents(t *testing.T) {
	for _, c := range configs() {
		t.Run(c.name, func(t *testing.T) {
			rc := newReceiver(t, c.cfg)
			short := itemBody(t, "ev-1", 7, "U123", "UNAVAILABLE")
			// A body longer than one RSA block (245 bytes) takes several blocks.
			long := itemBody(t, "ev-2", 8, "U124"+strings.Repeat("x", 600), "AVAILABLE")
			for _, b := range [][]byte{short, long} {
				st := rc.post(t, b, map[string]string{webhook.SignatureHeader: c.sign(t, b), secretHeaderName: secretHeaderValue})
				require.Equal(t, http.StatusOK, st)
			}
			require.EqualValues(t, 2, rc.calls.Load())
			ev, ok := rc.events[0].(*webhook.ItemAvailabilityEvent)
			require.True(t, ok, "%T", rc.events[0])
			assert.Equal(t, "U123", ev.UTID)
			assert.Equal(t, "UNAVAILABLE", ev.Status)
			assert.Equal(t, "ev-1", ev.EventID)
			assert.EqualValues(t, 7, ev.Revision)
			assert.Equal(t, "item:U123", ev.Entity())
		})
	}
}

// TestHandlerRefusesForgeries sends forged, tampered and malformed deliveries
// under every verification setup; none may reach the Func.
func TestHandlerRefusesForgeries(t *testing.T) {
	total := 0
	for _, c := range configs() {
		t.Run(c.name, func(t *testing.T) {
			rc := newReceiver(t, c.cfg)
			body := itemBody(t, "ev-1", 1, "U123", "AVAILABLE")
			good := c.sign(t, body)
			other := itemBody(t, "ev-1", 1, "U999", "AVAILABLE")
			tampered := bytes.Replace(body, []byte("U123"), []byte("U124"), 1)
			raw, _ := base64.StdEncoding.DecodeString(good)
			flipped := append([]byte(nil), raw...)
			flipped[len(flipped)/2] ^= 1
			auth := secretHeaderValue
			cases := []struct {
				name string
				body []byte
				hdr  map[string]string
				want int
			}{
				{"no signature", body, map[string]string{secretHeaderName: auth}, 401},
				{"empty signature", body, map[string]string{webhook.SignatureHeader: "", secretHeaderName: auth}, 401},
				{"garbage signature", body, map[string]string{webhook.SignatureHeader: "not base64 !!", secretHeaderName: auth}, 401},
				{"signature of another body", body, map[string]string{webhook.SignatureHeader: c.sign(t, other), secretHeaderName: auth}, 401},
				{"tampered body", tampered, map[string]string{webhook.SignatureHeader: good, secretHeaderName: auth}, 401},
				{"body with a trailing space", append(append([]byte(nil), body...), ' '), map[string]string{webhook.SignatureHeader: good, secretHeaderName: auth}, 401},
				{"one signature bit flipped", body, map[string]string{webhook.SignatureHeader: base64.StdEncoding.EncodeToString(flipped), secretHeaderName: auth}, 401},
				{"truncated signature", body, map[string]string{webhook.SignatureHeader: base64.StdEncoding.EncodeToString(raw[:len(raw)-1]), secretHeaderName: auth}, 401},
				{"signature doubled", body, map[string]string{webhook.SignatureHeader: base64.StdEncoding.EncodeToString(append(raw, raw...)), secretHeaderName: auth}, 401},
				{"HMAC under a wrong key", body, map[string]string{webhook.SignatureHeader: signHMAC([]byte("wrong key wrong key wrong key 32"), body), secretHeaderName: auth}, 401},
				{"X509 for another key", body, map[string]string{webhook.SignatureHeader: encryptX509(t, &otherKey().PublicKey, body), secretHeaderName: auth}, 401},
				{"custom header missing", body, map[string]string{webhook.SignatureHeader: good}, 401},
				{"custom header wrong", body, map[string]string{webhook.SignatureHeader: good, secretHeaderName: auth + "x"}, 401},
				{"custom header prefix", body, map[string]string{webhook.SignatureHeader: good, secretHeaderName: auth[:5]}, 401},
				{"empty body", nil, map[string]string{webhook.SignatureHeader: good, secretHeaderName: auth}, 401},
				{"oversized body", bytes.Repeat([]byte("a"), webhook.DefaultMaxBodyBytes+1), map[string]string{webhook.SignatureHeader: good, secretHeaderName: auth}, 413},
			}
			for _, tc := range cases {
				assert.Equal(t, tc.want, rc.post(t, tc.body, tc.hdr), tc.name)
				total++
			}
			// The genuine delivery still works after all that.
			require.Equal(t, 200, rc.post(t, body, map[string]string{webhook.SignatureHeader: good, secretHeaderName: auth}))
			require.EqualValues(t, 1, rc.calls.Load(), "only the genuine delivery reaches the Func")
		})
	}
	t.Logf("forged/tampered/oversized deliveries tried: %d, reaching the Func: 0", total)
}

func TestHandlerRepeatedSignatureHeaderRefused(t *testing.T) {
	c := configs()[0]
	rc := newReceiver(t, c.cfg)
	body := itemBody(t, "ev-1", 1, "U1", "AVAILABLE")
	req, err := http.NewRequest(http.MethodPost, rc.srv.URL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Add(webhook.SignatureHeader, "AAAA")
	req.Header.Add(webhook.SignatureHeader, c.sign(t, body))
	req.Header.Set(secretHeaderName, secretHeaderValue)
	resp, err := rc.srv.Client().Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode)
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		req, _ := http.NewRequest(m, rc.srv.URL, nil)
		resp, err := rc.srv.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	}
	assert.Zero(t, rc.calls.Load())
}

// TestHandlerReplayProcessedOnce: the same genuine delivery, sent many times,
// reaches the Func once and is acknowledged every time.
func TestHandlerReplayProcessedOnce(t *testing.T) {
	const replays = 20
	for _, c := range configs() {
		t.Run(c.name, func(t *testing.T) {
			rc := newReceiver(t, c.cfg)
			body := itemBody(t, "ev-replayed", 3, "U1", "AVAILABLE")
			hdr := map[string]string{webhook.SignatureHeader: c.sign(t, body), secretHeaderName: secretHeaderValue}
			for range replays {
				require.Equal(t, 200, rc.post(t, body, hdr))
			}
			assert.EqualValues(t, 1, rc.calls.Load())
		})
	}
	t.Logf("replayed deliveries tried: %d (%d per setup, %d setups), reaching the Func beyond the first: 0", replays*len(configs())-len(configs()), replays-1, len(configs()))
}

// TestHandlerErrorMeansRedeliver: a Func error answers 500 and the next delivery
// of the same event is processed.
func TestHandlerErrorMeansRedeliver(t *testing.T) {
	c := configs()[0]
	rc := newReceiver(t, c.cfg)
	rc.fail.Store(2)
	body := itemBody(t, "ev-1", 1, "U1", "AVAILABLE")
	hdr := map[string]string{webhook.SignatureHeader: c.sign(t, body), secretHeaderName: secretHeaderValue}
	assert.Equal(t, 500, rc.post(t, body, hdr))
	assert.Equal(t, 500, rc.post(t, body, hdr))
	assert.Equal(t, 200, rc.post(t, body, hdr))
	assert.Equal(t, 200, rc.post(t, body, hdr))
	assert.EqualValues(t, 3, rc.calls.Load())
	assert.Len(t, rc.events, 1)
}

// TestDeliveryNewer: revisions per entity, whatever the arrival order.
func TestDeliveryNewer(t *testing.T) {
	c := configs()[0]
	type seen struct {
		utid  string
		rev   int64
		newer bool
	}
	var got []seen
	h, err := webhook.NewHandler(c.cfg, func(ctx context.Context, d *webhook.Delivery) error {
		n, err := d.Newer(ctx)
		if err != nil {
			return err
		}
		ev := d.Event.(*webhook.ItemAvailabilityEvent)
		got = append(got, seen{ev.UTID, ev.Revision, n})
		return nil
	})
	require.NoError(t, err)
	for i, e := range []struct {
		utid string
		rev  int64
	}{{"A", 5}, {"A", 3}, {"B", 4}, {"A", 6}, {"B", 4}, {"B", 2}} {
		body := itemBody(t, fmt.Sprintf("ev-%d", i), e.rev, e.utid, "AVAILABLE")
		rec := postDirect(h, body, map[string]string{webhook.SignatureHeader: c.sign(t, body), secretHeaderName: secretHeaderValue})
		require.Equal(t, 200, rec)
	}
	assert.Equal(t, []seen{{"A", 5, true}, {"A", 3, false}, {"B", 4, true}, {"A", 6, true}, {"B", 4, false}, {"B", 2, false}}, got)
}

func TestUnknownEventPassedRaw(t *testing.T) {
	c := configs()[0]
	rc := newReceiver(t, c.cfg)
	body := eventBody(t, "ev-x", 1, "SomethingNew", map[string]any{"k": 1})
	require.Equal(t, 200, rc.post(t, body, map[string]string{webhook.SignatureHeader: c.sign(t, body), secretHeaderName: secretHeaderValue}))
	u, ok := rc.events[0].(*webhook.UnknownEvent)
	require.True(t, ok)
	assert.Equal(t, "SomethingNew", u.Type)
	assert.JSONEq(t, `{"k":1}`, string(u.Data))
	assert.Equal(t, "", u.Entity())
}

func TestSignedButNotAnEnvelope(t *testing.T) {
	c := configs()[0]
	rc := newReceiver(t, c.cfg)
	for _, b := range []string{`{}`, `[]`, `{"eventId":"a"}`, `{"eventId":"a","revision":-1}`, `{"eventId":"a","revision":1,"eventType":"ItemAvailability"}`, `{"eventId":"a","revision":1} {}`} {
		assert.Equal(t, 400, rc.post(t, []byte(b), map[string]string{webhook.SignatureHeader: c.sign(t, []byte(b)), secretHeaderName: secretHeaderValue}), b)
	}
	assert.Zero(t, rc.calls.Load())
}

// TestSourceAllowlist: only allowed client addresses get through; a forwarded
// address counts only when it comes from a trusted proxy.
func TestSourceAllowlist(t *testing.T) {
	body := itemBody(t, "ev-1", 1, "U1", "AVAILABLE")
	sig := signHMAC(hmacDecoded(), body)
	tango := webhook.SandboxSources()[0].Addr().String()
	cases := []struct {
		name    string
		proxies []netip.Prefix
		remote  string
		xff     []string
		want    int
	}{
		{"direct from Tango", nil, tango + ":4000", nil, 200},
		{"direct from elsewhere", nil, "198.51.100.7:4000", nil, 403},
		{"forged XFF, no trusted proxy", nil, "198.51.100.7:4000", []string{tango}, 403},
		{"via trusted proxy", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "10.1.2.3:5000", []string{tango}, 200},
		{"via trusted proxy, spoofed leftmost", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "10.1.2.3:5000", []string{tango + ", 198.51.100.7"}, 403},
		{"via two trusted proxies", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "10.1.2.3:5000", []string{tango, "10.9.9.9"}, 200},
		{"trusted proxy, no XFF", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "10.1.2.3:5000", nil, 403},
		{"trusted proxy, garbage XFF", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "10.1.2.3:5000", []string{"not-an-ip"}, 403},
		{"IPv4-mapped IPv6", nil, "[::ffff:" + tango + "]:4000", nil, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var calls int
			h, err := webhook.NewHandler(webhook.Config{Method: webhook.MethodHMAC, HMACKey: hmacKey,
				AllowedSources: webhook.SandboxSources(), TrustedProxies: tc.proxies},
				func(context.Context, *webhook.Delivery) error { calls++; return nil })
			require.NoError(t, err)
			req := httptestRequest(body, map[string]string{webhook.SignatureHeader: sig})
			req.RemoteAddr = tc.remote
			for _, x := range tc.xff {
				req.Header.Add("X-Forwarded-For", x)
			}
			rec := serve(h, req)
			assert.Equal(t, tc.want, rec)
			if tc.want != 200 {
				assert.Zero(t, calls)
			}
		})
	}
}

func TestConfigValidation(t *testing.T) {
	hdr := map[string]string{secretHeaderName: secretHeaderValue}
	bad := []struct {
		name string
		cfg  webhook.Config
	}{
		{"no method", webhook.Config{}},
		{"unknown method", webhook.Config{Method: "RSA"}},
		{"HMAC without key", webhook.Config{Method: webhook.MethodHMAC}},
		{"HMAC key not base64", webhook.Config{Method: webhook.MethodHMAC, HMACKey: "not base64!"}},
		{"HMAC key too short", webhook.Config{Method: webhook.MethodHMAC, HMACKey: "c2hvcnQ="}},
		{"X509 without key", webhook.Config{Method: webhook.MethodX509, RequiredHeaders: hdr}},
		{"X509 without header or allowlist", webhook.Config{Method: webhook.MethodX509, PrivateKey: testKey()}},
		{"NONE without header or allowlist", webhook.Config{Method: webhook.MethodNone}},
		{"NONE with key", webhook.Config{Method: webhook.MethodNone, HMACKey: hmacKey, RequiredHeaders: hdr}},
		{"empty allowlist", webhook.Config{Method: webhook.MethodNone, AllowedSources: []netip.Prefix{}}},
		{"invalid prefix", webhook.Config{Method: webhook.MethodNone, AllowedSources: []netip.Prefix{{}}}},
		{"empty header value", webhook.Config{Method: webhook.MethodNone, RequiredHeaders: map[string]string{"X-A": ""}}},
		{"negative body cap", webhook.Config{Method: webhook.MethodHMAC, HMACKey: hmacKey, MaxBodyBytes: -1}},
		{"huge body cap", webhook.Config{Method: webhook.MethodHMAC, HMACKey: hmacKey, MaxBodyBytes: webhook.MaxBodyBytesLimit + 1}},
		{"unknown X509 input", webhook.Config{Method: webhook.MethodX509, PrivateKey: testKey(), RequiredHeaders: hdr, X509Input: 9}},
	}
	for _, tc := range bad {
		_, err := webhook.NewHandler(tc.cfg, func(context.Context, *webhook.Delivery) error { return nil })
		assert.Error(t, err, tc.name)
		if err != nil {
			assert.NotContains(t, err.Error(), hmacKey, tc.name)
		}
	}
	_, err := webhook.NewHandler(webhook.Config{Method: webhook.MethodHMAC, HMACKey: hmacKey}, nil)
	assert.Error(t, err, "nil func")
	_, err = webhook.NewHandler(webhook.Config{Method: webhook.MethodNone, RequiredHeaders: hdr}, func(context.Context, *webhook.Delivery) error { return nil })
	assert.NoError(t, err)
}

// TestLogsHoldNoSecrets: refusals and failures are logged without header values,
// keys or bodies.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs bytes.Buffer
	cfg := configs()[0].cfg
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := webhook.NewHandler(cfg, func(context.Context, *webhook.Delivery) error { return fmt.Errorf("downstream busy") })
	require.NoError(t, err)
	body := itemBody(t, "ev-1", 1, "planted-utid-0042", "AVAILABLE")
	sig := signHMAC(hmacDecoded(), body)
	postDirect(h, body, map[string]string{webhook.SignatureHeader: sig, secretHeaderName: secretHeaderValue})
	postDirect(h, body, map[string]string{webhook.SignatureHeader: sig, secretHeaderName: "planted-wrong-value-99"})
	postDirect(h, body, map[string]string{webhook.SignatureHeader: "planted-bad-signature", secretHeaderName: secretHeaderValue})
	require.NotEmpty(t, logs.String())
	for _, planted := range []string{secretHeaderValue, "planted-wrong-value-99", "planted-bad-signature", hmacKey, sig, "planted-utid-0042"} {
		assert.NotContains(t, logs.String(), planted)
	}
}

// TestConcurrentDuplicatesProcessedOnce: copies of one event arriving together
// reach the Func once; the others are acknowledged (already done) or asked to
// come back (503, being processed).
func TestConcurrentDuplicatesProcessedOnce(t *testing.T) {
	c := configs()[0]
	release := make(chan struct{})
	var calls atomic.Int64
	h, err := webhook.NewHandler(c.cfg, func(context.Context, *webhook.Delivery) error {
		calls.Add(1)
		<-release
		return nil
	})
	require.NoError(t, err)
	body := itemBody(t, "ev-dup", 1, "U1", "AVAILABLE")
	hdr := map[string]string{webhook.SignatureHeader: c.sign(t, body), secretHeaderName: secretHeaderValue}
	const n = 10
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { statuses <- postDirect(h, body, hdr) })
	}
	// The first delivery holds the claim until released; let the others finish
	// first, then release it.
	for range n - 1 {
		assert.Equal(t, http.StatusServiceUnavailable, <-statuses)
	}
	close(release)
	wg.Wait()
	assert.Equal(t, http.StatusOK, <-statuses)
	assert.EqualValues(t, 1, calls.Load())
	assert.Equal(t, http.StatusOK, postDirect(h, body, hdr), "a later copy is acknowledged")
	assert.EqualValues(t, 1, calls.Load())
}

func TestParseRSAPrivateKeyPEM(t *testing.T) {
	k := testKey()
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	der8, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der8})
	for _, p := range [][]byte{pkcs1, pkcs8, append([]byte("junk\n"), pkcs1...)} {
		got, err := webhook.ParseRSAPrivateKeyPEM(p)
		require.NoError(t, err)
		assert.True(t, got.Equal(k))
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	for name, p := range map[string][]byte{
		"none":      []byte("nothing"),
		"EC":        pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}),
		"encrypted": pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}),
		"garbage":   pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1, 2, 3}}),
	} {
		_, err := webhook.ParseRSAPrivateKeyPEM(p)
		assert.Error(t, err, name)
	}
}

// TestX509RefusalsLookAlike: a value whose padding is invalid and a valid
// encryption of another body get the same answer, byte for byte: the handler
// is no padding oracle.
func TestX509RefusalsLookAlike(t *testing.T) {
	cfg := configs()[2].cfg
	h, err := webhook.NewHandler(cfg, func(context.Context, *webhook.Delivery) error { return nil })
	require.NoError(t, err)
	body := itemBody(t, "ev-1", 1, "U1", "AVAILABLE")
	random := make([]byte, 256*((len(body)+244)/245))
	_, _ = rand.Read(random)
	answers := map[string]string{}
	for name, sig := range map[string]string{
		"bad padding":    base64.StdEncoding.EncodeToString(random),
		"another body":   encryptX509(t, &testKey().PublicKey, bytes.Replace(body, []byte("U1"), []byte("U2"), 1)),
		"not base64":     "%%%",
		"wrong length":   base64.StdEncoding.EncodeToString(random[:100]),
		"missing header": "",
	} {
		req := httptestRequest(body, map[string]string{secretHeaderName: secretHeaderValue})
		if sig != "" {
			req.Header.Set(webhook.SignatureHeader, sig)
		}
		req.RemoteAddr = "127.0.0.1:1"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		answers[name] = fmt.Sprintf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
	for name, a := range answers {
		assert.Equal(t, answers["bad padding"], a, name)
	}
}

func TestMemoryStoreForgetsOldestEvents(t *testing.T) {
	ctx := context.Background()
	s, err := webhook.NewMemoryStoreSize(2)
	require.NoError(t, err)
	for _, id := range []string{"a", "b", "c"} {
		c, err := s.Claim(ctx, id)
		require.NoError(t, err)
		require.Equal(t, webhook.ClaimNew, c)
		require.NoError(t, s.Complete(ctx, id))
	}
	c, _ := s.Claim(ctx, "a")
	assert.Equal(t, webhook.ClaimNew, c, "the oldest was forgotten")
	c, _ = s.Claim(ctx, "c")
	assert.Equal(t, webhook.ClaimDone, c)
	_, err = webhook.NewMemoryStoreSize(0)
	assert.Error(t, err)
}
