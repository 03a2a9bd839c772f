package tango

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"
)

// OrdersService places and reads orders: POST /orders, GET /orders,
// GET /orders/{referenceOrderID} and POST /orders/{referenceOrderID}/resends.
// Reach it as Client.Orders.
type OrdersService service

// NewExternalRefID returns a fresh idempotency key for an order, a deposit or a
// transfer: a random (version 4) UUID. Choose the key before the first call and
// keep it with your record of the payment; calling again with the same key after
// any failure can never pay twice.
func NewExternalRefID() string { return uuid.NewString() }

// externalRefIDRoot is tango-go's own namespace UUID for ExternalRefIDFor. It is
// fixed forever: changing it would give every business key a new externalRefID,
// and re-runs would place second orders.
var externalRefIDRoot = uuid.MustParse("6d8184ff-f56b-4638-96ff-56da076c99de")

// ExternalRefIDFor returns the idempotency key that belongs to a business key: the
// same namespace and key give the same externalRefID on every machine, in every
// process, in every version of the SDK. Use it when the work that pays a reward
// can run more than once (a re-run of a campaign file, a job a queue redelivers, a
// worker restarted halfway): every run derives the same key, so Tango answers the
// second attempt with the first order (Order.Replayed) instead of placing another.
//
// namespace separates key spaces that could otherwise collide: a campaign name, a
// queue name, a table name. key is the business key within it: a row id, a message
// id, a primary key. Both are used exactly as given (case and spaces matter).
// Different (namespace, key) pairs give different externalRefIDs, including pairs
// whose concatenations agree ("a"+"bc" and "ab"+"c").
//
// The result is a name-based (version 5, SHA-1) UUID: the namespace is hashed
// under tango-go's fixed root UUID 6d8184ff-f56b-4638-96ff-56da076c99de, and the
// key under the UUID that gives. Other languages can derive the same values.
//
// A queue consumer that pays one reward per message:
//
//	func handle(ctx context.Context, c *tango.Client, msg Message) error {
//		_, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{
//			ExternalRefID:      tango.ExternalRefIDFor("signup-bonus", msg.ID),
//			CustomerIdentifier: "cust-1", AccountIdentifier: "acct-1",
//			UTID: "U561593", Amount: tango.MustParseAmount("10.00"),
//			Recipient: &tango.Recipient{Email: msg.Email, FirstName: msg.FirstName},
//		})
//		return err // the queue redelivers on error; the redelivery replays, never pays twice
//	}
//
// Use NewExternalRefID instead when there is no business key to derive from, and
// store the key it returns before the first call.
func ExternalRefIDFor(namespace, key string) string {
	ns := uuid.NewSHA1(externalRefIDRoot, []byte(namespace))
	return uuid.NewSHA1(ns, []byte(key)).String()
}

// Create places an order, exactly once.
//
// The request is checked first (see CreateOrderRequest.Validate); nothing is sent
// if it fails. An empty ExternalRefID is replaced by a random UUID before the first
// attempt; a given one is never changed; every retry reuses it, and the result and
// every error carry it (see OrderError), so the caller can always retry later with
// the same key without risking a second reward.
//
// Tango answers 201 for a new order and 200 with the stored order when the key was
// seen before on this account; the latter sets Order.Replayed and is checked
// against the request (utid, amount, customer, account, delivery method and
// where the reward goes): a difference is an *IdempotencyMismatchError, never a
// silent success. An answer that does not describe the order asked for (no
// referenceOrderID, an empty body, another or no externalRefID, or a 201 that
// differs from the request) is never returned: the outcome is unknown and the
// lookup below settles it. 409.002 (the same key still in
// flight) is retried at least 2 s apart. When retries end without an answer, the
// SDK looks the order up by its externalRefID before giving up (the lookup's own
// retries do not draw on the retry budget, so an empty budget cannot leave a paid
// order unsettled); if the order exists on the account it is returned with
// Order.Recovered set. If it does not, and Tango's last answer was a
// refusal the same request would always meet (a validation or business rule, an
// unknown account), that refusal is the error; otherwise the error is an
// *OutcomeUnknownError. When ctx has a deadline, the attempts stop a little before
// it (a quarter of the time left, at most 5 s) so that the lookup can still run.
//
// The generated externalRefID lives only in the result and the errors: a loop that
// calls Create again with the same request would place a new order. To retry
// safely across calls, choose the key first (NewExternalRefID), store it with
// your own record of the reward, and set it on the request.
func (s *OrdersService) Create(ctx context.Context, req *CreateOrderRequest) (*Order, error) {
	return s.create(ctx, req, "", "")
}

