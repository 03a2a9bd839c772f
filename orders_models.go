package tango

import (
	"fmt"
	"log/slog"
	"time"
)

// OrderStatus is the state of an order. It is a string type so that statuses Tango
// adds later still decode; compare against the constants.
type OrderStatus string

// Order statuses Tango documents.
const (
	// OrderComplete: every reward was issued (and sent, for delivered methods).
	OrderComplete OrderStatus = "COMPLETE"
	// OrderPending: under review; Tango settles it within a business day.
	OrderPending OrderStatus = "PENDING"
	// OrderQueued: accepted and waiting to be processed.
	OrderQueued OrderStatus = "QUEUED"
	// OrderPendingMR: waiting for a manual review.
	OrderPendingMR OrderStatus = "PENDING_MR"
	// OrderOnHold: held by Tango.
	OrderOnHold OrderStatus = "ON_HOLD"
	// OrderPendingKYB: waiting for a know-your-business check.
	OrderPendingKYB OrderStatus = "PENDING_KYB"
	// OrderPendingPayment: waiting for funds.
	OrderPendingPayment OrderStatus = "PENDING_PAYMENT"
	// OrderPartial: some line items failed.
	OrderPartial OrderStatus = "PARTIAL"
	// OrderFailed: the whole order failed and the account was refunded.
	OrderFailed OrderStatus = "FAILED"
	// OrderCancelled: the order was cancelled.
	OrderCancelled OrderStatus = "CANCELLED"
	// OrderDeleted: the order was deleted.
	OrderDeleted OrderStatus = "DELETED"
)

// Settled reports whether the status is final: not one of the pending, queued or
// held states an order can leave by itself.
func (s OrderStatus) Settled() bool {
	switch s {
	case OrderPending, OrderQueued, OrderPendingMR, OrderOnHold, OrderPendingKYB, OrderPendingPayment:
		return false
	}
	return true
}

// MoneyView is an amount with its currency, as Tango reports order amounts. Tango
// omits members it does not need, so every member but Value may be absent.
type MoneyView struct {
	// Value is the amount before fees.
	Value Amount `json:"value"`
	// CurrencyCode is the ISO 4217 code, such as "USD".
	CurrencyCode string `json:"currencyCode,omitempty"`
	// ExchangeRate is the rate Tango applied: its baseFx, units of the reward's
	// currency per one unit of the account's (1 when they are the same). See
	// [ExchangeRate] for the direction.
	ExchangeRate *Amount `json:"exchangeRate,omitempty"`
	// Fee is what Tango charged on top of Value.
	Fee *Amount `json:"fee,omitempty"`
	// Total is Value plus Fee.
	Total *Amount `json:"total,omitempty"`
}

// Credential is one piece of a reward: a card number, a PIN, a redemption URL, an
// expiry date. Its value is money that belongs to the customer: it is [Private],
// printed as [REDACTED] and read with string(c.Value).
type Credential struct {
	// Label is the human name, such as "Redemption Link" or "PIN".
	Label string `json:"label"`
	// Value is the credential itself.
	Value Private `json:"value"`
	// Type says how to show it: "text", "url", "barcode" or "date".
	Type string `json:"type,omitempty"`
	// CredentialType names it precisely: "redemptionUrl", "cardNumber", "pin", ...
	CredentialType string `json:"credentialType,omitempty"`
}

// Reward holds what the recipient redeems. Only single orders fetched or placed
// carry it; list rows do not.
type Reward struct {
	// Credentials maps labels to values.
	//
	// Deprecated: Tango replaced credentials with credentialList; use CredentialList.
	Credentials map[string]Private `json:"credentials,omitempty"`
	// CredentialList lists the reward's credentials, in Tango's order.
	CredentialList []Credential `json:"credentialList,omitempty"`
	// RedemptionInstructions is HTML from the brand. Treat it as untrusted markup:
	// sanitize before rendering it in a page.
	RedemptionInstructions string `json:"redemptionInstructions,omitempty"`
}

