package tangotest

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Webhook subscriptions: every /webhooks operation of Tango's reference. A
// subscription's URL must be on loopback (http or https): the fake never posts
// anywhere else. Events are delivered by DeliverWebhookEvents (webhooks_delivery.go),
// by POST /webhooks/{id}/tests[/{testName}] and by POST /webhooks/{id}/replay,
// synchronously, before the operation answers.

// WebhookLifetime is how long a subscription lives before it expires, from its
// creation or last renewal. Tango does not document its own; tests that need a
// subscription close to expiry use ExpireWebhookAt.
const WebhookLifetime = 365 * 24 * time.Hour

// webhookCategories maps Tango's documented event types to their category.
var webhookCategories = map[string]string{
	"ItemAvailability": "ITEM", "AccountStatus": "ACCOUNT", "Transaction": "ACCOUNT", "LowBalance": "ACCOUNT",
	"RewardStatus": "REWARD", "AsyncOrderStatus": "ORDER", "LineItemDeliveryStatus": "ORDER",
	"APICredentials": "PLATFORM", "ExchangeRatesStatus": "PLATFORM",
}

// webhookTestNames are the names POST /webhooks/{id}/tests/{testName} accepts.
var webhookTestNames = []string{"ConnectivityTest", "ItemAvailability", "RewardStatus", "Transaction", "LowBalance",
	"AccountStatus", "CredentialStatus", "LineItemDeliveryStatus", "AsyncOrderStatus", "ExchangeRatesStatus"}

// subscription is a stored webhook subscription. s.mu guards it.
type subscription struct {
	id         string
	url        string
	headers    []webhookHeaderWire
	categories []string
	eventTypes []string
	method     string
	cert       string
	certKey    *rsa.PublicKey
	hmacKey    string
	createdAt  time.Time
	updatedAt  time.Time
	expiresAt  time.Time
	revision   int64
	events     []storedEvent // every event made for it, by revision
}

// storedEvent is an event with its exact body, for GET events and replay.
type storedEvent struct {
	id       string
	revision int64
	body     []byte
	view     webhookEventWire
}

// webhooks is the webhook state of one server; s.mu guards it.
type webhooks struct {
	s    *Server
	byID map[string]*subscription
	list []*subscription
}

type webhookHeaderWire struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// webhookInput is the POST and PATCH body.
type webhookInput struct {
	URL                       *string              `json:"url"`
	Headers                   *[]webhookHeaderWire `json:"headers"`
	Categories                *[]string            `json:"categories"`
	EventTypes                *[]string            `json:"eventTypes"`
	SigningCertificate        *string              `json:"signingCertificate"`
	HMACSharedSecretKey       *string              `json:"hmacSharedSecretKey"`
	PayloadVerificationMethod *string              `json:"payloadVerificationMethod"`
}

type webhookWire struct {
	WebhookID                 string              `json:"webhookId"`
	URL                       string              `json:"url"`
	Headers                   []webhookHeaderWire `json:"headers"`
	Categories                []string            `json:"categories"`
	EventTypes                []string            `json:"eventTypes"`
	SigningCertificate        string              `json:"signingCertificate,omitempty"`
	HMACSharedSecretKey       string              `json:"hmacSharedSecretKey,omitempty"`
	PayloadVerificationMethod string              `json:"payloadVerificationMethod"`
	CreatedAt                 string              `json:"createdAt"`
	UpdatedAt                 string              `json:"updatedAt"`
	ExpiresAt                 string              `json:"expiresAt"`
}

type webhookExpiryWire struct {
	WebhookID string `json:"webhookId"`
	ExpiresAt string `json:"expiresAt"`
}

type eventTypesWire struct {
	Category   string   `json:"category"`
	EventTypes []string `json:"eventTypes"`
}

func (s *Server) webhookRoutes() []route {
	h := &webhooks{s: s, byID: map[string]*subscription{}}
	s.hooks = h
	return []route{
		{http.MethodGet, "/webhooks/eventtypes", h.handleEventTypes},
		{http.MethodPost, "/webhooks", h.handleCreate},
		{http.MethodGet, "/webhooks", h.handleList},
		{http.MethodGet, "/webhooks/{webhookId}", h.handleGet},
		{http.MethodPatch, "/webhooks/{webhookId}", h.handleUpdate},
		{http.MethodDelete, "/webhooks/{webhookId}", h.handleDelete},
		{http.MethodGet, "/webhooks/{webhookId}/events", h.handleEvents},
		{http.MethodPost, "/webhooks/{webhookId}/replay", h.handleReplay},
		{http.MethodPost, "/webhooks/{webhookId}/renew", h.handleRenew},
		{http.MethodPost, "/webhooks/{webhookId}/tests", h.handleTestAll},
		{http.MethodPost, "/webhooks/{webhookId}/tests/{testName}", h.handleTest},
	}
}

