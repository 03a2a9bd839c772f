package tango

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Settling after an unknown outcome. When a write that carries an externalRefID
// may have reached Tango but no answer says what happened (a reset after the
// request was sent, a timeout, a 5xx), this file decides what the call returns:
//
//   - an order or an async order is looked up by its externalRefID
//     (settleByLookup, with the time withLookupReserve kept for it): what the
//     lookup finds is the result; when it finds nothing, a refusal the same
//     bytes would always meet (orderRefusal) settles the outcome, and anything
//     else stays unknown;
//   - an answer is the result only when it describes the order that was asked
//     for (answerMismatch, asyncAnswerMismatch, and the lookup's own checks); a
//     stored order that differs from the request is an *IdempotencyMismatchError
//     (checkReplay, checkAsyncReplay);
//   - a deposit or transfer is not replayed by Tango: a second request with the
//     same key meets a duplicate-key 409, which sendKeyed turns into the first
//     result marked AlreadyProcessed when the SDK generated the key within the
//     call, and a *DuplicateFundingError otherwise.

// notTheAnswerAskedFor is the unknown outcome of a keyed create whose 2xx answer
// does not describe what was sent (why says how): whether it was accepted is
// for the lookup to say.
func notTheAnswerAskedFor(r *request, resp *Response, ref, why string) error {
	return &OutcomeUnknownError{Method: r.method, Path: r.path, ExternalRefID: ref, Attempts: resp.Attempts,
		Err: fmt.Errorf("tango: %s %s: the answer (status %d, request id %s) %s", r.method, r.path, resp.StatusCode, resp.RequestID, why)}
}

// settleByLookup ends a keyed create (an order or an async order) whose last
// error is err. Anything but an *OutcomeUnknownError is returned as it is. An
// unknown outcome is settled by looking the externalRefID up, with retries
// that do not draw on the budget: what the lookup finds is returned; when it
// finds nothing, a refusal the same bytes would always meet settles the
// outcome as that refusal, and anything else stays unknown. what names the
// resource in the error ("order", "async order"). Every error is an
// *OrderError carrying ref.
func settleByLookup[T any](ctx context.Context, ref, what string, err error, lookup func(context.Context) (*T, error)) (*T, error) {
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) {
		return nil, &OrderError{ExternalRefID: ref, Err: err}
	}
	found, lerr := lookup(withSettling(ctx))
	if lerr != nil {
		unknown.Err = fmt.Errorf("%w; looking the %s up by externalRefID failed too: %w", unknown.Err, what, lerr)
		return nil, &OrderError{ExternalRefID: ref, Err: unknown}
	}
	if found == nil {
		if refusal := orderRefusal(unknown.Err); refusal != nil {
			// Tango refused this externalRefID on the last attempt and holds
			// nothing for it: the outcome is settled, and it is the refusal.
			return nil, &OrderError{ExternalRefID: ref, Err: refusal}
		}
		return nil, &OrderError{ExternalRefID: ref, Err: unknown}
	}
	return found, nil
}

// orderRefusal returns the last attempt's answer when it is a refusal the same
// request bytes would have met on every attempt: a malformed request (400), an
// unknown customer or account (404 with Tango's key for it), a business rule of
// the item (422; item rules can change between attempts, but not because of an
// earlier attempt of the same order). Such a refusal, once a lookup has found no
// order, settles the outcome.
//
// Refusals that depend on state an earlier attempt may have changed are not
// trusted: a 402 may mean that the uncertain attempt, still running at Tango,
// holds the balance; 401, 403, 409.002, 429 and 5xx say nothing about the
// externalRefID at all.
func orderRefusal(last error) *APIError {
	var apiErr *APIError
	if !errors.As(last, &apiErr) || errors.Is(last, context.Canceled) || errors.Is(last, context.DeadlineExceeded) {
		return nil
	}
	switch apiErr.StatusCode {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return apiErr
	case http.StatusNotFound:
		// Only Tango's own unknown-customer and unknown-account answers: a 404
		// from anything else on the way proves nothing about the order.
		switch apiErr.I18nKey {
		case "404.002", "404.003", "404.015", "404.016", "404.026":
			return apiErr
		}
	}
	return nil
}

