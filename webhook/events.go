package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tango "github.com/tango-sdk/tango-go"
)

// Event types Tango documents (eventType), for a subscription's EventTypes
// (tango.CreateWebhookRequest) and an Envelope's Type. Matching is
// case-insensitive: Tango's pages write both "ItemAvailability" and
// "itemAvailability".
const (
	TypeItemAvailability       = "ItemAvailability"
	TypeAccountStatus          = "AccountStatus"
	TypeLineItemDeliveryStatus = "LineItemDeliveryStatus"
	TypeRewardStatus           = "RewardStatus"
	// TypeCredentialStatus is the credential status event; Tango's event list
	// names it APICredentials, its test operation CredentialStatus: both decode
	// to *CredentialStatusEvent.
	TypeCredentialStatus    = "CredentialStatus"
	TypeAPICredentials      = "APICredentials"
	TypeTransaction         = "Transaction"
	TypeLowBalance          = "LowBalance"
	TypeAsyncOrderStatus    = "AsyncOrderStatus"
	TypeExchangeRatesStatus = "ExchangeRatesStatus"
)

// Event categories Tango documents, for a subscription's Categories
// (tango.CreateWebhookRequest) and an Envelope's. A category subscribes to
// every event type in it; Tango may add others.
const (
	CategoryItem     = "ITEM"
	CategoryAccount  = "ACCOUNT"
	CategoryReward   = "REWARD"
	CategoryOrder    = "ORDER"
	CategoryPlatform = "PLATFORM"
)

// Envelope is what every event carries: Tango's envelope around eventData.
type Envelope struct {
	// EventID identifies the event; a redelivery carries the same one.
	EventID string `json:"-"`
	// Revision is the event's position within the subscription: a larger
	// revision is a later event. Order by it, not by arrival.
	Revision int64 `json:"-"`
	// Type is the event type (the first of eventTypes when Tango sends a list).
	Type string `json:"-"`
	// Types is every event type the envelope named.
	Types []string `json:"-"`
	// Categories are the categories named (ITEM, ACCOUNT, ...).
	Categories []string `json:"-"`
	// OccurredAt is eventOccurredAt.
	OccurredAt time.Time `json:"-"`
	// Data is eventData exactly as received.
	Data json.RawMessage `json:"-"`
}

// envelope returns the event's envelope.
func (e *Envelope) envelope() *Envelope { return e }

// Event is one decoded event: one of the *...Event types of this package, or
// *UnknownEvent for a type this version does not know.
type Event interface {
	envelope() *Envelope
	// Entity names what the event is about ("item:U123", "account:acct-1"), the
	// key Delivery.Newer orders revisions by; "" when there is none.
	Entity() string
}

// EnvelopeOf returns the envelope of any event.
func EnvelopeOf(e Event) *Envelope { return e.envelope() }

// ItemAvailabilityEvent says a catalog item's availability changed.
type ItemAvailabilityEvent struct {
	Envelope
	UTID   string `json:"utid"`
	Status string `json:"status"` // AVAILABLE, UNAVAILABLE, DEGRADED, DEPRECATED, ...
}

// Entity is "item:" and the utid.
func (e *ItemAvailabilityEvent) Entity() string { return "item:" + e.UTID }

// AccountStatusEvent says an account's status changed.
type AccountStatusEvent struct {
	Envelope
	AccountIdentifier string `json:"accountIdentifier"`
	Status            string `json:"status"`
}

// Entity is "account:" and the account identifier.
func (e *AccountStatusEvent) Entity() string { return "account:" + e.AccountIdentifier }

// LineItemDeliveryStatusEvent says a line item's delivery status changed.
type LineItemDeliveryStatusEvent struct {
	Envelope
	ReferenceLineItemID string `json:"referenceLineItemId"`
	Status              string `json:"status"`
}

// Entity is "lineItemDelivery:" and the reference line item id.
func (e *LineItemDeliveryStatusEvent) Entity() string {
	return "lineItemDelivery:" + e.ReferenceLineItemID
}

