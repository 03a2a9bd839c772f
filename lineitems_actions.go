package tango

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Actions on one line item: update its labels, cancel, freeze, unfreeze, reissue
// and resend it, and read its embedded reward link. None of the writes is retried
// once it may have reached Tango: cancelling, reissuing or resending twice moves
// money or sends a reward twice, so an uncertain outcome is an
// *OutcomeUnknownError; read the line item to settle it.

// Limits of PATCH /lineItems/{id}.
const maxLineItemNotesLength = 150

// ReasonCode says why a line item is cancelled, frozen, unfrozen, reissued or
// resent. It is a string type so that codes Tango adds later can be sent and
// decoded; ReasonCodes lists the ones Tango accepts for each action.
type ReasonCode string

// Reason codes Tango documents. Which action accepts which code:
//
//   - cancel: DELIVERY_INFO, REWARD_AMOUNT, REWARD_TYPE, RECIPIENT, CURRENCY,
//     RECIPIENT_REQUESTED, RECIPIENT_OBLIGATIONS, DUPLICATE, FRAUD, OTHER;
//   - freeze and unfreeze: DELIVERY_INFO, REWARD_AMOUNT, REWARD_TYPE,
//     VERIFY_ORDER, FRAUD, OTHER;
//   - reissue: DELIVERY_INFO to RECIPIENT_REQUESTED of the cancel list, OTHER;
//   - resend: NOT_RECEIVED, LOST_DELETED, DELIVERY_INFO, DELIVERY_METHOD,
//     REMINDER, OTHER.
//
// With OTHER, explain in OtherReason.
const (
	ReasonDeliveryInfo         ReasonCode = "DELIVERY_INFO"
	ReasonRewardAmount         ReasonCode = "REWARD_AMOUNT"
	ReasonRewardType           ReasonCode = "REWARD_TYPE"
	ReasonRecipient            ReasonCode = "RECIPIENT"
	ReasonCurrency             ReasonCode = "CURRENCY"
	ReasonRecipientRequested   ReasonCode = "RECIPIENT_REQUESTED"
	ReasonRecipientObligations ReasonCode = "RECIPIENT_OBLIGATIONS"
	ReasonDuplicate            ReasonCode = "DUPLICATE"
	ReasonFraud                ReasonCode = "FRAUD"
	ReasonVerifyOrder          ReasonCode = "VERIFY_ORDER"
	ReasonNotReceived          ReasonCode = "NOT_RECEIVED"
	ReasonLostDeleted          ReasonCode = "LOST_DELETED"
	ReasonDeliveryMethod       ReasonCode = "DELIVERY_METHOD"
	ReasonReminder             ReasonCode = "REMINDER"
	ReasonOther                ReasonCode = "OTHER"
)

// Accepted says that Tango accepted a change to a line item for processing
// (HTTP 202, whose body is the word "Accepted", not JSON). The change happens
// asynchronously: read the line item to see it.
type Accepted struct {
	// StatusCode is the HTTP status (202).
	StatusCode int
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string
}

// UpdateLineItemRequest is the body of PATCH /lineItems/{id}. A nil field is left
// alone; a pointer to "" clears it.
type UpdateLineItemRequest struct {
	// PurchaseOrderNumber is the caller's purchase order reference.
	PurchaseOrderNumber *string `json:"purchaseOrderNumber,omitempty"`
	// Campaign labels the reward: letters, digits and spaces, at most 100.
	Campaign *string `json:"campaign,omitempty"`
	// OrderNotes are the caller's notes, at most 150 characters.
	OrderNotes *string `json:"orderNotes,omitempty"`
}

// LineItemActionRequest is the body of the cancel, freeze and unfreeze actions.
type LineItemActionRequest struct {
	// ReasonCode says why (required; see ReasonCode for the codes each action
	// takes).
	ReasonCode ReasonCode `json:"reasonCode"`
	// OtherReason explains, with ReasonOther.
	OtherReason string `json:"otherReason,omitempty"`
}

// ReissueRequest is the body of POST /lineItems/{id}/reissue: the reward is
// cancelled and a new one issued, optionally with another amount, delivery
// method or recipient. Field names on the wire are Tango's.
type ReissueRequest struct {
	// ReasonCode says why (required).
	ReasonCode ReasonCode `json:"reasonCode"`
	// OtherReason explains, with ReasonOther.
	OtherReason string `json:"otherReason,omitempty"`
	// Amount replaces the reward's amount (optional).
	Amount *Amount `json:"amount,omitempty"`
	// DeliveryMethod replaces the delivery method (optional).
	DeliveryMethod DeliveryMethod `json:"deliveryMethod,omitempty"`
	// Recipient replaces the recipient: first and last name, email and mobile
	// number (optional; an address is not accepted).
	Recipient *Recipient `json:"recipient,omitempty"`
	// Notes are kept with the new reward (optional, at most 1024 characters).
	Notes string `json:"notes,omitempty"`
}