// lookupReserveMax caps the share of a deadline kept for the lookup after an
// uncertain create.
const lookupReserveMax = 5 * time.Second

// withLookupReserve returns the context the create attempts run under: ctx with a
// deadline a little earlier than ctx's, so that when the attempts run out of time
// the lookup by externalRefID still has some (a quarter of what is left, at most 5
// s). Without a deadline on ctx there is nothing to reserve.
func withLookupReserve(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return ctx, func() {}
	}
	reserve := min(time.Until(dl)/4, lookupReserveMax)
	if reserve <= 0 {
		return ctx, func() {}
	}
	return context.WithDeadline(ctx, dl.Add(-reserve))
}

// checkReplay compares an order Tango already had with the request that named
// its externalRefID.
func checkReplay(req, body *CreateOrderRequest, o *Order) (*Order, error) {
	if diff := orderDiff(body, o); len(diff) > 0 {
		return nil, &OrderError{ExternalRefID: body.ExternalRefID, Err: &IdempotencyMismatchError{
			ExternalRefID: body.ExternalRefID, Request: req, Existing: o, Fields: diff,
		}}
	}
	return o, nil
}

// lookup finds the order placed on an account with an externalRefID, fetching it
// whole (list rows carry no reward). It returns nil, nil when there is none.
func (s *OrdersService) lookup(ctx context.Context, customer, account, ref string) (*Order, error) {
	if ctx.Err() != nil {
		return nil, fmt.Errorf("no time left on the context: %w", ctx.Err())
	}
	list, err := s.List(ctx, &ListOrdersParams{CustomerIdentifier: customer, AccountIdentifier: account, ExternalRefID: ref})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.I18nKey == "404.110" {
		// Tango's "no orders for the external ref ID". Any other 404 (a
		// misrouted gateway, say) proves nothing and stays a lookup failure.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, row := range list.Orders {
		if row == nil {
			continue
		}
		ok, err := lookupRowMatches(row, customer, account, ref)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		o, err := s.Get(ctx, row.ReferenceOrderID)
		if err != nil {
			return nil, err
		}
		if err := fetchedMatches(o, row.ReferenceOrderID, account, ref); err != nil {
			return nil, err
		}
		return o, nil
	}
	return nil, nil
}

// orderFaceValue is the amount an order was placed for: the denomination, or the
// charged value when Tango left the denomination out.
func orderFaceValue(o *Order) *Amount {
	switch {
	case o.Denomination != nil:
		return &o.Denomination.Value
	case o.AmountCharged != nil:
		return &o.AmountCharged.Value
	}
	return nil
}

// Whether an answer about an order describes the order that was asked for. An
// answer that does not (another caller's order, an empty body, a row of another
// account) is never returned as the result: for a create it makes the outcome
// uncertain, to be settled by a lookup.

// answerMismatch says why an answer to POST /orders does not describe the order
// the request placed or replayed; it returns "" when it does. Every answer must
// name an order and the externalRefID sent. A new order (201) must also agree
// with the request in everything orderDiff compares; a stored order (200) may
// differ, which checkReplay reports as an *IdempotencyMismatchError.
func answerMismatch(o *Order, body *CreateOrderRequest, created bool) string {
	switch {
	case o.ReferenceOrderID == "":
		return "names no order (no referenceOrderID)"
	case o.ExternalRefID == "":
		return "does not name the externalRefID sent"
	case o.ExternalRefID != body.ExternalRefID:
		return "names another externalRefID than the one sent"
	}
	if created {
		if diff := orderDiff(body, o); len(diff) > 0 {
			return "describes a new order that differs from the request in " + strings.Join(diff, ", ")
		}
	}
	return ""
}

