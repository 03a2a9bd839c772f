package tango

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// MaxLineItemsPerPage is the largest elementsPerBlock the SDK asks GET /lineItems
// for.
const MaxLineItemsPerPage = 100

// LineItemStatus is the state of a line item. It is a string type so that
// statuses Tango adds later still decode; compare against the constants.
type LineItemStatus string

// Line item statuses Tango documents.
const (
	LineItemComplete  LineItemStatus = "COMPLETE"
	LineItemPending   LineItemStatus = "PENDING"
	LineItemFailed    LineItemStatus = "FAILED"
	LineItemCancelled LineItemStatus = "CANCELLED"
)

// EmailStatus is how a reward email fared. A string type: unknown values decode.
type EmailStatus string

// Email statuses Tango documents.
const (
	EmailStatusDelivered    EmailStatus = "DELIVERED"
	EmailStatusNotDelivered EmailStatus = "NOT_DELIVERED"
	EmailStatusPending      EmailStatus = "PENDING"
	EmailStatusSent         EmailStatus = "SENT"
	EmailStatusDeferred     EmailStatus = "DEFERRED"
	EmailStatusDropped      EmailStatus = "DROPPED"
	EmailStatusBounce       EmailStatus = "BOUNCE"
	EmailStatusBlocked      EmailStatus = "BLOCKED"
)

// DeliveryStatus is how the delivery of a reward fared, whatever its method. A
// string type: unknown values decode.
type DeliveryStatus string

// Delivery statuses Tango documents.
const (
	DeliveryStatusPending    DeliveryStatus = "PENDING"
	DeliveryStatusProcessing DeliveryStatus = "PROCESSING"
	DeliveryStatusDispatched DeliveryStatus = "DISPATCHED"
	DeliveryStatusDelivered  DeliveryStatus = "DELIVERED"
	DeliveryStatusFailed     DeliveryStatus = "FAILED"
	DeliveryStatusEngaged    DeliveryStatus = "ENGAGED"
)

