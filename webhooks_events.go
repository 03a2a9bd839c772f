package tango

// Webhook event types, a subscription's events, replay, renewal and the test
// deliveries.

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// WebhookEventType lists the event types of one category (GET
// /webhooks/eventtypes).
type WebhookEventType struct {
	Category   string   `json:"category"`
	EventTypes []string `json:"eventTypes"`
}

// ListWebhookEventTypesParams filters GET /webhooks/eventtypes.
type ListWebhookEventTypesParams struct {
	// Category selects one category (ITEM, ACCOUNT, ...: webhook.CategoryItem,
	// ...).
	Category string
	CursorParams
}

// EventTypes fetches one page of the event types that can be subscribed to
// (GET /webhooks/eventtypes). params may be nil.
func (s *WebhooksService) EventTypes(ctx context.Context, params *ListWebhookEventTypesParams) (*Page[WebhookEventType], error) {
	p, err := checkedParams(params, (*ListWebhookEventTypesParams).validate)
	if err != nil {
		return nil, err
	}
	q := listQuery{url.Values{}}
	q.str("category", p.Category)
	return listPage[WebhookEventType](ctx, s.c, "/webhooks/eventtypes", q.Values, p.CursorParams, "", "")
}

// AllEventTypes walks every page of EventTypes.
func (s *WebhooksService) AllEventTypes(ctx context.Context, params *ListWebhookEventTypesParams) iter.Seq2[*WebhookEventType, error] {
	return allPages(ctx, s.c, params, (*ListWebhookEventTypesParams).validate, s.EventTypes)
}

// WebhookEvent is an event a subscription produced, as GET
// /webhooks/{webhookId}/events lists it. EventData is kept raw; the webhook
// package's types describe each event type's data.
type WebhookEvent struct {
	EventID         string          `json:"eventId"`
	Revision        int64           `json:"revision"`
	EventType       string          `json:"eventType"`
	Categories      []string        `json:"categories,omitempty"`
	EventOccurredAt time.Time       `json:"eventOccurredAt"`
	EventData       json.RawMessage `json:"eventData,omitempty"`
}

// ListWebhookEventsParams filters GET /webhooks/{webhookId}/events.
type ListWebhookEventsParams struct {
	// FromRevision and ToRevision bound the revisions listed; 0 leaves a bound out.
	FromRevision, ToRevision int64
	CursorParams
}

// revisionQuery adds the revision bounds that are set.
func revisionQuery(q url.Values, from, to int64) {
	if from > 0 {
		q.Set("fromRevision", strconv.FormatInt(from, 10))
	}
	if to > 0 {
		q.Set("toRevision", strconv.FormatInt(to, 10))
	}
}

// Events fetches one page of a subscription's events
// (GET /webhooks/{webhookId}/events). params may be nil.
func (s *WebhooksService) Events(ctx context.Context, webhookID string, params *ListWebhookEventsParams) (*Page[WebhookEvent], error) {
	p, err := checkedParams(params, func(p *ListWebhookEventsParams, v *validator) {
		v.webhookID(webhookID)
		p.validate(v)
	})
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	revisionQuery(q, p.FromRevision, p.ToRevision)
	return listPage[WebhookEvent](ctx, s.c, webhookPath(webhookID)+"/events", q, p.CursorParams, "", "")
}

// AllEvents walks every page of Events.
func (s *WebhooksService) AllEvents(ctx context.Context, webhookID string, params *ListWebhookEventsParams) iter.Seq2[*WebhookEvent, error] {
	check := func(p *ListWebhookEventsParams, v *validator) {
		v.webhookID(webhookID)
		p.validate(v)
	}
	return allPages(ctx, s.c, params, check, func(ctx context.Context, p *ListWebhookEventsParams) (*Page[WebhookEvent], error) {
		return s.Events(ctx, webhookID, p)
	})
}

// Replay asks Tango to deliver a subscription's events again, from revision
// fromRevision (required, at least 0) to toRevision (0: to the latest)
// (POST /webhooks/{webhookId}/replay). Receivers see the same eventIds again;
// the webhook package's handler drops the ones it already processed.
func (s *WebhooksService) Replay(ctx context.Context, webhookID string, fromRevision, toRevision int64) (*Response, error) {
	var v validator
	v.webhookID(webhookID)
	revisionRange(&v, fromRevision, toRevision)
	if err := v.err(); err != nil {
		return nil, err
	}
	q := url.Values{"fromRevision": {strconv.FormatInt(fromRevision, 10)}}
	if toRevision > 0 {
		q.Set("toRevision", strconv.FormatInt(toRevision, 10))
	}
	r, err := newRequest(http.MethodPost, webhookPath(webhookID)+"/replay", q, nil, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return s.c.send(ctx, r, nil)
}

// Renew extends a subscription before it expires
// (POST /webhooks/{webhookId}/renew) and returns the new expiry.
func (s *WebhooksService) Renew(ctx context.Context, webhookID string) (*WebhookExpiry, error) {
	var v validator
	v.webhookID(webhookID)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, webhookPath(webhookID)+"/renew", nil, nil, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return sendDecoded[WebhookExpiry](ctx, s.c, r)
}

// testNamePattern is what a test name may look like.
var testNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`)

// Test asks Tango to send one test event to the subscription's receiver
// (POST /webhooks/{webhookId}/tests/{testName}); testName is one of the webhook
// package's Test constants (webhook.TestConnectivity, webhook.TestLowBalance,
// ...).
func (s *WebhooksService) Test(ctx context.Context, webhookID, testName string) (*Response, error) {
	var v validator
	v.webhookID(webhookID)
	if v.required("testName", testName) && !testNamePattern.MatchString(testName) {
		v.add("testName", keyUnprocessable, "must be a test name such as ConnectivityTest")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, webhookPath(webhookID)+"/tests/"+url.PathEscape(testName), nil, nil, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return s.c.send(ctx, r, nil)
}

// TestAll asks Tango to send every test event to the subscription's receiver
// (POST /webhooks/{webhookId}/tests).
func (s *WebhooksService) TestAll(ctx context.Context, webhookID string) (*Response, error) {
	var v validator
	v.webhookID(webhookID)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, webhookPath(webhookID)+"/tests", nil, nil, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return s.c.send(ctx, r, nil)
}