// orderDiff lists the fields in which an order Tango holds differs from the
// request body: "utid", "amount" (also when the order names none),
// "customerIdentifier", "accountIdentifier", "deliveryMethod" and "recipient"
// (where the reward goes: the email address, mobile number or postal address the
// delivery method uses). Identifiers, the delivery method and the recipient are
// compared when the order states them.
func orderDiff(body *CreateOrderRequest, o *Order) []string {
	var diff []string
	if !strings.EqualFold(o.UTID, body.UTID) {
		diff = append(diff, "utid")
	}
	if face := orderFaceValue(o); face == nil || !face.Equal(body.Amount) {
		diff = append(diff, "amount")
	}
	if o.CustomerIdentifier != "" && o.CustomerIdentifier != body.CustomerIdentifier {
		diff = append(diff, "customerIdentifier")
	}
	if o.AccountIdentifier != "" && o.AccountIdentifier != body.AccountIdentifier {
		diff = append(diff, "accountIdentifier")
	}
	if !sameDeliveryMethod(o, body.DeliveryMethod) {
		diff = append(diff, "deliveryMethod")
	}
	if !sameDestination(o.Recipient, body.Recipient, body.DeliveryMethod) {
		diff = append(diff, "recipient")
	}
	return diff
}

// sameDeliveryMethod reports whether the order's delivery method, when it states
// one (deliveryMethod, or the older sendEmail), is the one sent.
func sameDeliveryMethod(o *Order, sent DeliveryMethod) bool {
	switch {
	case o.DeliveryMethod != "":
		return strings.EqualFold(string(o.DeliveryMethod), string(sent))
	case o.SendEmail != nil:
		return *o.SendEmail == (sent == DeliveryEmail)
	}
	return true
}

// sameDestination reports whether a stored order's recipient, as far as the
// answer states it, gets the reward where the request would send it: the same
// email address for EMAIL, mobile number for PHONE and WHATSAPP, postal address
// for ADDRESS. Fields the answer leaves empty are not compared.
func sameDestination(got, sent *Recipient, method DeliveryMethod) bool {
	if got == nil {
		return true
	}
	if sent == nil {
		sent = &Recipient{}
	}
	same := func(a, b string) bool {
		a = strings.TrimSpace(a)
		return a == "" || strings.EqualFold(a, strings.TrimSpace(b))
	}
	switch method {
	case DeliveryEmail:
		return same(string(got.Email), string(sent.Email))
	case DeliveryPhone, DeliveryWhatsApp:
		return same(string(got.MobileNumber), string(sent.MobileNumber))
	case DeliveryAddress:
		if got.Address == nil {
			return true
		}
		a, b := got.Address, sent.Address
		if b == nil {
			b = &Address{}
		}
		return same(string(a.StreetLine1), string(b.StreetLine1)) && same(string(a.StreetLine2), string(b.StreetLine2)) &&
			same(string(a.City), string(b.City)) && same(string(a.PostalCode), string(b.PostalCode)) && same(a.Country, b.Country)
	}
	return true
}

// lookupRowMatches reports whether a row of the lookup's list is the order
// placed on the account with the key. It returns an error for a row that names
// the key but not the account, since no conclusion (found or not) can be drawn
// from it.
func lookupRowMatches(row *Order, customer, account, ref string) (bool, error) {
	if row.ExternalRefID != ref {
		return false, nil
	}
	if row.AccountIdentifier == "" {
		return false, fmt.Errorf("tango: the lookup by externalRefID listed order %s without naming its account", row.ReferenceOrderID)
	}
	return row.AccountIdentifier == account && (row.CustomerIdentifier == "" || row.CustomerIdentifier == customer), nil
}

