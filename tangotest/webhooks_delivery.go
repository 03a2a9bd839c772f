package tangotest

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
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Delivering events to subscribers. Each delivery is a POST of the JSON envelope
// with content-type application/json, the subscription's custom headers and
// X-Signed-Payload signed as the subscription says:
//
//   - HMAC: base64 of HMAC-SHA256 over the body, keyed with the bytes the
//     registered base64 key decodes to;
//   - X509: the body split into blocks of k-11 bytes (k the key size in bytes),
//     each encrypted with the registered certificate's RSA key (PKCS#1 v1.5), the
//     ciphertexts concatenated and base64-encoded;
//   - NONE: no signature header.
//
// These are the fake's readings of Tango's pages, which leave the key form
// (HMAC) and the block layout (X509) open; the webhook package accepts them.

// WebhookEvent is an event for DeliverWebhookEvents.
type WebhookEvent struct {
	// Type is the eventType ("ItemAvailability", ...).
	Type string
	// Categories default to the type's documented category.
	Categories []string
	// Data becomes eventData (encoded as JSON).
	Data any
	// EventID is generated (a UUID) when empty.
	EventID string
	// OccurredAt is eventOccurredAt; the fake's clock when zero.
	OccurredAt time.Time
}

// webhookEventWire is an envelope as posted and as GET events lists it.
type webhookEventWire struct {
	EventID         string          `json:"eventId"`
	Revision        int64           `json:"revision"`
	EventType       string          `json:"eventType"`
	Categories      []string        `json:"categories"`
	EventOccurredAt string          `json:"eventOccurredAt"`
	EventData       json.RawMessage `json:"eventData"`
}

// Delivery is the outcome of one POST to a subscriber.
type Delivery struct {
	// EventID and Revision name the event posted.
	EventID  string
	Revision int64
	// Attempt counts the posts of this event in this delivery, from 1.
	Attempt int
	// Status is the subscriber's answer; 0 when the post failed (Err).
	Status int
	// Err is set when the post did not get an answer.
	Err error
	// Forged is true for a post made with DeliverWithBadSignature.
	Forged bool
}

// DeliveryOption changes how DeliverWebhookEvents posts.
type DeliveryOption func(*deliveryPlan) error

// deliveryPlan is what the options set.
type deliveryPlan struct {
	twice      bool
	outOfOrder bool
	badSig     bool
	late       time.Duration
	retries    int
}

// DeliverTwice posts every event twice (same eventId, same body), as Tango's
// at-least-once delivery may.
func DeliverTwice() DeliveryOption {
	return func(p *deliveryPlan) error { p.twice = true; return nil }
}

// DeliverOutOfOrder posts the events in reverse order of their revisions.
func DeliverOutOfOrder() DeliveryOption {
	return func(p *deliveryPlan) error { p.outOfOrder = true; return nil }
}

// DeliverWithBadSignature posts every event with a signature that does not
// verify (a flipped bit; a made-up value for a NONE subscription). The events
// are not stored: they are forgeries.
func DeliverWithBadSignature() DeliveryOption {
	return func(p *deliveryPlan) error { p.badSig = true; return nil }
}

// DeliverLate stamps every event as having occurred d before the fake's clock,
// as if its delivery had been held up that long. Nothing waits.
func DeliverLate(d time.Duration) DeliveryOption {
	return func(p *deliveryPlan) error {
		if d <= 0 {
			return fmt.Errorf("tangotest: DeliverLate(%v) needs a positive duration", d)
		}
		p.late = d
		return nil
	}
}

// DeliverRetrying posts an event again, up to n more times, while the
// subscriber answers anything but 2xx (or does not answer), at once.
func DeliverRetrying(n int) DeliveryOption {
	return func(p *deliveryPlan) error {
		if n < 0 || n > 100 {
			return fmt.Errorf("tangotest: DeliverRetrying(%d) needs 0 to 100", n)
		}
		p.retries = n
		return nil
	}
}

// ErrNoWebhook is returned for an unknown webhookId.
var ErrNoWebhook = errors.New("tangotest: no webhook subscription with this id")

// DeliverWebhookEvents gives the events the next revisions of the subscription,
// stores them (for GET /webhooks/{id}/events and replay) and posts each to the
// subscriber, synchronously, as the options say. It returns every post made, in
// order. Only ctx ending (or an unknown webhookId or invalid option) is an error;
// a subscriber's refusal is a Delivery's Status.
func (s *Server) DeliverWebhookEvents(ctx context.Context, webhookID string, events []WebhookEvent, opts ...DeliveryOption) ([]Delivery, error) {
	var plan deliveryPlan
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("tangotest: nil DeliveryOption")
		}
		if err := o(&plan); err != nil {
			return nil, err
		}
	}
	h := s.hooks
	s.mu.Lock()
	sub := h.byID[strings.ToLower(webhookID)]
	if sub == nil {
		s.mu.Unlock()
		return nil, ErrNoWebhook
	}
	var made []storedEvent
	for _, ev := range events {
		e, err := sub.makeEvent(ev, s.now().Add(-plan.late), !plan.badSig)
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		made = append(made, e)
	}
	snap := *sub
	s.mu.Unlock()
	if plan.outOfOrder {
		for i, j := 0, len(made)-1; i < j; i, j = i+1, j-1 {
			made[i], made[j] = made[j], made[i]
		}
	}
	out := h.post(ctx, &snap, made, plan)
	return out, ctx.Err()
}