// RewardStatusEvent says a reward was frozen, cancelled, reissued, ...
type RewardStatusEvent struct {
	Envelope
	ReferenceLineItemID    string `json:"referenceLineItemId"`
	ExternalRefID          string `json:"externalRefID"`
	Action                 string `json:"action"`
	ReasonCode             string `json:"reasonCode"`
	Reason                 string `json:"reason"`
	Status                 string `json:"status"`
	RewardType             string `json:"type"`
	NewReferenceLineItemID string `json:"newReferenceLineItemId"`
}

// Entity is "reward:" and the reference line item id.
func (e *RewardStatusEvent) Entity() string { return "reward:" + e.ReferenceLineItemID }

// CredentialStatusEvent says a platform credential changed.
type CredentialStatusEvent struct {
	Envelope
	PlatformName   string `json:"platformName"`
	CredentialName string `json:"credentialName"`
	CredentialType string `json:"credentialType"`
	Status         string `json:"status"`
	LastUpdatedBy  string `json:"lastUpdatedBy"`
}

// Entity is "credential:" and the platform and credential names.
func (e *CredentialStatusEvent) Entity() string {
	return "credential:" + e.PlatformName + "/" + e.CredentialName
}

// TransactionEvent says funds were added, removed or transferred.
type TransactionEvent struct {
	Envelope
	CustomerIdentifier            string       `json:"customerIdentifier"`
	AccountIdentifier             string       `json:"accountIdentifier"`
	TransactionType               string       `json:"transactionType"`
	TransactionID                 int64        `json:"transactionId"`
	FundingMethod                 string       `json:"fundingMethod"`
	FundingType                   string       `json:"fundingType"`
	TransferToAccountIdentifier   string       `json:"transferToAccountIdentifier"`
	TransferFromAccountIdentifier string       `json:"transferFromAccountIdentifier"`
	InvoiceNumber                 string       `json:"invoiceNumber"`
	Currency                      string       `json:"currency"`
	Amount                        tango.Amount `json:"amount"`
	Note                          string       `json:"note"`
}

// Entity is "transaction:" and the transaction id.
func (e *TransactionEvent) Entity() string {
	return "transaction:" + strconv.FormatInt(e.TransactionID, 10)
}

// LowBalanceEvent says an account's balance fell to an alert's threshold.
type LowBalanceEvent struct {
	Envelope
	AccountIdentifier      string       `json:"accountIdentifier"`
	Balance                tango.Amount `json:"balance"`
	BalanceThreshold       tango.Amount `json:"balanceThreshold"`
	BalanceAlertIdentifier string       `json:"balanceAlertIdentifier"`
}

// Entity is "lowBalance:" and the account identifier.
func (e *LowBalanceEvent) Entity() string { return "lowBalance:" + e.AccountIdentifier }

// AsyncOrderStatusEvent says an asynchronous order finished processing (or is
// retrying, failed, partly failed).
type AsyncOrderStatusEvent struct {
	Envelope
	ExternalRefID       string `json:"externalRefID"`
	Status              string `json:"status"`
	TotalLineItems      int64  `json:"totalLineItems"`
	FailedLineItems     int64  `json:"failedLineItems"`
	SuccessfulLineItems int64  `json:"successfulLineItems"`
	ReferenceOrderID    string `json:"referenceOrderId"`
	AccountIdentifier   string `json:"accountIdentifier"`
	CustomerIdentifier  string `json:"customerIdentifier"`
}

// Entity is "order:" and the externalRefID.
func (e *AsyncOrderStatusEvent) Entity() string { return "order:" + e.ExternalRefID }

// ExchangeRatesStatusEvent says the exchange rates changed.
type ExchangeRatesStatusEvent struct {
	Envelope
	Status string `json:"status"`
}

// Entity is "exchangeRates".
func (e *ExchangeRatesStatusEvent) Entity() string { return "exchangeRates" }

// UnknownEvent is an event of a type this version does not decode; its data is
// in Envelope.Data.
type UnknownEvent struct {
	Envelope
}

// Entity is "" (unknown).
func (e *UnknownEvent) Entity() string { return "" }

// maxEventIDLen bounds eventId (Tango's are UUIDs).
const maxEventIDLen = 128