// LineItemError is one problem Tango recorded on a line item.
type LineItemError struct {
	ErrorCode    string `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// RawRecord is a part of a line item that Tango sends but does not describe
// precisely (its histories and the reason of its last action). It is kept as
// Tango sent it; read it deliberately with Decode or Raw. It may hold contact
// data (resend history lists the addresses a reward went to), so it is treated
// like a [Private] value: fmt and slog print "[REDACTED]", and encoding/json
// writes Tango's JSON as it came.
type RawRecord struct {
	raw json.RawMessage
}

// UnmarshalJSON keeps the JSON value as it is.
func (r *RawRecord) UnmarshalJSON(b []byte) error {
	r.raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON writes the JSON value as Tango sent it (null when empty), so that a
// stored line item keeps its histories.
func (r RawRecord) MarshalJSON() ([]byte, error) {
	if len(bytes.TrimSpace(r.raw)) == 0 {
		return []byte("null"), nil
	}
	return r.Raw(), nil
}

// Raw returns a copy of the JSON value as Tango sent it (nil when empty). It may
// hold contact data: keep it out of logs.
func (r RawRecord) Raw() json.RawMessage {
	if len(r.raw) == 0 {
		return nil
	}
	return append(json.RawMessage(nil), r.raw...)
}

// Decode unmarshals the record into v.
func (r RawRecord) Decode(v any) error {
	if len(bytes.TrimSpace(r.raw)) == 0 {
		return json.Unmarshal([]byte("null"), v)
	}
	return json.Unmarshal(r.raw, v)
}

// String returns "[REDACTED]".
func (RawRecord) String() string { return redacted }

// GoString returns "[REDACTED]".
func (RawRecord) GoString() string { return redacted }

// Format writes "[REDACTED]" for every fmt verb.
func (RawRecord) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes slog print "[REDACTED]".
func (RawRecord) LogValue() slog.Value { return slog.StringValue(redacted) }

// LineItem is one reward of an order (LineItemView; GET /lineItems/{id} adds the
// reward and the histories, LineItemViewVerbose).
//
// Its reward credentials and contact data are [Private].
type LineItem struct {
	// ReferenceLineItemID is Tango's id for the line item.
	ReferenceLineItemID string `json:"referenceLineItemID"`
	// ExternalReferenceLineItemID is the caller's id for it, if any.
	ExternalReferenceLineItemID string `json:"externalReferenceLineItemID,omitempty"`
	// ReferenceOrderID is the order it belongs to.
	ReferenceOrderID string `json:"referenceOrderID,omitempty"`
	// OrderSource is where the order came from: RA for the API, and others.
	OrderSource string `json:"orderSource,omitempty"`
	// Status is the line item's state; OrderStatus its order's.
	Status      LineItemStatus `json:"status,omitempty"`
	OrderStatus OrderStatus    `json:"orderStatus,omitempty"`
	// EmailStatus, DeliveryMethod and DeliveryStatus describe delivery.
	EmailStatus    EmailStatus    `json:"emailStatus,omitempty"`
	DeliveryMethod DeliveryMethod `json:"deliveryMethod,omitempty"`
	DeliveryStatus DeliveryStatus `json:"deliveryStatus,omitempty"`
	// RewardStatus says whether the reward is active or frozen, in Tango's words.
	RewardStatus string `json:"rewardStatus,omitempty"`
	// CanCancel and CanFreeze say which actions Tango would accept now.
	CanCancel bool `json:"canCancel"`
	CanFreeze bool `json:"canFreeze"`
	// LineNumber is the line item's position in its order.
	LineNumber int `json:"lineNumber,omitempty"`
	// RewardName is the item's name.
	RewardName string `json:"rewardName,omitempty"`
	// AmountIssued is the reward's value; AmountCharged what the account paid.
	AmountIssued  *MoneyView `json:"amountIssued,omitempty"`
	AmountCharged *MoneyView `json:"amountCharged,omitempty"`
	// RemainingBalance is what is left to redeem. Tango tracks it for its
	// Choice products only; for other items it is nil.
	RemainingBalance *Amount `json:"remainingBalance,omitempty"`
	// DateIssued is when the reward was issued; ExpirationDate when it expires
	// (zero when it does not).
	DateIssued     time.Time `json:"dateIssued"`
	ExpirationDate time.Time `json:"expirationDate"`
	// CustomerIdentifier, AccountIdentifier and AccountNumber name the account
	// charged.
	CustomerIdentifier string `json:"customerIdentifier,omitempty"`
	AccountIdentifier  string `json:"accountIdentifier,omitempty"`
	AccountNumber      string `json:"accountNumber,omitempty"`
	// ETID, PTID and UTID are the email template, printable template and item.
	ETID string `json:"etid,omitempty"`
	PTID string `json:"ptid,omitempty"`
	UTID string `json:"utid,omitempty"`
	// Recipient and Sender are as ordered.
	Recipient *Recipient `json:"recipient,omitempty"`
	Sender    *Sender    `json:"sender,omitempty"`
	// PurchaseOrderNumber, Campaign and OrderNotes are the caller's labels.
	PurchaseOrderNumber string `json:"purchaseOrderNumber,omitempty"`
	Campaign            string `json:"campaign,omitempty"`
	OrderNotes          string `json:"orderNotes,omitempty"`
	// LineItemActionReason is the reason given for the last action (cancel,
	// freeze, ...). Tango's reference types it as a string (decode it with
	// Decode into a string); it is kept raw, and redacted when printed, because
	// the reason may quote free text.
	LineItemActionReason *RawRecord `json:"lineItemActionReason,omitempty"`
	// ReissuedFromReferenceLineItemID and ReissuedToReferenceLineItemID link a
	// reissued reward with its replacement.
	ReissuedFromReferenceLineItemID string `json:"reissuedFromReferenceLineItemId,omitempty"`
	ReissuedToReferenceLineItemID   string `json:"reissuedToReferenceLineItemId,omitempty"`
	// LineItemErrors lists problems Tango recorded.
	LineItemErrors []LineItemError `json:"lineItemErrors,omitempty"`
	// Quantity is how many rewards the line stands for.
	Quantity int `json:"quantity,omitempty"`

	// Reward holds the credentials; only GET /lineItems/{id} carries it.
	Reward *Reward `json:"reward,omitempty"`
	// The histories, only on GET /lineItems/{id}.
	ResendHistory         []RawRecord `json:"resendHistory,omitempty"`
	RedemptionHistory     []RawRecord `json:"redemptionHistory,omitempty"`
	LineItemActionHistory []RawRecord `json:"lineItemActionHistory,omitempty"`
	RewardViewHistory     []RawRecord `json:"rewardViewHistory,omitempty"`

	// RequestID is Tango's X-REQUEST-ID of the answer that carried the line item.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (li *LineItem) setRequestID(id string) { li.RequestID = id }

// LogValue presents the line item to slog; see logValueOf.
func (li LineItem) LogValue() slog.Value { return logValueOf(li) }

// PageKey is one key of a keyset page. Tango sends keys as JSON strings or
// numbers; either decodes into its text, which is what goes back in pageKeys.
type PageKey string

// UnmarshalJSON accepts a string, a number, a boolean or null.
func (k *PageKey) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*k = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("tango: page key: %w", err)
		}
		*k = PageKey(s)
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return fmt.Errorf("tango: page key must be a string or a number")
	default:
		*k = PageKey(b)
	}
	return nil
}

// KeysetPage is the paging object of GET /lineItems: keys to ask for the pages
// before and after this one, and counts.
type KeysetPage struct {
	NextPageKeys     []PageKey `json:"nextPageKeys"`
	PreviousPageKeys []PageKey `json:"previousPageKeys"`
	ResultCount      int       `json:"resultCount"`
	TotalCount       int64     `json:"totalCount"`
}

// LineItemList is one page of GET /lineItems.
type LineItemList struct {
	KeysetPage KeysetPage  `json:"keysetPage"`
	LineItems  []*LineItem `json:"lineItems"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// LogValue presents the page to slog; see logValueOf.
func (l LineItemList) LogValue() slog.Value { return logValueOf(l) }

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (l *LineItemList) setRequestID(id string) { l.RequestID = id }

// ListLineItemsParams filters and pages GET /lineItems. Zero fields are left out.
// Recipient filters are [Private]; the SDK never logs query strings.
type ListLineItemsParams struct {
	ReferenceOrderID    string
	ExternalRefID       string
	UTID                string
	PTID                string
	ETID                string
	Status              LineItemStatus
	EmailStatus         EmailStatus
	DeliveryMethod      DeliveryMethod
	DeliveryStatus      DeliveryStatus
	OrderStatus         OrderStatus
	OrderSource         string
	AccountIdentifier   string
	Campaign            string
	PurchaseOrderNumber string
	OrderNotes          string
	RecipientEmail      Private
	RecipientFirstName  Private
	RecipientLastName   Private
	RecipientMobile     Private
	// StartDate and EndDate bound the issue date.
	StartDate, EndDate time.Time
	// ColumnSortName names the column to sort by; ColumnSortAscending its
	// direction (nil leaves Tango's default).
	ColumnSortName      string
	ColumnSortAscending *bool
	// MinRemainingBalance, MaxRemainingBalance and HasRemainingBalance filter on
	// what is left to redeem (Choice products only).
	MinRemainingBalance *Amount
	MaxRemainingBalance *Amount
	HasRemainingBalance *bool

	// ElementsPerBlock is the page size (at most MaxLineItemsPerPage; 0 leaves
	// Tango's default).
	ElementsPerBlock int
	// PageKeys asks for the page after these keys (a page's
	// KeysetPage.NextPageKeys) or, with PagePrevious, the page before them
	// (KeysetPage.PreviousPageKeys). Empty asks for the first page.
	PageKeys     []PageKey
	PagePrevious bool
}

// LogValue presents the filters to slog; see logValueOf.
func (p ListLineItemsParams) LogValue() slog.Value { return logValueOf(p) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (p ListLineItemsParams) Format(f fmt.State, verb rune) { formatValue(f, verb, p) }

// query encodes the filters and paging with Tango's parameter names. pageKeys is
// repeated, one value per key.
func (p *ListLineItemsParams) query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("referenceOrderID", p.ReferenceOrderID)
	set("externalRefID", p.ExternalRefID)
	set("utid", p.UTID)
	set("ptid", p.PTID)
	set("etid", p.ETID)
	set("status", string(p.Status))
	set("emailStatus", string(p.EmailStatus))
	set("deliveryMethod", string(p.DeliveryMethod))
	set("deliveryStatus", string(p.DeliveryStatus))
	set("orderStatus", string(p.OrderStatus))
	set("orderSource", p.OrderSource)
	set("accountIdentifier", p.AccountIdentifier)
	set("campaign", p.Campaign)
	set("purchaseOrderNumber", p.PurchaseOrderNumber)
	set("orderNotes", p.OrderNotes)
	set("recipientEmail", string(p.RecipientEmail))
	set("recipientFirstName", string(p.RecipientFirstName))
	set("recipientLastName", string(p.RecipientLastName))
	set("recipientMobileNumber", string(p.RecipientMobile))
	if !p.StartDate.IsZero() {
		q.Set("startDate", p.StartDate.UTC().Format(time.RFC3339))
	}
	if !p.EndDate.IsZero() {
		q.Set("endDate", p.EndDate.UTC().Format(time.RFC3339))
	}
	set("columnSortName", p.ColumnSortName)
	if p.ColumnSortAscending != nil {
		q.Set("columnSortAscending", strconv.FormatBool(*p.ColumnSortAscending))
	}
	if p.MinRemainingBalance != nil {
		q.Set("minRemainingBalance", p.MinRemainingBalance.String())
	}
	if p.MaxRemainingBalance != nil {
		q.Set("maxRemainingBalance", p.MaxRemainingBalance.String())
	}
	if p.HasRemainingBalance != nil {
		q.Set("hasRemainingBalance", strconv.FormatBool(*p.HasRemainingBalance))
	}
	if p.ElementsPerBlock > 0 {
		q.Set("elementsPerBlock", strconv.Itoa(p.ElementsPerBlock))
	}
	for _, k := range p.PageKeys {
		q.Add("pageKeys", string(k))
	}
	if p.PagePrevious {
		q.Set("pagePrevious", "true")
	}
	return q
}

// Get fetches one line item with its reward credentials and histories
// (GET /lineItems/{referenceLineItemID}).
func (s *LineItemsService) Get(ctx context.Context, referenceLineItemID string) (*LineItem, error) {
	if err := requirePathID("referenceLineItemID", referenceLineItemID); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, lineItemPath(referenceLineItemID, ""), nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	li, err := sendDecoded[LineItem](ctx, s.c, r)
	if err != nil {
		return nil, err
	}
	if err := s.c.vetOwner(ctx, r.method, r.path, li.CustomerIdentifier, li.AccountIdentifier); err != nil {
		return nil, err
	}
	return li, nil
}

// List fetches one keyset page of line items (GET /lineItems). params may be
// nil. Pass the page's KeysetPage.NextPageKeys as PageKeys for the next page, or
// use All.
func (s *LineItemsService) List(ctx context.Context, params *ListLineItemsParams) (*LineItemList, error) {
	return s.list(ctx, params, "")
}

// list is List; customer, when known, is the filtered account's customer, for
// the account guard.
func (s *LineItemsService) list(ctx context.Context, params *ListLineItemsParams, customer string) (*LineItemList, error) {
	var p ListLineItemsParams
	if params != nil {
		p = *params
	}
	if err := validateRequest(&p); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, "/lineItems", p.query(), nil, retryRead)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = customer, p.AccountIdentifier
	return sendDecoded[LineItemList](ctx, s.c, r)
}

