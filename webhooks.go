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
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tango-sdk/tango-go/internal/webhooksign"
)

// PayloadVerification is a subscription's payloadVerificationMethod: how Tango
// signs what it posts (the X-Signed-Payload header).
type PayloadVerification string

// The methods Tango offers. See the webhook package doc for what each proves.
const (
	// PayloadX509: the body encrypted with the registered certificate (RSA,
	// PKCS#1 v1.5). Needs SigningCertificate. Tango recommends it.
	PayloadX509 PayloadVerification = "X509"
	// PayloadHMAC: HMAC-SHA256 under a shared key. Needs HMACSharedSecretKey.
	PayloadHMAC PayloadVerification = "HMAC"
	// PayloadNone: no signature; rely on a secret custom header and Tango's
	// source addresses.
	PayloadNone PayloadVerification = "NONE"
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
	// PayloadVerificationMethod says how deliveries are signed.
	PayloadVerificationMethod PayloadVerification `json:"payloadVerificationMethod,omitempty"`
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
	// PayloadVerificationMethod is required: PayloadX509, PayloadHMAC or
	// PayloadNone.
	PayloadVerificationMethod PayloadVerification
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
	PayloadVerificationMethod *PayloadVerification `json:"payloadVerificationMethod,omitempty"`
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

// Validate checks the request before anything is sent.
func (r *CreateWebhookRequest) Validate() error {
	var v validator
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return v.err()
	}
	if v.required("url", r.URL) {
		v.webhookURL("url", r.URL)
	}
	if len(r.Categories) == 0 && len(r.EventTypes) == 0 {
		v.add("eventTypes", keyRequired, "name at least one category or event type")
	}
	v.webhookLists(r.Categories, r.EventTypes)
	v.webhookHeaders(r.Headers)
	v.webhookSigning(&r.PayloadVerificationMethod, r.SigningCertificate, r.HMACSharedSecretKey, true)
	return v.err()
}

// webhookURL: an absolute https URL (http on loopback only), no user info.
func (v *validator) webhookURL(path, raw string) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || !u.IsAbs():
		v.add(path, keyUnprocessable, "must be an absolute https URL")
	case u.User != nil:
		v.add(path, keyUnprocessable, "must not carry user info; use a custom header for credentials")
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
	default:
		v.add(path, keyUnprocessable, "must be https (plain http only on loopback hosts)")
	}
	v.text(path, raw, singleLine)
}

// webhookLists checks categories and event types.
func (v *validator) webhookLists(categories, eventTypes []string) {
	for _, l := range []struct {
		name string
		list []string
	}{{"categories", categories}, {"eventTypes", eventTypes}} {
		for i, s := range l.list {
			p := l.name + "[" + strconv.Itoa(i) + "]"
			if v.required(p, s) {
				v.text(p, s, singleLine)
			}
		}
	}
}

// webhookHeaders checks custom headers: a valid name and a non-empty value on
// one line.
func (v *validator) webhookHeaders(hs []WebhookHeader) {
	for i, h := range hs {
		p := "headers[" + strconv.Itoa(i) + "]"
		if v.required(p+".name", h.Name) && !isHeaderToken(h.Name) {
			v.add(p+".name", keyUnprocessable, "must be a valid HTTP header name")
		}
		val := h.Value.Reveal()
		if v.required(p+".value", val) && strings.ContainsAny(val, "\r\n\x00") {
			v.add(p+".value", keyUnprocessable, "must be one line")
		}
	}
}