// makeEvent assigns the next revision and encodes the envelope; keep stores it.
// Called with s.mu held.
func (sub *subscription) makeEvent(ev WebhookEvent, now time.Time, keep bool) (storedEvent, error) {
	data, err := json.Marshal(ev.Data)
	if err != nil {
		return storedEvent{}, fmt.Errorf("tangotest: encoding the event data: %w", err)
	}
	id := ev.EventID
	if id == "" {
		id = uuid.NewString()
	}
	cats := ev.Categories
	if cats == nil {
		if c, ok := webhookCategories[ev.Type]; ok {
			cats = []string{c}
		} else {
			cats = []string{}
		}
	}
	at := ev.OccurredAt
	if at.IsZero() {
		at = now
	}
	rev := sub.revision + 1
	if keep { // a forgery takes no revision of the subscription
		sub.revision = rev
	}
	w := webhookEventWire{EventID: id, Revision: rev, EventType: ev.Type, Categories: cats,
		EventOccurredAt: at.UTC().Format(time.RFC3339), EventData: data}
	body, err := json.Marshal(w)
	if err != nil {
		return storedEvent{}, err
	}
	e := storedEvent{id: id, revision: w.Revision, body: body, view: w}
	if keep {
		sub.events = append(sub.events, e)
	}
	return e, nil
}

// post delivers the events to the subscription's URL as plan says.
func (h *webhooks) post(ctx context.Context, sub *subscription, events []storedEvent, plan deliveryPlan) []Delivery {
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var out []Delivery
	copies := 1
	if plan.twice {
		copies = 2
	}
	for _, e := range events {
		for range copies {
			for attempt := 1; attempt <= plan.retries+1; attempt++ {
				if ctx.Err() != nil {
					return out
				}
				d := Delivery{EventID: e.id, Revision: e.revision, Attempt: attempt, Forged: plan.badSig}
				d.Status, d.Err = h.postOne(ctx, hc, sub, e.body, plan.badSig)
				out = append(out, d)
				if d.Err == nil && d.Status >= 200 && d.Status < 300 {
					break
				}
			}
		}
	}
	return out
}

// postOne makes one POST.
func (h *webhooks) postOne(ctx context.Context, hc *http.Client, sub *subscription, body []byte, forge bool) (int, error) {
	if !loopbackURL(sub.url) {
		return 0, errors.New("tangotest: refusing to deliver outside loopback")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "tangotest-webhooks")
	for _, hd := range sub.headers {
		req.Header.Set(hd.Name, hd.Value)
	}
	sig, err := sub.sign(body)
	if err != nil {
		return 0, err
	}
	if forge {
		sig = forgeSignature(sig)
	}
	if sig != "" {
		req.Header.Set("X-Signed-Payload", sig)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// sign makes the X-Signed-Payload value ("" for NONE).
func (sub *subscription) sign(body []byte) (string, error) {
	switch sub.method {
	case "HMAC":
		key, err := base64.StdEncoding.DecodeString(sub.hmacKey)
		if err != nil {
			return "", err
		}
		m := hmac.New(sha256.New, key)
		m.Write(body)
		return base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
	case "X509":
		return encryptBlocks(sub.certKey, body)
	}
	return "", nil
}

// encryptBlocks encrypts body to pub with PKCS#1 v1.5, k-11 bytes per block.
func encryptBlocks(pub *rsa.PublicKey, body []byte) (string, error) {
	if pub == nil {
		return "", errors.New("tangotest: no signing certificate")
	}
	var out []byte
	for rest := body; len(rest) > 0; {
		n := min(len(rest), pub.Size()-11)
		//lint:ignore SA1019 Tango's X509 method is PKCS#1 v1.5 encryption
		c, err := rsa.EncryptPKCS1v15(rand.Reader, pub, rest[:n])
		if err != nil {
			return "", err
		}
		out, rest = append(out, c...), rest[n:]
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

// forgeSignature returns a value that does not verify: sig with one bit
// flipped, or a made-up one when there is none.
func forgeSignature(sig string) string {
	b, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(b) == 0 {
		return base64.StdEncoding.EncodeToString([]byte("forged-by-tangotest-forged-by-tangotest"))
	}
	b[len(b)/2] ^= 0x01
	return base64.StdEncoding.EncodeToString(b)
}

// ExpireWebhookAt sets a subscription's expiresAt, for tests of expiry warnings.
func (s *Server) ExpireWebhookAt(webhookID string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.hooks.byID[strings.ToLower(webhookID)]
	if sub == nil {
		return ErrNoWebhook
	}
	sub.expiresAt = at
	return nil
}