// LogValue presents the request to slog; see logValueOf.
func (r ReissueRequest) LogValue() slog.Value { return logValueOf(r) }

// wireBody returns a copy of the request with the amount written with at most 2
// decimals, as Tango requires.
func (r *ReissueRequest) wireBody() *ReissueRequest {
	body := *r
	if r.Amount != nil {
		a := r.Amount.trimScale(maxRequestDecimals)
		body.Amount = &a
	}
	return &body
}

// LineItemResendRequest is the body of POST /lineItems/{id}/resends. Every field
// is optional: an empty request resends to the original recipient. The new
// address and number are [Private].
type LineItemResendRequest struct {
	// NewDeliveryMethod switches the delivery method.
	NewDeliveryMethod DeliveryMethod `json:"newDeliveryMethod,omitempty"`
	// NewEmail sends the reward to another address.
	NewEmail Private `json:"newEmail,omitempty"`
	// NewMobileNumber sends it to another mobile number (E.164).
	NewMobileNumber Private `json:"newMobileNumber,omitempty"`
	// NewETID uses another email template.
	NewETID string `json:"newEtid,omitempty"`
	// ReasonCode says why.
	ReasonCode ReasonCode `json:"reasonCode,omitempty"`
	// OtherReason explains, with ReasonOther.
	OtherReason string `json:"otherReason,omitempty"`
}

