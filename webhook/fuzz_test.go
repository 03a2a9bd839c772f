package webhook_test

import (
	"context"
	"testing"

	"github.com/tango-sdk/tango-go/webhook"
)

// FuzzDecodeEvent: the envelope decoder never panics, and what it accepts has an
// eventId and a non-negative revision.
func FuzzDecodeEvent(f *testing.F) {
	for _, s := range []string{
		`{"eventId":"e","revision":1,"eventType":"ItemAvailability","eventData":{"utid":"U1","status":"AVAILABLE"}}`,
		`{"eventId":"e","revision":1,"eventTypes":["LowBalance"],"category":["ACCOUNT"],"eventData":{"balance":1.5,"balanceThreshold":10}}`,
		`{"eventId":"e","revision":2,"eventType":"Transaction","eventData":{"amount":"x"}}`,
		`{"eventId":"e","revision":3,"eventType":"Other","eventOccurredAt":"2019-06-03T00:57:16Z","eventData":null}`,
		`{"eventId":"e","revision":9223372036854775807,"eventType":"RewardStatus","eventData":{"type":"x"}}`,
		`[]`, `null`, `{"eventId":1}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := webhook.DecodeEvent(b)
		if err != nil {
			return
		}
		env := webhook.EnvelopeOf(ev)
		if env.EventID == "" || env.Revision < 0 {
			t.Fatalf("accepted an envelope without an eventId or with a negative revision: %q", b)
		}
		_ = ev.Entity()
	})
}

// FuzzParseSignature: the signature parser never panics, never returns an empty
// candidate and respects its length cap.
func FuzzParseSignature(f *testing.F) {
	for _, s := range []string{"", "AAAA", "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=", "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA",
		"-_-_", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", " AAAA\t", "=", "A===", "\x00"} {
		f.Add(s, 128)
	}
	f.Fuzz(func(t *testing.T, s string, maxLen int) {
		cands, ok := webhook.ParseSignature(s, maxLen)
		if ok != (len(cands) > 0) {
			t.Fatalf("ok=%v with %d candidates", ok, len(cands))
		}
		if ok && len(s) > maxLen && len(s) > 0 && s[0] != ' ' && s[len(s)-1] != ' ' {
			t.Fatalf("accepted %d characters over a cap of %d", len(s), maxLen)
		}
		for _, c := range cands {
			if len(c) == 0 {
				t.Fatal("empty candidate")
			}
		}
	})
}

// FuzzHandlerNeverReachesFunc: whatever body and signature arrive, a handler
// whose key the fuzzer does not know never calls the Func.
func FuzzHandlerNeverReachesFunc(f *testing.F) {
	f.Add([]byte(`{"eventId":"e","revision":1,"eventType":"ItemAvailability","eventData":{"utid":"U1"}}`), "AAAA", secretHeaderValue)
	f.Add([]byte(`{}`), "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=", "")
	h, err := webhook.NewHandler(webhook.Config{Method: webhook.MethodHMAC, HMACKey: hmacKey, RequiredHeaders: map[string]string{secretHeaderName: secretHeaderValue}},
		func(context.Context, *webhook.Delivery) error { panic("a forged delivery reached the Func") })
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, sig, secret string) {
		if st := postDirect(h, body, map[string]string{webhook.SignatureHeader: sig, secretHeaderName: secret}); st == 200 {
			t.Fatalf("a forged delivery was acknowledged")
		}
	})
}