// Order is Tango's view of an order: the answer to placing one, fetching one, or a
// row of a list (list rows carry no Reward).
//
// Reward credentials and recipient and sender contact data are [Private]:
// printing an order (fmt, slog) never shows them, and encoding/json keeps them,
// so an order stored in a database still holds the reward.
type Order struct {
	// ReferenceOrderID is Tango's id for the order, such as "RA180426-1401-64".
	ReferenceOrderID string `json:"referenceOrderID"`
	// ReferenceLineItemID is the id of the order's (first) line item.
	ReferenceLineItemID string `json:"referenceLineItemID,omitempty"`
	// ExternalRefID is the idempotency key the order was placed with.
	ExternalRefID string `json:"externalRefID,omitempty"`
	// CustomerIdentifier and AccountIdentifier name the account charged.
	CustomerIdentifier string `json:"customerIdentifier,omitempty"`
	AccountIdentifier  string `json:"accountIdentifier,omitempty"`
	// AccountNumber is Tango's number for that account.
	AccountNumber string `json:"accountNumber,omitempty"`
	// AmountCharged is what the account paid, in the account's currency.
	AmountCharged *MoneyView `json:"amountCharged,omitempty"`
	// Denomination is the reward's face value, in the reward's currency.
	Denomination *MoneyView `json:"denomination,omitempty"`
	// MarginShare is the platform's margin on the order, in recorded sandbox
	// answers (value and currencyCode); Tango's current reference no longer lists
	// it, so it is often absent.
	MarginShare *MoneyView `json:"marginShare,omitempty"`
	// UTID is the catalog item ordered; PTID the printable template, if any.
	UTID string `json:"utid,omitempty"`
	PTID string `json:"ptid,omitempty"`
	// ETID is the email template used.
	ETID string `json:"etid,omitempty"`
	// RewardName is the item's name.
	RewardName string `json:"rewardName,omitempty"`
	// Sender and Recipient are as ordered.
	Sender    *Sender    `json:"sender,omitempty"`
	Recipient *Recipient `json:"recipient,omitempty"`
	// EmailSubject and Message are as ordered.
	EmailSubject string `json:"emailSubject,omitempty"`
	Message      string `json:"message,omitempty"`
	// DeliveryMethod is how the reward was delivered.
	DeliveryMethod DeliveryMethod `json:"deliveryMethod,omitempty"`
	// SendEmail mirrors DeliveryMethod == EMAIL.
	//
	// Deprecated: Tango deprecated sendEmail; use DeliveryMethod.
	SendEmail *bool `json:"sendEmail,omitempty"`
	// Status is the order's state.
	Status OrderStatus `json:"status,omitempty"`
	// OrderStatus is the newer name some answers use for Status.
	OrderStatus OrderStatus `json:"orderStatus,omitempty"`
	// LineItemStatus summarizes the line items' states.
	LineItemStatus string `json:"lineItemStatus,omitempty"`
	// Campaign, Notes and PurchaseOrderNumber are as ordered.
	Campaign            string `json:"campaign,omitempty"`
	Notes               string `json:"notes,omitempty"`
	PurchaseOrderNumber string `json:"purchaseOrderNumber,omitempty"`
	// CreatedAt is when Tango placed the order.
	CreatedAt time.Time `json:"createdAt"`
	// Reward holds the credentials; nil on list rows.
	Reward *Reward `json:"reward,omitempty"`
	// RedemptionInstructions is the brand's HTML on how to redeem, which placing
	// an order (OrderViewSummary) also returns beside the reward. Untrusted markup:
	// sanitize before rendering.
	RedemptionInstructions string `json:"redemptionInstructions,omitempty"`
	// OrderExternalRefIDDupe is Tango's orderExternalRefIdDupe flag on fetched and
	// listed orders; Tango does not document its meaning (it may mark orders whose
	// externalRefID was sent again).
	OrderExternalRefIDDupe bool `json:"orderExternalRefIdDupe,omitempty"`

	// Replayed is true when Tango answered 200: an order with this externalRefID
	// already existed on the account and Tango returned it instead of placing a
	// new one. The SDK has checked that it matches the request, including the
	// delivery method and the recipient's address as far as the answer states them.
	Replayed bool `json:"-"`
	// Recovered is true when the create call's outcome was unknown (timeouts,
	// lost connections) and the SDK found the order by its externalRefID.
	Recovered bool `json:"-"`
	// RequestID is Tango's X-REQUEST-ID of the answer that carried the order.
	RequestID string `json:"-"`
}

// State returns the order's status under either of the names Tango uses.
func (o Order) State() OrderStatus {
	if o.Status != "" {
		return o.Status
	}
	return o.OrderStatus
}

// LogValue presents the order to slog; see logValueOf.
func (o Order) LogValue() slog.Value { return logValueOf(o) }

// LogValue presents the reward to slog; see logValueOf.
func (r Reward) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r Reward) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// LogValue presents the credential to slog; see logValueOf.
func (c Credential) LogValue() slog.Value { return logValueOf(c) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (c Credential) Format(f fmt.State, verb rune) { formatValue(f, verb, c) }