// view renders a subscription.
func (sub *subscription) view() webhookWire {
	return webhookWire{
		WebhookID: sub.id, URL: sub.url, Headers: append([]webhookHeaderWire{}, sub.headers...),
		Categories: append([]string{}, sub.categories...), EventTypes: append([]string{}, sub.eventTypes...),
		SigningCertificate: sub.cert, HMACSharedSecretKey: sub.hmacKey, PayloadVerificationMethod: sub.method,
		CreatedAt: stamp(sub.createdAt), UpdatedAt: stamp(sub.updatedAt), ExpiresAt: stamp(sub.expiresAt),
	}
}

// loopbackURL reports whether raw is an http(s) URL on a loopback host.
func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apply checks in and applies it to sub (create when create is true).
func (in *webhookInput) apply(sub *subscription, create bool) []fieldErrorInfo {
	var fc fieldCheck
	if create || in.URL != nil {
		if u := fc.required("url", in.URL); u != "" && !loopbackURL(u) {
			fc.add("url", "422.001", "The fake only delivers to http(s) URLs on loopback hosts.", nil)
		} else if u != "" {
			sub.url = u
		}
	}
	if in.Headers != nil {
		for i, h := range *in.Headers {
			if h.Name == "" || h.Value == "" || strings.ContainsAny(h.Name+h.Value, "\r\n") {
				fc.add(fmt.Sprintf("headers[%d]", i), "422.007", "Each header needs a name and a value.", nil)
			}
		}
		sub.headers = append([]webhookHeaderWire{}, (*in.Headers)...)
	}
	if in.Categories != nil {
		sub.categories = append([]string{}, (*in.Categories)...)
	}
	if in.EventTypes != nil {
		sub.eventTypes = append([]string{}, (*in.EventTypes)...)
	}
	if len(sub.categories) == 0 && len(sub.eventTypes) == 0 {
		fc.add("eventTypes", "422.007", "Name at least one category or event type.", nil)
	}
	if in.PayloadVerificationMethod != nil {
		sub.method = strings.ToUpper(*in.PayloadVerificationMethod)
	}
	if in.SigningCertificate != nil {
		sub.cert, sub.certKey = *in.SigningCertificate, nil
		der, err := base64.StdEncoding.DecodeString(sub.cert)
		var cert *x509.Certificate
		if err == nil {
			cert, err = x509.ParseCertificate(der)
		}
		if err != nil {
			fc.add("signingCertificate", "422.001", "The signing certificate must be a base64-encoded X.509 certificate on one line.", nil)
		} else if k, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			sub.certKey = k
		} else {
			fc.add("signingCertificate", "422.001", "The signing certificate must hold an RSA key.", nil)
		}
	}
	if in.HMACSharedSecretKey != nil {
		sub.hmacKey = *in.HMACSharedSecretKey
		if _, err := base64.StdEncoding.DecodeString(sub.hmacKey); err != nil || sub.hmacKey == "" {
			fc.add("hmacSharedSecretKey", "422.001", "The HMAC key must be base64-encoded.", nil)
		}
	}
	switch sub.method {
	case "X509":
		if sub.certKey == nil && len(fc.errs) == 0 {
			fc.add("signingCertificate", "422.007", "A signing certificate is required for X509.", nil)
		}
	case "HMAC":
		if sub.hmacKey == "" {
			fc.add("hmacSharedSecretKey", "422.007", "An HMAC key is required for HMAC.", nil)
		}
	case "NONE":
	case "":
		if sub.certKey != nil { // Tango's older subscriptions: a certificate means X509
			sub.method = "X509"
		} else {
			sub.method = "NONE"
		}
	default:
		fc.add("payloadVerificationMethod", "422.001", "payloadVerificationMethod must be HMAC, X509 or NONE.", sub.method)
	}
	return fc.errs
}

