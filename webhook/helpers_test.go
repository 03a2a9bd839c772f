package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/webhook"
)

// testKey is one RSA-2048 key for the whole run (generating one is slow).
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// otherKey is a second key, for signatures made for someone else.
var otherKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// hmacKey is a registered HMAC key (base64 text of 32 random bytes).
const hmacKey = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="

// secretHeader is the custom header the tests' subscriptions register.
const secretHeaderName, secretHeaderValue = "X-Hook-Secret", "planted-hook-secret-7c1e"

// signHMAC signs body the way the tests assume Tango does: base64(HMAC-SHA256).
func signHMAC(key []byte, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// hmacDecoded is the decoded form of hmacKey.
func hmacDecoded() []byte {
	b, err := base64.StdEncoding.DecodeString(hmacKey)
	if err != nil {
		panic(err)
	}
	return b
}

// encryptX509 makes Tango's X509 value: body (or its digest) encrypted to pub
// with PKCS#1 v1.5 in k-11 byte blocks, base64-encoded.
func encryptX509(t testing.TB, pub *rsa.PublicKey, plain []byte) string {
	t.Helper()
	var out []byte
	for rest := plain; len(rest) > 0; {
		n := min(len(rest), pub.Size()-11)
		//lint:ignore SA1019 Tango's X509 method is PKCS#1 v1.5 encryption
		c, err := rsa.EncryptPKCS1v15(rand.Reader, pub, rest[:n])
		require.NoError(t, err)
		out, rest = append(out, c...), rest[n:]
	}
	return base64.StdEncoding.EncodeToString(out)
}

// eventBody builds an envelope.
func eventBody(t testing.TB, id string, rev int64, typ string, data any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"eventId": id, "revision": rev, "eventType": typ, "categories": []string{"ITEM"},
		"eventOccurredAt": "2026-11-30T01:02:03Z", "eventData": data,
	})
	require.NoError(t, err)
	return b
}

// itemBody is an item availability event.
func itemBody(t testing.TB, id string, rev int64, utid, status string) []byte {
	return eventBody(t, id, rev, webhook.TypeItemAvailability, map[string]string{"utid": utid, "status": status})
}

// receiver runs a Handler on an httptest server and counts the calls that
// reached the Func.
type receiver struct {
	srv    *httptest.Server
	calls  atomic.Int64
	mu     sync.Mutex
	events []webhook.Event
	fail   atomic.Int64 // while > 0, the Func fails and decrements it
}

func newReceiver(t *testing.T, cfg webhook.Config) *receiver {
	t.Helper()
	rc := &receiver{}
	h, err := webhook.NewHandler(cfg, func(ctx context.Context, d *webhook.Delivery) error {
		rc.calls.Add(1)
		if rc.fail.Load() > 0 {
			rc.fail.Add(-1)
			return errors.New("planned failure")
		}
		rc.mu.Lock()
		rc.events = append(rc.events, d.Event)
		rc.mu.Unlock()
		return nil
	})
	require.NoError(t, err)
	rc.srv = httptest.NewServer(h)
	t.Cleanup(rc.srv.Close)
	return rc
}

// post sends body with headers and returns the status.
func (rc *receiver) post(t testing.TB, body []byte, hdr map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, rc.srv.URL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := rc.srv.Client().Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// httptestRequest builds a POST to the handler.
func httptestRequest(body []byte, hdr map[string]string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/hooks/tango", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return req
}

// serve runs one request through h in process and returns the status.
func serve(h http.Handler, req *http.Request) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// postDirect posts body to h from 127.0.0.1.
func postDirect(h http.Handler, body []byte, hdr map[string]string) int {
	req := httptestRequest(body, hdr)
	req.RemoteAddr = "127.0.0.1:5555"
	return serve(h, req)
}