// LogValue presents the request to slog; see logValueOf.
func (r LineItemResendRequest) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r LineItemResendRequest) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// LineItemResend is Tango's record of a line item resend (ResendView). The
// address and number the reward went to are [Private].
type LineItemResend struct {
	// ID identifies the resend.
	ID int64 `json:"id"`
	// CreatedAt is when Tango accepted it.
	CreatedAt time.Time `json:"createdAt"`
	// Email and MobileNumber are where the reward went.
	Email        Private `json:"email,omitempty"`
	MobileNumber Private `json:"mobileNumber,omitempty"`
	// DeliveryMethod is how it went.
	DeliveryMethod DeliveryMethod `json:"deliveryMethod,omitempty"`
	// ReasonCode and OtherReason are as sent.
	ReasonCode  ReasonCode `json:"reasonCode,omitempty"`
	OtherReason string     `json:"otherReason,omitempty"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (r *LineItemResend) setRequestID(id string) { r.RequestID = id }

// LogValue presents the resend to slog; see logValueOf.
func (r LineItemResend) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r LineItemResend) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// LineItemReasonCodes lists the reason codes Tango accepts for each action, with
// their descriptions (GET /lineItems/reasonCodes).
type LineItemReasonCodes struct {
	Freeze           map[ReasonCode]string `json:"FREEZE"`
	Unfreeze         map[ReasonCode]string `json:"UNFREEZE"`
	Cancel           map[ReasonCode]string `json:"CANCEL"`
	CancelAndReissue map[ReasonCode]string `json:"CANCEL_AND_REISSUE"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (rc *LineItemReasonCodes) setRequestID(id string) { rc.RequestID = id }

// Update changes a line item's purchase order number, campaign or notes
// (PATCH /lineItems/{referenceLineItemID}).
func (s *LineItemsService) Update(ctx context.Context, referenceLineItemID string, req *UpdateLineItemRequest) (*Accepted, error) {
	if err := requirePathID("referenceLineItemID", referenceLineItemID); err != nil {
		return nil, err
	}
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	if err := s.vetLineItemFirst(ctx, referenceLineItemID); err != nil {
		return nil, err
	}
	return s.accepted(ctx, http.MethodPatch, lineItemPath(referenceLineItemID, ""), req)
}

// Cancel cancels a reward and refunds the account that paid for it
// (POST /lineItems/{referenceLineItemID}/cancel). Tango cancels only fully
// unredeemed Choice products (Reward Link, Promo Link, ...) within 5 calendar
// days; others fail with 403.010.
func (s *LineItemsService) Cancel(ctx context.Context, referenceLineItemID string, req *LineItemActionRequest) (*Accepted, error) {
	return s.action(ctx, referenceLineItemID, "cancel", req)
}

// Freeze suspends a reward so that it cannot be redeemed
// (POST /lineItems/{referenceLineItemID}/freeze).
func (s *LineItemsService) Freeze(ctx context.Context, referenceLineItemID string, req *LineItemActionRequest) (*Accepted, error) {
	return s.action(ctx, referenceLineItemID, "freeze", req)
}

// Unfreeze makes a frozen reward redeemable again
// (POST /lineItems/{referenceLineItemID}/unfreeze).
func (s *LineItemsService) Unfreeze(ctx context.Context, referenceLineItemID string, req *LineItemActionRequest) (*Accepted, error) {
	return s.action(ctx, referenceLineItemID, "unfreeze", req)
}

// action runs cancel, freeze or unfreeze.
func (s *LineItemsService) action(ctx context.Context, id, name string, req *LineItemActionRequest) (*Accepted, error) {
	if err := requirePathID("referenceLineItemID", id); err != nil {
		return nil, err
	}
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	if err := s.vetLineItemFirst(ctx, id); err != nil {
		return nil, err
	}
	return s.accepted(ctx, http.MethodPost, lineItemPath(id, name), req)
}

// accepted sends a write whose success answer is 202 "Accepted". Tango's reference
// declares the JSON string "Accepted"; the body is not decoded, so the bare word
// some answers carry is accepted too.
func (s *LineItemsService) accepted(ctx context.Context, method, path string, body any) (*Accepted, error) {
	r, err := newRequest(method, path, nil, body, retryUnsafe)
	if err != nil {
		return nil, err
	}
	resp, err := s.c.send(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	return &Accepted{StatusCode: resp.StatusCode, RequestID: resp.RequestID}, nil
}

// Reissue cancels a reward and issues a new one in a new order
// (POST /lineItems/{referenceLineItemID}/reissue), which it returns. Tango
// limits how often a reward can be reissued (403.022).
func (s *LineItemsService) Reissue(ctx context.Context, referenceLineItemID string, req *ReissueRequest) (*Order, error) {
	if err := requirePathID("referenceLineItemID", referenceLineItemID); err != nil {
		return nil, err
	}
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	if err := s.vetLineItemFirst(ctx, referenceLineItemID); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, lineItemPath(referenceLineItemID, "reissue"), nil, req.wireBody(), retryUnsafe)
	if err != nil {
		return nil, err
	}
	var order Order
	resp, err := s.c.send(ctx, r, &order)
	if err != nil {
		return nil, err
	}
	order.RequestID = resp.RequestID
	return &order, nil
}

// Resend delivers a reward again (POST /lineItems/{referenceLineItemID}/resends);
// req may be nil. Tango allows one resend per reward every 30 seconds and only
// for rewards it delivered itself (403.003 otherwise).
func (s *LineItemsService) Resend(ctx context.Context, referenceLineItemID string, req *LineItemResendRequest) (*LineItemResend, error) {
	if err := requirePathID("referenceLineItemID", referenceLineItemID); err != nil {
		return nil, err
	}
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	if err := s.vetLineItemFirst(ctx, referenceLineItemID); err != nil {
		return nil, err
	}
	var body any = struct{}{}
	if req != nil {
		body = req
	}
	r, err := newRequest(http.MethodPost, lineItemPath(referenceLineItemID, "resends"), nil, body, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return sendDecoded[LineItemResend](ctx, s.c, r)
}

// EmbeddedURL returns the link at which the reward of an EMBEDDED line item is
// redeemed (GET /lineItems/{referenceLineItemID}/embeddedUrl). The link is the
// reward itself, so it comes back [Private]: show it to the recipient only.
func (s *LineItemsService) EmbeddedURL(ctx context.Context, referenceLineItemID string) (Private, error) {
	if err := requirePathID("referenceLineItemID", referenceLineItemID); err != nil {
		return "", err
	}
	if err := s.vetLineItemFirst(ctx, referenceLineItemID); err != nil {
		return "", err
	}
	r, err := newRequest(http.MethodGet, lineItemPath(referenceLineItemID, "embeddedUrl"), nil, nil, retryRead)
	if err != nil {
		return "", err
	}
	var out struct {
		URL Private `json:"url"`
	}
	if _, err := s.c.send(ctx, r, &out); err != nil {
		return "", err
	}
	return out.URL, nil
}

// ReasonCodes lists the reason codes each line item action accepts
// (GET /lineItems/reasonCodes).
func (s *LineItemsService) ReasonCodes(ctx context.Context) (*LineItemReasonCodes, error) {
	r, err := newRequest(http.MethodGet, "/lineItems/reasonCodes", nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	return sendDecoded[LineItemReasonCodes](ctx, s.c, r)
}
