package tango

// Webhook subscriptions: the /webhooks operations. Tango posts events to a
// subscription's URL; github.com/tango-sdk/tango-go/webhook receives them.
// Event types, events, replay, renewal and tests are in webhooks_events.go. The
// vocabulary (categories, event types, test names) and the signing material
// (certificate, HMAC key) are built with the webhook package; the rules that
// check them live in internal/webhooksign.

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// WebhookHeader is a custom header Tango sends with every delivery, such as a
// bearer token the receiver checks. The value is a Secret: it prints redacted
// and reaches the wire only in the requests that set it.
type WebhookHeader struct {
	Name  string `json:"name"`
	Value Secret `json:"value"`
}

// webhookHeaderWire is a header as sent.
type webhookHeaderWire struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Webhook is a subscription as Tango returns it.
type Webhook struct {
	// WebhookID identifies the subscription (a UUID).
	WebhookID string `json:"webhookId"`
	// URL is the receiver Tango posts to.
	URL string `json:"url"`
	// Headers are the custom headers sent with each delivery.
	Headers []WebhookHeader `json:"headers,omitempty"`
	// Categories and EventTypes are what the subscription receives.
	Categories []string `json:"categories,omitempty"`
	EventTypes []string `json:"eventTypes,omitempty"`
	// PayloadVerificationMethod says how deliveries are signed: X509, HMAC or
	// NONE (webhook.MethodX509, webhook.MethodHMAC, webhook.MethodNone).
	PayloadVerificationMethod string `json:"payloadVerificationMethod,omitempty"`
	// SigningCertificate is the registered certificate (base64 DER; public).
	SigningCertificate string `json:"signingCertificate,omitempty"`
	// HMACSharedSecretKey is the registered HMAC key, when Tango returns it.
	HMACSharedSecretKey Secret `json:"hmacSharedSecretKey"`
	// CreatedAt, UpdatedAt and ExpiresAt are Tango's timestamps; a subscription
	// stops receiving events once it expires unless renewed (Renew).
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (w *Webhook) setRequestID(id string) { w.RequestID = id }

// ExpiresIn tells how long the subscription has left at now (negative once
// expired); ok is false when Tango gave no expiry.
func (w *Webhook) ExpiresIn(now time.Time) (left time.Duration, ok bool) {
	return expiresIn(w.ExpiresAt, now)
}

// WebhookExpiry is Tango's answer to creating or renewing a subscription.
type WebhookExpiry struct {
	WebhookID string    `json:"webhookId"`
	ExpiresAt time.Time `json:"expiresAt"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (w *WebhookExpiry) setRequestID(id string) { w.RequestID = id }

// ExpiresIn tells how long the subscription has left at now (negative once
// expired); ok is false when Tango gave no expiry.
func (w *WebhookExpiry) ExpiresIn(now time.Time) (left time.Duration, ok bool) {
	return expiresIn(w.ExpiresAt, now)
}

func expiresIn(at, now time.Time) (time.Duration, bool) {
	if at.IsZero() {
		return 0, false
	}
	return at.Sub(now), true
}

// CreateWebhookRequest is the body of POST /webhooks.
type CreateWebhookRequest struct {
	// URL is the receiver: https (http only on loopback, for fakes).
	URL string
	// Headers are custom headers Tango sends with every delivery. Register a
	// secret one and require it in the receiver (webhook.Config.RequiredHeaders).
	Headers []WebhookHeader
	// Categories and EventTypes select the events; at least one of them. The
	// webhook package names the ones Tango documents (webhook.CategoryItem,
	// webhook.TypeLowBalance, ...); any other text is sent as is.
	Categories []string
	EventTypes []string
	// PayloadVerificationMethod, how Tango signs what it posts (the
	// X-Signed-Payload header), is required: webhook.MethodX509 (Tango
	// recommends it; needs SigningCertificate), webhook.MethodHMAC (needs
	// HMACSharedSecretKey) or webhook.MethodNone (no signature: rely on a
	// secret custom header and Tango's source addresses). The webhook package
	// doc says what each proves.
	PayloadVerificationMethod string
	// SigningCertificate (X509) is the certificate as one line of base64 DER:
	// build it with webhook.SigningCertificateFromPEM.
	SigningCertificate string
	// HMACSharedSecretKey (HMAC) is the key as base64 text, at least 32 bytes
	// of key: webhook.NewHMACKey makes one.
	HMACSharedSecretKey Secret
}

// webhookWire is the create and update body as sent; update leaves out what is nil.
type webhookWire struct {
	URL                       *string              `json:"url,omitempty"`
	Headers                   *[]webhookHeaderWire `json:"headers,omitempty"`
	Categories                *[]string            `json:"categories,omitempty"`
	EventTypes                *[]string            `json:"eventTypes,omitempty"`
	SigningCertificate        *string              `json:"signingCertificate,omitempty"`
	HMACSharedSecretKey       *string              `json:"hmacSharedSecretKey,omitempty"`
	PayloadVerificationMethod *string              `json:"payloadVerificationMethod,omitempty"`
}

// headersWire reveals the header values for the wire.
func headersWire(hs []WebhookHeader) *[]webhookHeaderWire {
	if hs == nil {
		return nil
	}
	out := make([]webhookHeaderWire, len(hs))
	for i, h := range hs {
		out[i] = webhookHeaderWire{Name: h.Name, Value: h.Value.Reveal()}
	}
	return &out
}

// optional returns a pointer to s, nil when s is empty.
func optional[T comparable](s T) *T {
	var zero T
	if s == zero {
		return nil
	}
	return &s
}

// wire builds the POST body.
func (r *CreateWebhookRequest) wire() webhookWire {
	w := webhookWire{
		URL: optional(r.URL), Headers: headersWire(r.Headers),
		SigningCertificate:        optional(r.SigningCertificate),
		HMACSharedSecretKey:       optional(r.HMACSharedSecretKey.Reveal()),
		PayloadVerificationMethod: optional(r.PayloadVerificationMethod),
	}
	if len(r.Categories) > 0 {
		w.Categories = &r.Categories
	}
	if len(r.EventTypes) > 0 {
		w.EventTypes = &r.EventTypes
	}
	return w
}

// String hides the key and header values (they are Secrets already; the
// request prints them as such).
func (r CreateWebhookRequest) String() string {
	return fmt.Sprintf("tango.CreateWebhookRequest{URL: %s, Method: %s, Categories: %v, EventTypes: %v, Headers: %d}",
		redactURL(r.URL), r.PayloadVerificationMethod, r.Categories, r.EventTypes, len(r.Headers))
}

// redactURL keeps a URL's scheme, host and path, dropping user info and query,
// which can hold credentials.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redacted
	}
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// UpdateWebhookRequest is the body of PATCH /webhooks/{webhookId}. Nil and empty
// fields are left alone; for Headers, Categories and EventTypes an empty,
// non-nil slice clears the list.
type UpdateWebhookRequest struct {
	URL                       string
	Headers                   []WebhookHeader
	Categories                []string
	EventTypes                []string
	PayloadVerificationMethod string
	SigningCertificate        string
	HMACSharedSecretKey       Secret
}

// wire builds the PATCH body.
func (r *UpdateWebhookRequest) wire() webhookWire {
	w := webhookWire{
		URL: optional(r.URL), Headers: headersWire(r.Headers),
		SigningCertificate:        optional(r.SigningCertificate),
		HMACSharedSecretKey:       optional(r.HMACSharedSecretKey.Reveal()),
		PayloadVerificationMethod: optional(r.PayloadVerificationMethod),
	}
	if r.Categories != nil {
		w.Categories = &r.Categories
	}
	if r.EventTypes != nil {
		w.EventTypes = &r.EventTypes
	}
	return w
}

// webhookPath is /webhooks/{webhookId}.
func webhookPath(id string) string { return "/webhooks/" + url.PathEscape(id) }

// Create subscribes a receiver (POST /webhooks) and returns the new webhookId
// and expiry. It is never retried once it may have reached Tango: after an
// *OutcomeUnknownError, look for the URL in List before trying again.
func (s *WebhooksService) Create(ctx context.Context, req *CreateWebhookRequest) (*WebhookExpiry, error) {
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, "/webhooks", nil, req.wire(), retryUnsafe)
	if err != nil {
		return nil, err
	}
	return sendDecoded[WebhookExpiry](ctx, s.c, r)
}

// Get fetches a subscription (GET /webhooks/{webhookId}).
func (s *WebhooksService) Get(ctx context.Context, webhookID string) (*Webhook, error) {
	var v validator
	v.webhookID(webhookID)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, webhookPath(webhookID), nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	return sendDecoded[Webhook](ctx, s.c, r)
}

// Update changes what req sets (PATCH /webhooks/{webhookId}) and returns the
// subscription.
func (s *WebhooksService) Update(ctx context.Context, webhookID string, req *UpdateWebhookRequest) (*Webhook, error) {
	var v validator
	v.webhookID(webhookID)
	req.validate(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPatch, webhookPath(webhookID), nil, req.wire(), retryUnsafe)
	if err != nil {
		return nil, err
	}
	return sendDecoded[Webhook](ctx, s.c, r)
}

// Delete removes a subscription (DELETE /webhooks/{webhookId}).
func (s *WebhooksService) Delete(ctx context.Context, webhookID string) (*Response, error) {
	var v validator
	v.webhookID(webhookID)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodDelete, webhookPath(webhookID), nil, nil, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return s.c.send(ctx, r, nil)
}

// ListWebhooksParams filters GET /webhooks. Zero fields are left out.
type ListWebhooksParams struct {
	// URL matches the receiver URL.
	URL string
	// HeaderName and HeaderValue match a custom header.
	HeaderName  string
	HeaderValue Secret
	// Categories and EventTypes match what subscriptions receive.
	Categories []string
	EventTypes []string
	// ExpiresAfter and ExpiresBefore bound expiresAt (expiresAtFrom,
	// expiresAtTo); CreatedAfter and CreatedBefore bound createdAt.
	ExpiresAfter, ExpiresBefore time.Time
	CreatedAfter, CreatedBefore time.Time
	// CursorParams pages the list.
	CursorParams
}

// query encodes the filters with Tango's parameter names.
func (p *ListWebhooksParams) query() url.Values {
	q := listQuery{url.Values{}}
	q.str("url", p.URL)
	q.str("headerName", p.HeaderName)
	q.str("headerValue", p.HeaderValue.Reveal())
	q.strs("categories", p.Categories)
	q.strs("eventTypes", p.EventTypes)
	q.time("expiresAtFrom", p.ExpiresAfter)
	q.time("expiresAtTo", p.ExpiresBefore)
	q.time("createdAtFrom", p.CreatedAfter)
	q.time("createdAtTo", p.CreatedBefore)
	return q.Values
}

// List fetches one page of subscriptions (GET /webhooks). params may be nil.
func (s *WebhooksService) List(ctx context.Context, params *ListWebhooksParams) (*Page[Webhook], error) {
	p, err := checkedParams(params, (*ListWebhooksParams).validate)
	if err != nil {
		return nil, err
	}
	return listPage[Webhook](ctx, s.c, "/webhooks", p.query(), p.CursorParams, "", "")
}

// All walks every subscription that matches params, page after page (see List).
func (s *WebhooksService) All(ctx context.Context, params *ListWebhooksParams) iter.Seq2[*Webhook, error] {
	return allPages(ctx, s.c, params, (*ListWebhooksParams).validate, s.List)
}
