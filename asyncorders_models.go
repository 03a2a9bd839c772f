package tango

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// AsyncOrderStatus is the state of an async order or one of its line items. It is
// a string type so that statuses Tango adds later still decode.
type AsyncOrderStatus string

// Async order and line item statuses the SDK knows to be final. Tango's reference
// does not enumerate the statuses; these are the ones its documentation and the
// fake use.
const (
	// AsyncComplete: every line item was placed.
	AsyncComplete AsyncOrderStatus = "COMPLETE"
	// AsyncPartial: some line items were placed and some failed.
	AsyncPartial AsyncOrderStatus = "PARTIAL"
	// AsyncFailed: nothing was placed (for a line item: it failed).
	AsyncFailed AsyncOrderStatus = "FAILED"
	// AsyncCancelled: the order or line item was cancelled.
	AsyncCancelled AsyncOrderStatus = "CANCELLED"
)

// Settled reports whether the status is final. Unlike OrderStatus, the known
// final states are listed (COMPLETE, COMPLETED, PARTIAL, FAILED, CANCELLED,
// REJECTED): an async order passes through several intake and processing states
// that Tango's reference does not name, and waiting on an unknown state is
// safer than reporting it as done.
func (s AsyncOrderStatus) Settled() bool {
	switch s {
	case AsyncComplete, "COMPLETED", AsyncPartial, AsyncFailed, AsyncCancelled, "REJECTED":
		return true
	}
	return false
}

// CreateAsyncOrderRequest is the body of POST /asyncOrders: many rewards charged
// to one account, processed by Tango in the background. Printing it never shows
// contact data.
type CreateAsyncOrderRequest struct {
	// ExternalRefID is the idempotency key of the whole async order: Tango keeps
	// at most one async order per externalRefID and account. Leave it empty and
	// the SDK generates one (reused on every retry of the call); for re-runs,
	// derive it with ExternalRefIDFor.
	ExternalRefID string `json:"externalRefID"`
	// CustomerIdentifier and AccountIdentifier name the account charged (required).
	CustomerIdentifier string `json:"customerIdentifier"`
	AccountIdentifier  string `json:"accountIdentifier"`
	// Sender is who the reward emails say they come from (optional).
	Sender *Sender `json:"sender,omitempty"`
	// Campaign, PurchaseOrderNumber and Notes are kept with the order (optional).
	Campaign            string `json:"campaign,omitempty"`
	PurchaseOrderNumber string `json:"purchaseOrderNumber,omitempty"`
	Notes               string `json:"notes,omitempty"`
	// LineItems are the rewards (at least one). Each needs its own
	// ExternalRefLineItemID, unique within the order, which is how results map
	// back to the caller's rows.
	LineItems []AsyncLineItemRequest `json:"lineItems"`
}

// LogValue presents the request to slog; see logValueOf.
func (r CreateAsyncOrderRequest) LogValue() slog.Value { return logValueOf(r) }

// AsyncLineItemRequest is one reward of an async order.
type AsyncLineItemRequest struct {
	// ExternalRefLineItemID identifies the line item within the order (required,
	// at most 100 characters).
	ExternalRefLineItemID string `json:"externalRefLineItemID"`
	// Quantity is how many rewards the recipient gets; 0 means 1.
	Quantity int `json:"quantity"`
	// UTID is the catalog item (required).
	UTID string `json:"utid"`
	// Amount is the face value of each reward (required).
	Amount Amount `json:"amount"`
	// DeliveryMethod says how the reward is delivered; empty means EMAIL when the
	// recipient has an email address, and is refused otherwise (the SDK never
	// infers NONE: set DeliveryNone to deliver the reward yourself).
	DeliveryMethod DeliveryMethod `json:"deliveryMethod"`
	// Recipient receives the reward.
	Recipient *Recipient `json:"recipient,omitempty"`
	// DeliveryDate schedules delivery (at least 7 days ahead; optional).
	DeliveryDate string `json:"deliveryDate,omitempty"`
	// ETID, PTID, ExpirationDate, EmailSubject and Message are as for orders.
	ETID           string `json:"etid,omitempty"`
	PTID           string `json:"ptid,omitempty"`
	ExpirationDate string `json:"expirationDate,omitempty"`
	EmailSubject   string `json:"emailSubject,omitempty"`
	Message        string `json:"message,omitempty"`
	// LineItemNote is kept with the line item (at most 150 characters).
	LineItemNote string `json:"lineItemNote,omitempty"`
	// ShippingMethod is required for physical deliveries ("upsground", ...).
	ShippingMethod string `json:"shippingMethod,omitempty"`
}

