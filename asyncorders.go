package tango

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// AsyncOrdersService places and reads async (bulk) orders: many rewards in one
// request, processed by Tango in the background. POST and GET /asyncOrders,
// GET and PATCH /asyncOrders/customers/{c}/accounts/{a}/{externalRefID}, its
// /lineItems, PATCH /asyncOrders/lineItems/{id} and GET /asyncOrders/reasonCodes.
// Reach it as Client.AsyncOrders.
type AsyncOrdersService service

// Create submits an async order, exactly once by its externalRefID, as
// OrdersService.Create places an order: the request is validated first; an empty
// ExternalRefID is replaced by a generated one, reused on every retry; every
// error is an *OrderError carrying the key.
//
// Tango answers 202 when it accepts a new async order and 200 with the stored one
// when the key was seen before on the account (Replayed; the SDK checks that the
// line item count matches, else *AsyncOrderMismatchError). An answer that does not
// describe the async order asked for (another or no externalRefID, no status, no
// line item count, or a 202 counting other than the line items sent) is never
// returned: the outcome is unknown, and the lookup below settles it. When the
// retries end without an answer, the SDK also looks the order up by its
// externalRefID (the lookup's retries do not draw on the retry budget): found, it is
// returned with Recovered set; not found, a refusal the same request would always
// meet is the error, anything else an *OutcomeUnknownError. Calling Create again
// with the same key is always safe.
//
// Acceptance is not the outcome: pass the submission to Wait to learn which line
// items placed a reward.
func (s *AsyncOrdersService) Create(ctx context.Context, req *CreateAsyncOrderRequest) (*AsyncOrderSubmission, error) {
	if err := validateRequest(req); err != nil {
		ref := ""
		if req != nil {
			ref = req.ExternalRefID
		}
		return nil, &OrderError{ExternalRefID: ref, Err: err}
	}
	body := req.wireBody()
	if body.ExternalRefID == "" {
		body.ExternalRefID = NewExternalRefID()
	}
	ref := body.ExternalRefID
	r, err := newRequest(http.MethodPost, "/asyncOrders", nil, body, retryKeyed)
	if err != nil {
		return nil, &OrderError{ExternalRefID: ref, Err: err}
	}
	r.externalRefID, r.customer, r.account = ref, req.CustomerIdentifier, req.AccountIdentifier

	var sub AsyncOrderSubmission
	sendCtx, cancel := withLookupReserve(ctx)
	resp, err := s.c.send(sendCtx, r, &sub)
	cancel()
	if err == nil {
		sub.RequestID = resp.RequestID
		sub.Replayed = resp.StatusCode == http.StatusOK
		sub.CustomerIdentifier, sub.AccountIdentifier = req.CustomerIdentifier, req.AccountIdentifier
		why := asyncAnswerMismatch(&sub, ref, len(body.LineItems))
		switch {
		case why == "" && sub.Replayed:
			return checkAsyncReplay(req, &sub)
		case why == "":
			return &sub, nil
		}
		// Not the async order that was asked for (another caller's, or none at
		// all): whether this one was accepted is unknown until the lookup says.
		err = notTheAnswerAskedFor(r, resp, ref, why)
	}
	found, err := settleByLookup(ctx, ref, "async order", err, func(ctx context.Context) (*AsyncOrder, error) {
		return s.lookup(ctx, req.CustomerIdentifier, req.AccountIdentifier, ref)
	})
	if err != nil {
		return nil, err
	}
	rec := &AsyncOrderSubmission{
		ExternalRefID: ref, CustomerIdentifier: req.CustomerIdentifier, AccountIdentifier: req.AccountIdentifier,
		Status: found.OrderStatus, TotalLineItems: found.TotalLineItems, Recovered: true, RequestID: found.RequestID,
	}
	if found.CreatedAt != nil {
		rec.CreatedAt = *found.CreatedAt
	}
	return checkAsyncReplay(req, rec)
}

// AsyncLineItemParams filter and page the line items of one async order (Get and
// LineItems). The zero value asks for Tango's default first page.
type AsyncLineItemParams struct {
	// MaxResults is the page size (Get: 1 to 500, LineItems: 1 to 100; 0 for
	// Tango's default).
	MaxResults int
	// NextCursor or PrevCursor move between pages (from Pagination).
	NextCursor string
	PrevCursor string
	// ExternalRefLineItemIDs and ReferenceLineItemIDs pick line items (at most
	// 50 each).
	ExternalRefLineItemIDs []string
	ReferenceLineItemIDs   []string
	// FailedOnly returns only failed line items.
	FailedOnly bool
}