// lookup finds the subscription of the call's webhookId. It must be called with
// s.mu held; when it returns nil, call the returned function after unlocking to
// answer 400 or 404 (answers are never written under the lock: faults take it).
func (h *webhooks) lookup(c *call) (*subscription, func()) {
	id := c.param("webhookId")
	if _, err := uuid.Parse(id); err != nil {
		return nil, func() {
			c.fieldErrors(fieldErrorInfo{Path: "webhookId", I18nKey: "400.001", Message: "webhookId must be a UUID.", InvalidValue: id})
		}
	}
	sub := h.byID[strings.ToLower(id)]
	if sub == nil {
		return nil, func() { c.fail(http.StatusNotFound, "404.001", "No webhook subscription with this id.") }
	}
	return sub, nil
}

func (h *webhooks) handleCreate(c *call) {
	var in webhookInput
	if !c.decode(&in) {
		return
	}
	now := h.s.now()
	sub := &subscription{id: uuid.NewString(), createdAt: now, updatedAt: now, expiresAt: now.Add(WebhookLifetime)}
	if errs := in.apply(sub, true); len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	h.s.mu.Lock()
	h.byID[sub.id] = sub
	h.list = append(h.list, sub)
	h.s.mu.Unlock()
	c.ok(http.StatusCreated, webhookExpiryWire{WebhookID: sub.id, ExpiresAt: stamp(sub.expiresAt)})
}

func (h *webhooks) handleList(c *call) {
	q := c.r.URL.Query()
	h.s.mu.Lock()
	var out []webhookWire
	for _, sub := range h.list {
		if u := q.Get("url"); u != "" && u != sub.url {
			continue
		}
		out = append(out, sub.view())
	}
	h.s.mu.Unlock()
	writePage(c, out)
}

// writePage answers a list that is always paged (the /webhooks lists).
func writePage[T any](c *call, items []T) {
	q := c.r.URL.Query()
	q.Set("paginate", "true")
	c.r.URL.RawQuery = q.Encode()
	writeList(c, items)
}

func (h *webhooks) handleGet(c *call) {
	h.s.mu.Lock()
	sub, miss := h.lookup(c)
	var v webhookWire
	if sub != nil {
		v = sub.view()
	}
	h.s.mu.Unlock()
	if sub == nil {
		miss()
		return
	}
	c.ok(http.StatusOK, v)
}

func (h *webhooks) handleUpdate(c *call) {
	var in webhookInput
	if !c.decode(&in) {
		return
	}
	h.s.mu.Lock()
	sub, miss := h.lookup(c)
	if sub == nil {
		h.s.mu.Unlock()
		miss()
		return
	}
	cp := *sub
	errs := in.apply(&cp, false)
	if len(errs) == 0 {
		cp.updatedAt = h.s.now()
		*sub = cp
	}
	v := sub.view()
	h.s.mu.Unlock()
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	c.ok(http.StatusOK, v)
}

func (h *webhooks) handleDelete(c *call) {
	h.s.mu.Lock()
	sub, miss := h.lookup(c)
	if sub != nil {
		delete(h.byID, sub.id)
		for i, x := range h.list {
			if x == sub {
				h.list = append(h.list[:i:i], h.list[i+1:]...)
				break
			}
		}
	}
	h.s.mu.Unlock()
	if sub == nil {
		miss()
		return
	}
	c.ok(http.StatusOK, nil)
}

func (h *webhooks) handleEventTypes(c *call) {
	byCat := map[string][]string{}
	var cats []string
	for _, t := range []string{"ItemAvailability", "AccountStatus", "Transaction", "LowBalance", "RewardStatus",
		"AsyncOrderStatus", "LineItemDeliveryStatus", "APICredentials", "ExchangeRatesStatus"} {
		cat := webhookCategories[t]
		if byCat[cat] == nil {
			cats = append(cats, cat)
		}
		byCat[cat] = append(byCat[cat], t)
	}
	want := c.r.URL.Query().Get("category")
	var out []eventTypesWire
	for _, cat := range cats {
		if want == "" || strings.EqualFold(want, cat) {
			out = append(out, eventTypesWire{Category: cat, EventTypes: byCat[cat]})
		}
	}
	writePage(c, out)
}

// revisionParam reads an optional revision bound.
func revisionParam(c *call, name string) (int64, bool) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return -1, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		c.fieldErrors(fieldErrorInfo{Path: name, I18nKey: "400.001", Message: name + " must be a non-negative integer.", InvalidValue: v})
		return 0, false
	}
	return n, true
}