// All walks the line items that match params, page after page (MaxLineItemsPerPage
// at a time unless params sets a smaller ElementsPerBlock), starting after
// params.PageKeys when given. The caller's params are copied, never changed;
// PagePrevious is ignored.
//
// Paging stops on an empty page, on a page without next keys, or when the count
// Tango reported is reached. When Tango hands back keys the walk has already
// asked with (no progress, or a cycle of keys), the walk ends with an error
// rather than asking again. A line item seen twice is yielded once. Stop ranging to stop
// paging; an error ends the walk.
func (s *LineItemsService) All(ctx context.Context, params *ListLineItemsParams) iter.Seq2[*LineItem, error] {
	return s.all(ctx, params, "")
}

// all is All; customer is passed to list.
func (s *LineItemsService) all(ctx context.Context, params *ListLineItemsParams, customer string) iter.Seq2[*LineItem, error] {
	var p ListLineItemsParams
	if params != nil {
		p = *params
	}
	p.PageKeys = slices.Clone(p.PageKeys)
	p.PagePrevious = false
	if p.ElementsPerBlock == 0 {
		p.ElementsPerBlock = MaxLineItemsPerPage
	}
	return func(yield func(*LineItem, error) bool) {
		seen := map[string]bool{}
		visited := map[string]bool{}
		if len(p.PageKeys) > 0 {
			visited[pageKeysID(p.PageKeys)] = true
		}
		var count int64
		walk := s.c.newListWalk()
		for {
			if err := ctxErr(ctx); err != nil {
				yield(nil, err)
				return
			}
			if err := walk.next(); err != nil {
				yield(nil, err)
				return
			}
			page, err := s.list(ctx, &p, customer)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, li := range page.LineItems {
				if li == nil || seen[li.ReferenceLineItemID] {
					continue
				}
				seen[li.ReferenceLineItemID] = true
				count++
				if !yield(li, nil) {
					return
				}
			}
			next := page.KeysetPage.NextPageKeys
			switch {
			case len(page.LineItems) == 0, len(next) == 0:
				return
			case page.KeysetPage.TotalCount > 0 && count >= page.KeysetPage.TotalCount:
				return
			case slices.Equal(next, p.PageKeys):
				yield(nil, fmt.Errorf("tango: GET /lineItems answered the keys it was asked for; stopping after %d line items", count))
				return
			case visited[pageKeysID(next)]:
				yield(nil, fmt.Errorf("tango: GET /lineItems answered page keys it had already given (a cycle); stopping after %d line items", count))
				return
			}
			visited[pageKeysID(next)] = true
			p.PageKeys = slices.Clone(next)
		}
	}
}

// pageKeysID is a set key for a list of page keys: each key quoted, so that no
// two different lists share one.
func pageKeysID(keys []PageKey) string { return fmt.Sprintf("%q", keys) }

// lineItemPath is /lineItems/{id} with an optional action suffix ("cancel").
func lineItemPath(id, action string) string {
	p := "/lineItems/" + url.PathEscape(id)
	if action != "" {
		p += "/" + action
	}
	return p
}