// query checks the params and encodes them.
func (p *AsyncLineItemParams) query(maxPage int) (url.Values, error) {
	q := url.Values{}
	if p == nil {
		return q, nil
	}
	var v validator
	if p.MaxResults < 0 || p.MaxResults > maxPage {
		v.add("maxResults", keyUnprocessable, fmt.Sprintf("must be 1 to %d (0 for Tango's default)", maxPage))
	}
	if len(p.ExternalRefLineItemIDs) > 50 {
		v.add("externalRefLineItemIDs", keyUnprocessable, "at most 50")
	}
	if len(p.ReferenceLineItemIDs) > 50 {
		v.add("referenceLineItemIDs", keyUnprocessable, "at most 50")
	}
	cp := CursorParams{NextCursor: p.NextCursor, PrevCursor: p.PrevCursor}
	cp.validate(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if p.MaxResults > 0 {
		q.Set("maxResults", strconv.Itoa(p.MaxResults))
	}
	if p.NextCursor != "" {
		q.Set("nextCursor", p.NextCursor)
	}
	if p.PrevCursor != "" {
		q.Set("prevCursor", p.PrevCursor)
	}
	for _, id := range p.ExternalRefLineItemIDs {
		q.Add("externalRefLineItemIDs", id)
	}
	for _, id := range p.ReferenceLineItemIDs {
		q.Add("referenceLineItemIDs", id)
	}
	if p.FailedOnly {
		q.Set("failedOnly", "true")
	}
	return q, nil
}

// asyncOrderPath is /asyncOrders/customers/{c}/accounts/{a}/{externalRefID}.
func asyncOrderPath(customer, account, ref string) (string, error) {
	var v validator
	v.required("customerIdentifier", customer)
	v.required("accountIdentifier", account)
	v.required("externalRefID", ref)
	if err := v.err(); err != nil {
		return "", err
	}
	return "/asyncOrders/customers/" + url.PathEscape(customer) + "/accounts/" + url.PathEscape(account) + "/" + url.PathEscape(ref), nil
}

// Get reads an async order and a page of its line items
// (GET /asyncOrders/customers/{c}/accounts/{a}/{externalRefID}); params may be nil.
func (s *AsyncOrdersService) Get(ctx context.Context, customerIdentifier, accountIdentifier, externalRefID string, params *AsyncLineItemParams) (*AsyncOrder, error) {
	path, err := asyncOrderPath(customerIdentifier, accountIdentifier, externalRefID)
	if err != nil {
		return nil, err
	}
	q, err := params.query(500)
	if err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, path, q, nil, retryRead)
	if err != nil {
		return nil, err
	}
	r.customer, r.account, r.externalRefID = customerIdentifier, accountIdentifier, externalRefID
	return sendDecoded[AsyncOrder](ctx, s.c, r)
}

// LineItems reads a page of an async order's line items in the verbose form, with
// rewards (GET .../{externalRefID}/lineItems); params may be nil.
func (s *AsyncOrdersService) LineItems(ctx context.Context, customerIdentifier, accountIdentifier, externalRefID string, params *AsyncLineItemParams) (*AsyncOrderLineItems, error) {
	path, err := asyncOrderPath(customerIdentifier, accountIdentifier, externalRefID)
	if err != nil {
		return nil, err
	}
	q, err := params.query(100)
	if err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, path+"/lineItems", q, nil, retryRead)
	if err != nil {
		return nil, err
	}
	r.customer, r.account, r.externalRefID = customerIdentifier, accountIdentifier, externalRefID
	return sendDecoded[AsyncOrderLineItems](ctx, s.c, r)
}

// Update changes an async order's campaign, purchase order number or notes
// (PATCH .../{externalRefID}). It is not retried once it may have reached Tango.
func (s *AsyncOrdersService) Update(ctx context.Context, customerIdentifier, accountIdentifier, externalRefID string, req *UpdateAsyncOrderRequest) (*AsyncOrder, error) {
	path, err := asyncOrderPath(customerIdentifier, accountIdentifier, externalRefID)
	if err != nil {
		return nil, err
	}
	var v validator
	if req == nil || (req.Campaign == "" && req.PurchaseOrderNumber == "" && req.Notes == "") {
		v.add("body", keyRequired, "set at least one of campaign, purchaseOrderNumber and notes")
	} else {
		v.boundedText("campaign", req.Campaign, singleLine, maxCampaignLength)
		v.text("purchaseOrderNumber", req.PurchaseOrderNumber, singleLine)
		v.boundedText("notes", req.Notes, multiLine, maxAsyncNoteLength)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPatch, path, nil, req, retryUnsafe)
	if err != nil {
		return nil, err
	}
	r.customer, r.account, r.externalRefID = customerIdentifier, accountIdentifier, externalRefID
	return sendDecoded[AsyncOrder](ctx, s.c, r)
}