// eventsBetween returns the stored events with from <= revision <= to (-1: open).
func (sub *subscription) eventsBetween(from, to int64) []storedEvent {
	var out []storedEvent
	for _, e := range sub.events {
		if (from < 0 || e.revision >= from) && (to < 0 || e.revision <= to) {
			out = append(out, e)
		}
	}
	return out
}

func (h *webhooks) handleEvents(c *call) {
	from, ok := revisionParam(c, "fromRevision")
	if !ok {
		return
	}
	to, ok := revisionParam(c, "toRevision")
	if !ok {
		return
	}
	h.s.mu.Lock()
	sub, miss := h.lookup(c)
	var out []webhookEventWire
	if sub != nil {
		for _, e := range sub.eventsBetween(from, to) {
			out = append(out, e.view)
		}
	}
	h.s.mu.Unlock()
	if sub == nil {
		miss()
		return
	}
	writePage(c, out)
}

func (h *webhooks) handleRenew(c *call) {
	h.s.mu.Lock()
	sub, miss := h.lookup(c)
	var v webhookExpiryWire
	if sub != nil {
		sub.expiresAt = h.s.now().Add(WebhookLifetime)
		v = webhookExpiryWire{WebhookID: sub.id, ExpiresAt: stamp(sub.expiresAt)}
	}
	h.s.mu.Unlock()
	if sub == nil {
		miss()
		return
	}
	c.ok(http.StatusOK, v)
}

func (h *webhooks) handleReplay(c *call) {
	if c.r.URL.Query().Get("fromRevision") == "" {
		c.fieldErrors(fieldErrorInfo{Path: "fromRevision", I18nKey: "422.007", Message: "fromRevision is required."})
		return
	}
	from, ok := revisionParam(c, "fromRevision")
	if !ok {
		return
	}
	to, ok := revisionParam(c, "toRevision")
	if !ok {
		return
	}
	h.s.mu.Lock()
	sub, miss := h.lookup(c)
	var evs []storedEvent
	var snap subscription
	if sub != nil {
		evs, snap = sub.eventsBetween(from, to), *sub
	}
	h.s.mu.Unlock()
	if sub == nil {
		miss()
		return
	}
	h.post(c.r.Context(), &snap, evs, deliveryPlan{})
	c.ok(http.StatusOK, nil)
}

func (h *webhooks) handleTest(c *call) {
	name := c.param("testName")
	if !anyFold(webhookTestNames, name) {
		c.fieldErrors(fieldErrorInfo{Path: "testName", I18nKey: "400.001", Message: "Unknown test name.", InvalidValue: name})
		return
	}
	h.runTests(c, []string{name})
}

func (h *webhooks) handleTestAll(c *call) { h.runTests(c, webhookTestNames) }

// runTests delivers one sample event per test name.
func (h *webhooks) runTests(c *call, names []string) {
	h.s.mu.Lock()
	sub, miss := h.lookup(c)
	h.s.mu.Unlock()
	if sub == nil {
		miss()
		return
	}
	var evs []WebhookEvent
	for _, n := range names {
		evs = append(evs, sampleEvent(n))
	}
	if _, err := h.s.DeliverWebhookEvents(c.r.Context(), sub.id, evs); err != nil {
		c.fail(http.StatusInternalServerError, "500.001", "Unexpected application error.")
		return
	}
	c.ok(http.StatusOK, nil)
}

// sampleEvent is the event a test operation sends.
func sampleEvent(testName string) WebhookEvent {
	data := map[string]any{"status": "TEST"}
	switch strings.ToLower(testName) {
	case "itemavailability":
		data = map[string]any{"utid": "U000000", "status": "AVAILABLE"}
	case "accountstatus":
		data = map[string]any{"accountIdentifier": "test-account", "status": "ACTIVE"}
	case "lowbalance":
		data = map[string]any{"accountIdentifier": "test-account", "balance": 5, "balanceThreshold": 10, "balanceAlertIdentifier": uuid.Nil.String()}
	case "transaction":
		data = map[string]any{"accountIdentifier": "test-account", "transactionType": "DEPOSIT", "transactionId": 1, "amount": 10, "currency": "USD"}
	}
	return WebhookEvent{Type: testName, Data: data}
}