// fetchedMatches checks that the order GET /orders/{id} answered with is the row
// the lookup asked for.
func fetchedMatches(o *Order, referenceOrderID, account, ref string) error {
	if o.ReferenceOrderID != referenceOrderID || o.ExternalRefID != ref || (o.AccountIdentifier != "" && o.AccountIdentifier != account) {
		return fmt.Errorf("tango: GET /orders/%s answered with an order that is not the one the lookup found", referenceOrderID)
	}
	return nil
}

// asyncAnswerMismatch says why a 2xx answer to POST /asyncOrders does not
// describe the async order the request submitted or replayed; it returns ""
// when it does. The answer must name the externalRefID sent (never filled in
// from the request: an empty or foreign one may be another caller's order) and
// a status. A new order (202) must also count the line items sent; a stored one
// (200) may count others, which checkAsyncReplay reports as an
// *AsyncOrderMismatchError, but it must count some.
func asyncAnswerMismatch(sub *AsyncOrderSubmission, ref string, lineItems int) string {
	switch {
	case sub.ExternalRefID == "":
		return "does not name the externalRefID sent"
	case sub.ExternalRefID != ref:
		return "names another externalRefID than the one sent"
	case sub.Status == "":
		return "names no status"
	case sub.TotalLineItems == 0:
		return "counts no line items"
	case !sub.Replayed && sub.TotalLineItems != lineItems:
		return fmt.Sprintf("describes a new async order of %d line items, not the %d sent", sub.TotalLineItems, lineItems)
	}
	return ""
}

// checkAsyncReplay compares an async order Tango already had with the request
// that named its key. Tango's answer carries only the line item count, so that is
// what is compared.
func checkAsyncReplay(req *CreateAsyncOrderRequest, sub *AsyncOrderSubmission) (*AsyncOrderSubmission, error) {
	if sub.TotalLineItems != 0 && sub.TotalLineItems != len(req.LineItems) {
		return nil, &OrderError{ExternalRefID: sub.ExternalRefID, Err: &AsyncOrderMismatchError{
			ExternalRefID: sub.ExternalRefID, RequestLineItems: len(req.LineItems), ExistingLineItems: sub.TotalLineItems,
		}}
	}
	return sub, nil
}

// lookup finds the async order with an externalRefID on an account; nil, nil when
// Tango answers that there is none (a 404 in Tango's own error body).
func (s *AsyncOrdersService) lookup(ctx context.Context, customer, account, ref string) (*AsyncOrder, error) {
	if ctx.Err() != nil {
		return nil, fmt.Errorf("no time left on the context: %w", ctx.Err())
	}
	o, err := s.Get(ctx, customer, account, ref, &AsyncLineItemParams{MaxResults: 1})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && strings.HasPrefix(apiErr.I18nKey, "404.") {
		return nil, nil
	}
	if err == nil && (o.ExternalRefID != ref || (o.AccountIdentifier != "" && o.AccountIdentifier != account)) {
		// No conclusion, found or not, can be drawn from another order.
		return nil, fmt.Errorf("tango: the lookup of async order %s answered with async order %q of account %q", ref, o.ExternalRefID, o.AccountIdentifier)
	}
	return o, err
}

// Funding writes (credit card deposits and transfers) carry an externalRefID, and
// Tango refuses a second request with the same key on the same account with a 409
// ("externalRefID is not unique. Duplicate funding request.") rather than
// replaying the first answer as it does for orders. What follows turns that 409
// into what it means for the call that received it: a result marked
// AlreadyProcessed when the SDK generated the key within the call, a
// *DuplicateFundingError otherwise.

// duplicateFunding reads the error of a keyed funding call: Tango's duplicate
// answer, if that is what ended the call, and the *OutcomeUnknownError the
// pipeline wraps around the last attempt's error when an earlier attempt may
// have taken effect. dup is nil for any other error.
func duplicateFunding(err error) (dup *APIError, unknown *OutcomeUnknownError) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !isDuplicateFunding(apiErr) {
		return nil, nil
	}
	errors.As(err, &unknown) // stays nil when no attempt was ambiguous
	return apiErr, unknown
}