// UpdateLineItem changes a line item's note, delivery date or sender
// (PATCH /asyncOrders/lineItems/{referenceLineItemId}). It is not retried once it
// may have reached Tango.
func (s *AsyncOrdersService) UpdateLineItem(ctx context.Context, referenceLineItemID string, req *UpdateAsyncLineItemRequest) (*AsyncLineItemUpdate, error) {
	var v validator
	v.required("referenceLineItemID", referenceLineItemID)
	if req == nil || (req.LineItemNote == "" && req.DeliveryDate == "" && req.Sender == nil) {
		v.add("body", keyRequired, "set at least one of lineItemNote, deliveryDate and sender")
	} else {
		v.boundedText("lineItemNote", req.LineItemNote, multiLine, maxAsyncNoteLength)
		v.text("deliveryDate", req.DeliveryDate, singleLine)
		validateSender(&v, "senderInfo", req.Sender)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	body := struct {
		LineItemNote string  `json:"lineItemNote,omitempty"`
		DeliveryDate string  `json:"deliveryDate,omitempty"`
		SenderInfo   *Sender `json:"senderInfo,omitempty"`
	}{req.LineItemNote, req.DeliveryDate, req.Sender}
	r, err := newRequest(http.MethodPatch, "/asyncOrders/lineItems/"+url.PathEscape(referenceLineItemID), nil, body, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return sendDecoded[AsyncLineItemUpdate](ctx, s.c, r)
}

// ReasonCodes lists the reason codes Tango accepts for each line item action
// (GET /asyncOrders/reasonCodes).
func (s *AsyncOrdersService) ReasonCodes(ctx context.Context) (*AsyncReasonCodes, error) {
	r, err := newRequest(http.MethodGet, "/asyncOrders/reasonCodes", nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	return sendDecoded[AsyncReasonCodes](ctx, s.c, r)
}

// ListAsyncOrdersParams filter GET /asyncOrders. Every field is optional.
type ListAsyncOrdersParams struct {
	CustomerIdentifier string
	AccountIdentifier  string
	ExternalRefID      string
	// StartDate and EndDate bound the creation time (RFC 3339 date or time).
	StartDate string
	EndDate   string
	// OrderStatus and Campaign filter by value.
	OrderStatus string
	Campaign    string
	UTID        string
	// MaxResults, NextCursor and PrevCursor page the list.
	MaxResults int
	NextCursor string
	PrevCursor string
}

// List returns a page of the platform's async orders (GET /asyncOrders); params
// may be nil.
func (s *AsyncOrdersService) List(ctx context.Context, params *ListAsyncOrdersParams) (*AsyncOrderList, error) {
	q := url.Values{}
	var customer, account string
	if p := params; p != nil {
		var v validator
		cp := CursorParams{MaxResults: p.MaxResults, NextCursor: p.NextCursor, PrevCursor: p.PrevCursor}
		cp.validate(&v)
		if err := v.err(); err != nil {
			return nil, err
		}
		for k, val := range map[string]string{
			"customerIdentifier": p.CustomerIdentifier, "accountIdentifier": p.AccountIdentifier,
			"externalRefID": p.ExternalRefID, "startDate": p.StartDate, "endDate": p.EndDate,
			"orderStatus": p.OrderStatus, "campaign": p.Campaign, "utid": p.UTID,
			"nextCursor": p.NextCursor, "prevCursor": p.PrevCursor,
		} {
			if val != "" {
				q.Set(k, val)
			}
		}
		if p.MaxResults > 0 {
			q.Set("maxResults", strconv.Itoa(p.MaxResults))
		}
		customer, account = p.CustomerIdentifier, p.AccountIdentifier
	}
	r, err := newRequest(http.MethodGet, "/asyncOrders", q, nil, retryRead)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = customer, account
	return sendDecoded[AsyncOrderList](ctx, s.c, r)
}