// create is Create, optionally bound to one account (see AccountScope).
func (s *OrdersService) create(ctx context.Context, req *CreateOrderRequest, onlyCustomer, onlyAccount string) (*Order, error) {
	if ctx == nil {
		ref := ""
		if req != nil {
			ref = req.ExternalRefID
		}
		return nil, &OrderError{ExternalRefID: ref, Err: fmt.Errorf("tango: POST /orders: %w", errNilContext)}
	}
	if err := validateRequest(req); err != nil {
		ref := ""
		if req != nil {
			ref = req.ExternalRefID
		}
		return nil, &OrderError{ExternalRefID: ref, Err: err}
	}
	body := req.wireBody()
	if onlyAccount != "" && (body.CustomerIdentifier != onlyCustomer || body.AccountIdentifier != onlyAccount) {
		return nil, &OrderError{ExternalRefID: body.ExternalRefID, Err: scopeError(onlyCustomer, onlyAccount, body.CustomerIdentifier, body.AccountIdentifier)}
	}
	if body.ExternalRefID == "" {
		body.ExternalRefID = NewExternalRefID()
	}
	ref := body.ExternalRefID
	r, err := newRequest(http.MethodPost, "/orders", nil, &body, retryKeyed)
	if err != nil {
		return nil, &OrderError{ExternalRefID: ref, Err: err}
	}
	r.externalRefID, r.customer, r.account = ref, body.CustomerIdentifier, body.AccountIdentifier

	var order Order
	sendCtx, cancel := withLookupReserve(ctx)
	resp, err := s.c.send(sendCtx, r, &order)
	cancel()
	if err == nil {
		order.RequestID = resp.RequestID
		order.Replayed = resp.StatusCode == http.StatusOK
		why := answerMismatch(&order, &body, !order.Replayed)
		switch {
		case why == "" && order.Replayed:
			return checkReplay(req, &body, &order)
		case why == "":
			return &order, nil
		}
		// Not the order that was asked for (another caller's, or none at all):
		// whether this one was placed is unknown until the lookup says.
		err = notTheAnswerAskedFor(r, resp, ref, why)
	}
	found, err := settleByLookup(ctx, ref, "order", err, func(ctx context.Context) (*Order, error) {
		return s.lookup(ctx, body.CustomerIdentifier, body.AccountIdentifier, ref)
	})
	if err != nil {
		return nil, err
	}
	found.Recovered = true
	return checkReplay(req, &body, found)
}

// Get fetches one order with its reward credentials (GET /orders/{referenceOrderID}).
func (s *OrdersService) Get(ctx context.Context, referenceOrderID string) (*Order, error) {
	if strings.TrimSpace(referenceOrderID) == "" {
		return nil, &ValidationError{Fields: []FieldError{{Path: "referenceOrderID", I18nKey: keyRequired, Message: "a reference order id is required"}}}
	}
	r, err := newRequest(http.MethodGet, "/orders/"+url.PathEscape(referenceOrderID), nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	var order Order
	resp, err := s.c.send(ctx, r, &order)
	if err != nil {
		return nil, err
	}
	if err := s.c.vetOwner(ctx, r.method, r.path, order.CustomerIdentifier, order.AccountIdentifier); err != nil {
		return nil, err
	}
	order.RequestID = resp.RequestID
	return &order, nil
}

// ResendRequest says where a resent reward goes. Every field is optional: an empty
// request resends to the original recipient. The new address and number are
// [Private].
type ResendRequest struct {
	// NewEmail sends the reward to another address.
	NewEmail Private `json:"newEmail,omitempty"`
	// NewMobile sends it to another mobile number (E.164).
	NewMobile Private `json:"newMobile,omitempty"`
	// NewETID uses another email template.
	NewETID string `json:"newEtid,omitempty"`
	// NewDeliveryMethod switches between NONE, EMAIL, PHONE and WHATSAPP.
	NewDeliveryMethod DeliveryMethod `json:"newDeliveryMethod,omitempty"`
}

// LogValue presents the request to slog; see logValueOf.
func (r ResendRequest) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r ResendRequest) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// Resend is Tango's record of a resend.
type Resend struct {
	// ID identifies the resend.
	ID int64 `json:"id"`
	// CreatedAt is when Tango accepted it.
	CreatedAt string `json:"createdAt,omitempty"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// Resend asks Tango to deliver an order's reward again
// (POST /orders/{referenceOrderID}/resends); req may be nil.
//
// Tango allows one resend per order every 30 seconds and refuses resends of
// orders placed without email delivery (403.003). A resend is never retried
// automatically once it may have reached Tango, since it would send the reward
// twice: an uncertain outcome is an *OutcomeUnknownError.
func (s *OrdersService) Resend(ctx context.Context, referenceOrderID string, req *ResendRequest) (*Resend, error) {
	var v validator
	v.required("referenceOrderID", referenceOrderID)
	if req != nil {
		if req.NewEmail != "" {
			v.email("newEmail", string(req.NewEmail))
		}
		if req.NewMobile != "" {
			v.mobileNumber("newMobile", string(req.NewMobile))
		}
		if req.NewETID != "" {
			v.etid("newEtid", req.NewETID)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.vetOrderFirst(ctx, referenceOrderID); err != nil {
		return nil, err
	}
	var body any = struct{}{}
	if req != nil {
		body = req
	}
	r, err := newRequest(http.MethodPost, "/orders/"+url.PathEscape(referenceOrderID)+"/resends", nil, body, retryUnsafe)
	if err != nil {
		return nil, err
	}
	var out Resend
	resp, err := s.c.send(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	out.RequestID = resp.RequestID
	return &out, nil
}