// isHeaderToken reports whether s is an RFC 9110 token.
func isHeaderToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isASCIIAlnum(rune(c)) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// webhookSigning checks the verification method against the key material it
// needs. With required false (update), an empty method is allowed.
func (v *validator) webhookSigning(m *PayloadVerification, cert string, key Secret, required bool) {
	switch *m {
	case PayloadX509:
		if v.required("signingCertificate", cert) {
			if err := webhooksign.CheckCertificate(cert); err != nil {
				v.add("signingCertificate", keyUnprocessable, err.Error())
			}
		}
	case PayloadHMAC:
		if v.required("hmacSharedSecretKey", key.Reveal()) {
			if err := webhooksign.CheckHMACKey(key.Reveal()); err != nil {
				v.add("hmacSharedSecretKey", keyUnprocessable, err.Error())
			}
		}
	case PayloadNone:
		if cert != "" || !key.IsZero() {
			v.add("payloadVerificationMethod", keyUnprocessable, "NONE takes no certificate or key")
		}
	case "":
		if required {
			v.add("payloadVerificationMethod", keyRequired, "choose X509 (recommended), HMAC or NONE")
			return
		}
		if cert != "" {
			if err := webhooksign.CheckCertificate(cert); err != nil {
				v.add("signingCertificate", keyUnprocessable, err.Error())
			}
		}
		if !key.IsZero() {
			if err := webhooksign.CheckHMACKey(key.Reveal()); err != nil {
				v.add("hmacSharedSecretKey", keyUnprocessable, err.Error())
			}
		}
	default:
		v.add("payloadVerificationMethod", keyUnprocessable, "must be X509, HMAC or NONE")
	}
}

// UpdateWebhookRequest is the body of PATCH /webhooks/{webhookId}. Nil and empty
// fields are left alone; for Headers, Categories and EventTypes an empty,
// non-nil slice clears the list.
type UpdateWebhookRequest struct {
	URL                       string
	Headers                   []WebhookHeader
	Categories                []string
	EventTypes                []string
	PayloadVerificationMethod PayloadVerification
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

// validate checks the fields that are set.
func (r *UpdateWebhookRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	if r.URL != "" {
		v.webhookURL("url", r.URL)
	}
	v.webhookLists(r.Categories, r.EventTypes)
	v.webhookHeaders(r.Headers)
	v.webhookSigning(&r.PayloadVerificationMethod, r.SigningCertificate, r.HMACSharedSecretKey, false)
}

// webhookID checks a path webhookId: Tango's are UUIDs.
func (v *validator) webhookID(id string) {
	if v.required("webhookId", id) {
		if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
			v.add("webhookId", keyUnprocessable, "must be a webhook id as Tango returned it (a UUID)")
		}
	}
}

// webhookPath is /webhooks/{webhookId}.
func webhookPath(id string) string { return "/webhooks/" + url.PathEscape(id) }

// Create subscribes a receiver (POST /webhooks) and returns the new webhookId
// and expiry. It is never retried once it may have reached Tango: after an
// *OutcomeUnknownError, look for the URL in List before trying again.
func (s *WebhooksService) Create(ctx context.Context, req *CreateWebhookRequest) (*WebhookExpiry, error) {
	if err := req.Validate(); err != nil {
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

// check records the filters' problems into v.
func (p *ListWebhooksParams) check(v *validator) {
	p.CursorParams.validate(v)
	if p.URL != "" {
		v.text("url", p.URL, singleLine)
	}
	v.text("headerName", p.HeaderName, singleLine)
	v.text("headerValue", p.HeaderValue.Reveal(), singleLine)
	v.webhookLists(p.Categories, p.EventTypes)
	v.dateRange("expiresAtTo", p.ExpiresAfter, p.ExpiresBefore)
	v.dateRange("createdAtTo", p.CreatedAfter, p.CreatedBefore)
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
	p, err := checkedParams(params, (*ListWebhooksParams).check)
	if err != nil {
		return nil, err
	}
	return listPage[Webhook](ctx, s.c, "/webhooks", p.query(), p.CursorParams, "", "")
}

// All walks every subscription that matches params, page after page (see List).
func (s *WebhooksService) All(ctx context.Context, params *ListWebhooksParams) iter.Seq2[*Webhook, error] {
	return allPages(ctx, s.c, params, (*ListWebhooksParams).check, s.List)
}