// isDuplicateFunding recognises Tango's duplicate funding answer. Tango documents
// the message, not an i18nKey, so any 409 other than 409.002 (in flight) that
// speaks of a duplicate or of the externalRefID counts.
func isDuplicateFunding(e *APIError) bool {
	if e.StatusCode != 409 || e.I18nKey == "409.002" {
		return false
	}
	mentions := func(s string) bool {
		s = strings.ToLower(s)
		return strings.Contains(s, "duplicate") || strings.Contains(s, "externalrefid") || strings.Contains(s, "not unique")
	}
	if mentions(e.Message) {
		return true
	}
	for _, f := range e.Errors {
		if mentions(f.Path) || mentions(f.Message) {
			return true
		}
	}
	return false
}

// fundingKey returns the caller's externalRefID, or a new random one when empty;
// generated says which. Only a generated key is known to be used by no other
// call.
func fundingKey(given string) (key string, generated bool) {
	if given != "" {
		return given, false
	}
	return uuid.NewString(), true
}

// fundingRecord is what sendKeyed needs of a keyed funding call's result
// (*Deposit, *Transfer): a way to fill in what the SDK knows beyond Tango's
// answer.
type fundingRecord[T any] interface {
	*T
	settle(externalRefID, requestID string, alreadyProcessed bool)
}

// keyedWrite is one keyed funding write for sendKeyed.
type keyedWrite[T any] struct {
	// path and body are the POST's.
	path string
	body any
	// externalRefID is the body's idempotency key; generated says that the SDK
	// made it up for this call, so that no other call can have used it.
	externalRefID string
	generated     bool
	// customer and account are shown to the account guard.
	customer, account string
	// known is what the SDK knows of the write without Tango's answer: the
	// result returned, marked AlreadyProcessed, when that answer was lost.
	known T
}

// sendKeyed sends a keyed funding write, retried like an order, and decodes
// Tango's record of it. A duplicate-key 409 is read as Deposit documents: when
// the SDK generated the key and an attempt of this call had an unknown outcome,
// it is w.known marked AlreadyProcessed; otherwise a *DuplicateFundingError.
func sendKeyed[T any, PT fundingRecord[T]](ctx context.Context, c *Client, w keyedWrite[T]) (*T, error) {
	r, err := newRequest(http.MethodPost, w.path, nil, w.body, retryKeyed)
	if err != nil {
		return nil, err
	}
	r.externalRefID, r.customer, r.account = w.externalRefID, w.customer, w.account
	var out T
	resp, err := c.send(ctx, r, &out)
	if err != nil {
		dup, unknown := duplicateFunding(err)
		switch {
		case dup == nil:
			return nil, err
		case unknown != nil && w.generated:
			done := w.known
			PT(&done).settle(w.externalRefID, dup.RequestID, true)
			return &done, nil
		}
		return nil, &DuplicateFundingError{ExternalRefID: w.externalRefID, AfterUnknownOutcome: unknown != nil, Err: dup, unknown: unknown}
	}
	PT(&out).settle(w.externalRefID, resp.RequestID, false)
	return &out, nil
}

// settle fills in the deposit's key when Tango left it out, the request id, and
// AlreadyProcessed (see sendKeyed).
func (d *Deposit) settle(externalRefID, requestID string, alreadyProcessed bool) {
	if d.ExternalRefID == "" {
		d.ExternalRefID = externalRefID
	}
	d.RequestID, d.AlreadyProcessed = requestID, alreadyProcessed
}

// settle fills in the transfer's key when Tango left it out, the request id,
// and AlreadyProcessed (see sendKeyed).
func (t *Transfer) settle(externalRefID, requestID string, alreadyProcessed bool) {
	if t.ExternalRefID == "" {
		t.ExternalRefID = externalRefID
	}
	t.RequestID, t.AlreadyProcessed = requestID, alreadyProcessed
}