// wireEnvelope accepts the singular and plural names Tango's pages and schemas
// use, each as a string or a list.
type wireEnvelope struct {
	EventID         string          `json:"eventId"`
	Revision        *int64          `json:"revision"`
	EventType       stringOrList    `json:"eventType"`
	EventTypes      stringOrList    `json:"eventTypes"`
	Category        stringOrList    `json:"category"`
	Categories      stringOrList    `json:"categories"`
	EventOccurredAt string          `json:"eventOccurredAt"`
	EventData       json.RawMessage `json:"eventData"`
}

// stringOrList decodes a JSON string or a list of strings.
type stringOrList []string

// UnmarshalJSON accepts "x", ["x", "y"] and null.
func (s *stringOrList) UnmarshalJSON(b []byte) error {
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] == '"' {
		var one string
		if err := json.Unmarshal(t, &one); err != nil {
			return err
		}
		*s = []string{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(t, &list); err != nil {
		return err
	}
	*s = list
	return nil
}

// errEnvelope is the cause of every envelope decoding failure.
var errEnvelope = errors.New("webhook: not a Tango event envelope")

// DecodeEvent decodes a verified body into a typed event. It does not verify
// anything: the Handler calls it only after the signature checked out. Exported
// for receivers that verify on their own and for tests.
func DecodeEvent(body []byte) (Event, error) {
	var w wireEnvelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: %w", errEnvelope, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the JSON object", errEnvelope)
	}
	if w.EventID == "" || len(w.EventID) > maxEventIDLen || strings.ContainsFunc(w.EventID, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return nil, fmt.Errorf("%w: eventId missing or not printable", errEnvelope)
	}
	if w.Revision == nil || *w.Revision < 0 {
		return nil, fmt.Errorf("%w: revision missing or negative", errEnvelope)
	}
	env := Envelope{EventID: w.EventID, Revision: *w.Revision, Data: w.EventData}
	env.Types = append(append([]string{}, w.EventType...), w.EventTypes...)
	env.Categories = append(append([]string{}, w.Category...), w.Categories...)
	if len(env.Types) > 0 {
		env.Type = env.Types[0]
	}
	if w.EventOccurredAt != "" {
		t, err := time.Parse(time.RFC3339Nano, w.EventOccurredAt)
		if err != nil {
			return nil, fmt.Errorf("%w: eventOccurredAt: %w", errEnvelope, err)
		}
		env.OccurredAt = t
	}
	var ev Event
	var data any
	switch strings.ToLower(env.Type) {
	case strings.ToLower(TypeItemAvailability):
		e := &ItemAvailabilityEvent{Envelope: env}
		ev, data = e, e
	case strings.ToLower(TypeAccountStatus):
		e := &AccountStatusEvent{Envelope: env}
		ev, data = e, e
	case strings.ToLower(TypeLineItemDeliveryStatus):
		e := &LineItemDeliveryStatusEvent{Envelope: env}
		ev, data = e, e
	case strings.ToLower(TypeRewardStatus):
		e := &RewardStatusEvent{Envelope: env}
		ev, data = e, e
	case strings.ToLower(TypeCredentialStatus), strings.ToLower(TypeAPICredentials):
		e := &CredentialStatusEvent{Envelope: env}
		ev, data = e, e
	case strings.ToLower(TypeTransaction):
		e := &TransactionEvent{Envelope: env}
		ev, data = e, e
	case strings.ToLower(TypeLowBalance):
		e := &LowBalanceEvent{Envelope: env}
		ev, data = e, e
	case strings.ToLower(TypeAsyncOrderStatus):
		e := &AsyncOrderStatusEvent{Envelope: env}
		ev, data = e, e
	case strings.ToLower(TypeExchangeRatesStatus):
		e := &ExchangeRatesStatusEvent{Envelope: env}
		ev, data = e, e
	default:
		return &UnknownEvent{Envelope: env}, nil
	}
	if len(bytes.TrimSpace(env.Data)) == 0 || bytes.Equal(bytes.TrimSpace(env.Data), []byte("null")) {
		return nil, fmt.Errorf("%w: eventData missing for %s", errEnvelope, env.Type)
	}
	if err := json.Unmarshal(env.Data, data); err != nil {
		return nil, fmt.Errorf("%w: eventData of %s: %w", errEnvelope, env.Type, err)
	}
	return ev, nil
}