// LogValue presents the value to slog field by field; see logValueOf.
func (li AsyncLineItemRequest) LogValue() slog.Value { return logValueOf(li) }

// resolvedDeliveryMethod is the method sent: the given one, else EMAIL when there
// is an email address, else "" (refused by validation: the SDK never infers NONE).
func (li *AsyncLineItemRequest) resolvedDeliveryMethod() DeliveryMethod {
	switch {
	case li.DeliveryMethod != "":
		return li.DeliveryMethod
	case li.Recipient != nil && li.Recipient.Email != "":
		return DeliveryEmail
	}
	return ""
}

// AsyncOrderSubmission is Tango's answer to creating an async order: accepted
// for processing, with the line items it refused at intake and the line item ids
// the request repeated. Pass it to AsyncOrdersService.Wait to learn the outcome.
type AsyncOrderSubmission struct {
	// ExternalRefID is the async order's idempotency key.
	ExternalRefID string `json:"externalRefID"`
	// CustomerIdentifier and AccountIdentifier are the account it was placed on
	// (filled in by the SDK from the request).
	CustomerIdentifier string `json:"customerIdentifier,omitempty"`
	AccountIdentifier  string `json:"accountIdentifier,omitempty"`
	// Status is Tango's intake status.
	Status AsyncOrderStatus `json:"status,omitempty"`
	// TotalLineItems is how many line items the request held.
	TotalLineItems int `json:"totalLineItems,omitempty"`
	// CreatedAt is when Tango received it.
	CreatedAt time.Time `json:"createdAt"`
	// FailedLineItems were refused at intake (business validation).
	FailedLineItems []AsyncLineItemFailure `json:"failedLineItems,omitempty"`
	// DuplicateLineItemRefIDs counts the externalRefLineItemIDs the request used
	// more than once.
	DuplicateLineItemRefIDs map[string]int `json:"duplicateLineItemRefIds,omitempty"`
	// Replayed is true when Tango already had an async order with this
	// externalRefID and answered with it (HTTP 200) instead of accepting a new one
	// (HTTP 202).
	Replayed bool `json:"-"`
	// Recovered is true when the answer was lost and the SDK found the order by
	// its externalRefID instead; intake failures and duplicates are then unknown
	// (Wait still reports the failed line items).
	Recovered bool `json:"-"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// AsyncLineItemFailure is a line item Tango refused, with why.
type AsyncLineItemFailure struct {
	// ReferenceLineItemID is Tango's id, when it gave the line item one.
	ReferenceLineItemID string `json:"lineItemId,omitempty"`
	// ExternalRefLineItemID is the caller's id of the line item.
	ExternalRefLineItemID string `json:"externalRefLineItemID,omitempty"`
	// UTID is the item ordered.
	UTID string `json:"utid,omitempty"`
	// Errors say why.
	Errors []AsyncError `json:"errors,omitempty"`
}

// AsyncError is one reason Tango gives for a refused async order or line item.
// Tango reports these in two shapes (field validation at intake, error codes
// after processing); both decode into it.
type AsyncError struct {
	// Field names the request field, for validation errors.
	Field string `json:"field,omitempty"`
	// Code is Tango's error code (errorCode, or errorCodeName for validation).
	Code string `json:"code,omitempty"`
	// CodeValue is the numeric code of a validation error.
	CodeValue int `json:"codeValue,omitempty"`
	// Message says what went wrong.
	Message string `json:"message,omitempty"`
}

// UnmarshalJSON reads both of Tango's error shapes: {errorCode, errorMessage}
// and {field, errorCodeValue, errorCodeName, message}.
func (e *AsyncError) UnmarshalJSON(b []byte) error {
	var w struct {
		ErrorCode      string `json:"errorCode"`
		ErrorMessage   string `json:"errorMessage"`
		Field          string `json:"field"`
		ErrorCodeValue int    `json:"errorCodeValue"`
		ErrorCodeName  string `json:"errorCodeName"`
		Message        string `json:"message"`
		Code           string `json:"code"`
		CodeValue      int    `json:"codeValue"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = AsyncError{Field: w.Field, Code: firstNonEmpty(w.ErrorCode, w.ErrorCodeName, w.Code),
		CodeValue: max(w.ErrorCodeValue, w.CodeValue), Message: firstNonEmpty(w.ErrorMessage, w.Message)}
	return nil
}

// String is "code: message" (or the field's).
func (e AsyncError) String() string {
	s := e.Code
	if e.Field != "" {
		s = e.Field + " " + s
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// AsyncAmountCharged is what an async order charged the account.
type AsyncAmountCharged struct {
	CurrencyCode string  `json:"currencyCode,omitempty"`
	Value        *Amount `json:"value,omitempty"`
	Total        *Amount `json:"total,omitempty"`
	ShippingFee  *Amount `json:"shippingFee,omitempty"`
}

// AsyncCursor is the paging block of async order answers.
type AsyncCursor struct {
	PrevCursor        string `json:"prevCursor,omitempty"`
	NextCursor        string `json:"nextCursor,omitempty"`
	PrevPageAvailable bool   `json:"prevPageAvailable"`
	NextPageAvailable bool   `json:"nextPageAvailable"`
	MaxResults        int    `json:"maxResults,omitempty"`
	NumberOfElements  int    `json:"numberOfElements,omitempty"`
}

// AsyncOrder is Tango's view of one async order with a page of its line items
// (GET and PATCH /asyncOrders/customers/{c}/accounts/{a}/{externalRefID}).
type AsyncOrder struct {
	ReferenceOrderID    string              `json:"referenceOrderID,omitempty"`
	ExternalRefID       string              `json:"externalRefID,omitempty"`
	OrderStatus         AsyncOrderStatus    `json:"orderStatus,omitempty"`
	CreatedAt           *time.Time          `json:"createdAt,omitempty"`
	CompletedAt         *time.Time          `json:"completedAt,omitempty"`
	CustomerIdentifier  string              `json:"customerIdentifier,omitempty"`
	AccountIdentifier   string              `json:"accountIdentifier,omitempty"`
	Sender              *Sender             `json:"sender,omitempty"`
	AmountCharged       *AsyncAmountCharged `json:"amountCharged,omitempty"`
	Campaign            string              `json:"campaign,omitempty"`
	PurchaseOrderNumber string              `json:"purchaseOrderNumber,omitempty"`
	Notes               string              `json:"notes,omitempty"`
	TotalLineItems      int                 `json:"totalLineItems,omitempty"`
	Pagination          *AsyncCursor        `json:"pagination,omitempty"`
	OrderErrors         []AsyncError        `json:"orderErrors,omitempty"`
	LineItems           []AsyncLineItem     `json:"lineItems,omitempty"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// LogValue presents the value to slog field by field; see logValueOf.
func (o AsyncOrder) LogValue() slog.Value { return logValueOf(o) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (o AsyncOrder) Format(f fmt.State, verb rune) { formatValue(f, verb, o) }

func (o *AsyncOrder) setRequestID(id string) { o.RequestID = id }

// AsyncLineItem is one line item of an async order. The verbose form (from
// AsyncOrdersService.LineItems) also carries the rewards.
type AsyncLineItem struct {
	// ReferenceLineItemID is Tango's id (Tango spells the key two ways; both decode).
	ReferenceLineItemID   string           `json:"referenceLineItemID,omitempty"`
	ExternalRefLineItemID string           `json:"externalRefLineItemID,omitempty"`
	LineItemStatus        AsyncOrderStatus `json:"lineItemStatus,omitempty"`
	DeliveryStatus        string           `json:"deliveryStatus,omitempty"`
	DeliveryMethod        DeliveryMethod   `json:"deliveryMethod,omitempty"`
	Recipient             *Recipient       `json:"recipient,omitempty"`
	UTID                  string           `json:"utid,omitempty"`
	RewardName            string           `json:"rewardName,omitempty"`
	Quantity              int              `json:"quantity,omitempty"`
	Amount                *Amount          `json:"amount,omitempty"`
	AmountIssued          *MoneyView       `json:"amountIssued,omitempty"`
	AmountCharged         *MoneyView       `json:"amountCharged,omitempty"`
	ScheduledDeliveryDate *time.Time       `json:"scheduledDeliveryDate,omitempty"`
	LineItemErrors        []AsyncError     `json:"lineItemErrors,omitempty"`
	ETID                  string           `json:"etid,omitempty"`
	PTID                  string           `json:"ptid,omitempty"`
	LineItemNotes         string           `json:"lineItemNotes,omitempty"`
	CanCancel             bool             `json:"canCancel,omitempty"`
	CanFreeze             bool             `json:"canFreeze,omitempty"`
	// Rewards hold the credentials (verbose form only; printed redacted).
	Rewards []AsyncReward `json:"rewards,omitempty"`
}

// LogValue presents the value to slog field by field; see logValueOf.
func (li AsyncLineItem) LogValue() slog.Value { return logValueOf(li) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (li AsyncLineItem) Format(f fmt.State, verb rune) { formatValue(f, verb, li) }

// UnmarshalJSON accepts referenceLineItemId as well as referenceLineItemID: the
// summary and verbose forms spell it differently.
func (li *AsyncLineItem) UnmarshalJSON(b []byte) error {
	type plain AsyncLineItem
	var w struct {
		plain
		AltID string `json:"referenceLineItemId"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*li = AsyncLineItem(w.plain)
	if li.ReferenceLineItemID == "" {
		li.ReferenceLineItemID = w.AltID
	}
	return nil
}

// AsyncReward is one reward of a line item.
type AsyncReward struct {
	RewardStatus           string       `json:"rewardStatus,omitempty"`
	CredentialList         []Credential `json:"credentialList,omitempty"`
	RedemptionInstructions string       `json:"redemptionInstructions,omitempty"`
}

// LogValue presents the value to slog field by field; see logValueOf.
func (r AsyncReward) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r AsyncReward) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// AsyncOrderLineItems is a page of an async order's line items, verbose
// (GET .../{externalRefID}/lineItems).
type AsyncOrderLineItems struct {
	ReferenceOrderID   string           `json:"referenceOrderID,omitempty"`
	ExternalRefID      string           `json:"externalRefID,omitempty"`
	CustomerIdentifier string           `json:"customerIdentifier,omitempty"`
	AccountIdentifier  string           `json:"accountIdentifier,omitempty"`
	OrderStatus        AsyncOrderStatus `json:"orderStatus,omitempty"`
	OrderErrors        []AsyncError     `json:"orderErrors,omitempty"`
	Pagination         *AsyncCursor     `json:"pagination,omitempty"`
	LineItems          []AsyncLineItem  `json:"lineItems,omitempty"`
	RequestID          string           `json:"-"`
}

// LogValue presents the value to slog field by field; see logValueOf.
func (p AsyncOrderLineItems) LogValue() slog.Value { return logValueOf(p) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (p AsyncOrderLineItems) Format(f fmt.State, verb rune) { formatValue(f, verb, p) }

func (p *AsyncOrderLineItems) setRequestID(id string) { p.RequestID = id }

// AsyncOrderList is a page of GET /asyncOrders.
type AsyncOrderList struct {
	PrevCursor        string              `json:"prevCursor,omitempty"`
	NextCursor        string              `json:"nextCursor,omitempty"`
	PrevPageAvailable bool                `json:"prevPageAvailable"`
	NextPageAvailable bool                `json:"nextPageAvailable"`
	MaxResults        int                 `json:"maxResults,omitempty"`
	Orders            []AsyncOrderSummary `json:"orders"`
	RequestID         string              `json:"-"`
}

// LogValue presents the value to slog field by field; see logValueOf.
func (p AsyncOrderList) LogValue() slog.Value { return logValueOf(p) }

func (p *AsyncOrderList) setRequestID(id string) { p.RequestID = id }

// AsyncOrderSummary is a row of GET /asyncOrders.
type AsyncOrderSummary struct {
	CreatedAt           string              `json:"createdAt,omitempty"`
	ReferenceOrderID    string              `json:"referenceOrderID"`
	ExternalRefID       string              `json:"externalRefID,omitempty"`
	CustomerIdentifier  string              `json:"customerIdentifier,omitempty"`
	AccountIdentifier   string              `json:"accountIdentifier,omitempty"`
	AccountNumber       string              `json:"accountNumber,omitempty"`
	Sender              *Sender             `json:"sender,omitempty"`
	Campaign            string              `json:"campaign,omitempty"`
	PurchaseOrderNumber string              `json:"purchaseOrderNumber,omitempty"`
	Notes               string              `json:"notes,omitempty"`
	FulfillBy           string              `json:"fulfillBy,omitempty"`
	OrderStatus         AsyncOrderStatus    `json:"orderStatus,omitempty"`
	TotalLineItemsRows  int                 `json:"totalLineItemsRows,omitempty"`
	AmountCharged       *AsyncAmountCharged `json:"amountCharged,omitempty"`
}

// LogValue presents the value to slog field by field; see logValueOf.
func (s AsyncOrderSummary) LogValue() slog.Value { return logValueOf(s) }

// AsyncReasonCodes are the reasons Tango accepts for each line item action
// (FREEZE, UNFREEZE, CANCEL, REISSUE, ...): action → code → description.
type AsyncReasonCodes struct {
	ReasonCodes map[string]map[string]string `json:"reasonCodes"`
	RequestID   string                       `json:"-"`
}

func (r *AsyncReasonCodes) setRequestID(id string) { r.RequestID = id }

// UpdateAsyncOrderRequest changes an async order's bookkeeping fields; empty
// fields are left as they are.
type UpdateAsyncOrderRequest struct {
	Campaign            string `json:"campaign,omitempty"`
	PurchaseOrderNumber string `json:"purchaseOrderNumber,omitempty"`
	// Notes: at most 150 characters.
	Notes string `json:"notes,omitempty"`
}

// UpdateAsyncLineItemRequest changes a line item that is not delivered yet. At
// least one field must be set.
type UpdateAsyncLineItemRequest struct {
	// LineItemNote: at most 150 characters.
	LineItemNote string
	// DeliveryDate reschedules delivery (at least 7 days ahead).
	DeliveryDate string
	// Sender changes who the reward email says it comes from.
	Sender *Sender
}

// LogValue presents the value to slog field by field; see logValueOf.
func (r UpdateAsyncLineItemRequest) LogValue() slog.Value { return logValueOf(r) }

// AsyncLineItemUpdate is Tango's answer to a line item update.
type AsyncLineItemUpdate struct {
	DeliveryDate *time.Time `json:"deliveryDate,omitempty"`
	Note         string     `json:"note,omitempty"`
	Sender       *Sender    `json:"senderInfo,omitempty"`
	RequestID    string     `json:"-"`
}

// LogValue presents the value to slog field by field; see logValueOf.
func (u AsyncLineItemUpdate) LogValue() slog.Value { return logValueOf(u) }

func (u *AsyncLineItemUpdate) setRequestID(id string) { u.RequestID = id }

// AsyncOrderResult is the settled outcome of an async order (see
// AsyncOrdersService.Wait): the order, and every line item that did not place a
// reward, by the caller's line item id.
type AsyncOrderResult struct {
	// Order is the settled order (with the first page of its line items).
	Order *AsyncOrder
	// Failed lists the line items refused at intake or failed in processing.
	// An order that ended as a whole (Order.OrderStatus FAILED, CANCELLED,
	// REJECTED) may list none of them: its other line items are then not known
	// to be placed. Take a line item as paid only when the order is COMPLETE or
	// PARTIAL and the line item is not listed here.
	Failed []AsyncLineItemFailure
	// Duplicates counts the externalRefLineItemIDs the request repeated (known
	// only from the submission; empty after a recovered submission).
	Duplicates map[string]int
}

// LogValue presents the value to slog field by field; see logValueOf.
func (r AsyncOrderResult) LogValue() slog.Value { return logValueOf(r) }

// FailedByID returns the failures keyed by externalRefLineItemID, for mapping
// back to the caller's rows.
func (r *AsyncOrderResult) FailedByID() map[string]AsyncLineItemFailure {
	m := make(map[string]AsyncLineItemFailure, len(r.Failed))
	for _, f := range r.Failed {
		m[f.ExternalRefLineItemID] = f
	}
	return m
}
