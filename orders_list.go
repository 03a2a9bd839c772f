package tango

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Limits of GET /orders.
const (
	// MaxOrdersPerPage is Tango's cap on elementsPerBlock (422.042).
	MaxOrdersPerPage = 100
	// MaxOrderWindow is Tango's cap on endDate - startDate (422.043).
	MaxOrderWindow = 100 * 24 * time.Hour
	// maxOrderResults is how many orders one filter can reach, whatever the
	// paging (ErrResultsTruncated beyond it).
	maxOrderResults = 10000
)

// ListOrdersParams filters GET /orders. Zero fields are left out. Filters that
// name senders and recipients are [Private]; the SDK never logs query strings.
type ListOrdersParams struct {
	AccountIdentifier  string
	CustomerIdentifier string
	ExternalRefID      string
	// StartDate and EndDate bound createdAt; at most 100 days apart.
	StartDate, EndDate time.Time
	// ElementsPerBlock is the page size, at most 100. Page is 0-based.
	ElementsPerBlock int
	Page             int
	// MinAmount and MaxAmount bound the order amount.
	MinAmount, MaxAmount *Amount
	CurrencyCode         string
	UTID                 string
	PTID                 string
	RewardName           string
	SenderFirstName      Private
	SenderLastName       Private
	SenderEmail          Private
	RecipientEmail       Private
	RecipientMobile      Private
	RecipientFirstName   Private
	RecipientLastName    Private
	DeliveryMethod       DeliveryMethod
	OrderStatus          OrderStatus
	LineItemStatus       string
	Campaign             string
	Notes                string
	LineItemNotes        string
	PurchaseOrderNumber  string
}

// LogValue presents the filters to slog; see logValueOf.
func (p ListOrdersParams) LogValue() slog.Value { return logValueOf(p) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (p ListOrdersParams) Format(f fmt.State, verb rune) { formatValue(f, verb, p) }

// query encodes the filters with Tango's parameter names.
func (p *ListOrdersParams) query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("accountIdentifier", p.AccountIdentifier)
	set("customerIdentifier", p.CustomerIdentifier)
	set("externalRefID", p.ExternalRefID)
	if !p.StartDate.IsZero() {
		q.Set("startDate", p.StartDate.UTC().Format(time.RFC3339))
	}
	if !p.EndDate.IsZero() {
		q.Set("endDate", p.EndDate.UTC().Format(time.RFC3339))
	}
	if p.ElementsPerBlock > 0 {
		q.Set("elementsPerBlock", strconv.Itoa(p.ElementsPerBlock))
	}
	if p.Page > 0 {
		q.Set("page", strconv.Itoa(p.Page))
	}
	if p.MinAmount != nil {
		q.Set("minAmount", p.MinAmount.String())
	}
	if p.MaxAmount != nil {
		q.Set("maxAmount", p.MaxAmount.String())
	}
	set("currencyCode", p.CurrencyCode)
	set("utid", p.UTID)
	set("ptid", p.PTID)
	set("rewardName", p.RewardName)
	set("senderFirstName", string(p.SenderFirstName))
	set("senderLastName", string(p.SenderLastName))
	set("senderEmail", string(p.SenderEmail))
	set("recipientEmail", string(p.RecipientEmail))
	set("recipientMobileNumber", string(p.RecipientMobile))
	set("recipientFirstName", string(p.RecipientFirstName))
	set("recipientLastName", string(p.RecipientLastName))
	set("deliveryMethod", string(p.DeliveryMethod))
	set("orderStatus", string(p.OrderStatus))
	set("lineItemStatus", p.LineItemStatus)
	set("campaign", p.Campaign)
	set("notes", p.Notes)
	set("lineItemNotes", p.LineItemNotes)
	set("purchaseOrderNumber", p.PurchaseOrderNumber)
	return q
}

// PageInfo is Tango's page object for 0-based paging. Note the page number is in
// Number: Tango calls the query parameter "page" but the field "number".
type PageInfo struct {
	Number           int   `json:"number"`
	ElementsPerBlock int   `json:"elementsPerBlock"`
	ResultCount      int   `json:"resultCount"`
	TotalCount       int64 `json:"totalCount"`
}

// OrderList is one page of GET /orders. Its rows carry no reward credentials.
type OrderList struct {
	Page   PageInfo `json:"page"`
	Orders []*Order `json:"orders"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// LogValue presents the page to slog; see logValueOf.
func (l OrderList) LogValue() slog.Value { return logValueOf(l) }

// List fetches one page of orders (GET /orders). params may be nil.
func (s *OrdersService) List(ctx context.Context, params *ListOrdersParams) (*OrderList, error) {
	var p ListOrdersParams
	if params != nil {
		p = *params
	}
	if err := validateRequest(&p); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, "/orders", p.query(), nil, retryRead)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = p.CustomerIdentifier, p.AccountIdentifier
	var out OrderList
	resp, err := s.c.send(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	out.RequestID = resp.RequestID
	return &out, nil
}

// All walks every order that matches params, page after page, 100 at a time. The
// caller's params are copied, never changed; Page and ElementsPerBlock are
// ignored.
//
// A date range longer than Tango's 100-day window is walked window by window
// (oldest first). A window that matches more than the 10,000 orders Tango lets one
// filter reach is split in halves until each part fits; when one can no longer be
// split, All yields what Tango returns and then ErrResultsTruncated. Paging stops
// on an empty page, when the count Tango reported is reached, or when a page makes
// no progress. An order seen twice (new orders shift pages while the walk runs, and
// windows share their boundary second) is yielded once. Stop ranging to stop
// paging; an error ends the walk. Probes of windows and pages together count
// against the client's cap on list requests (WithMaxListRequests): a server that
// reports over-full windows to the last minute ends the walk with ErrListTooLong.
func (s *OrdersService) All(ctx context.Context, params *ListOrdersParams) iter.Seq2[*Order, error] {
	var p ListOrdersParams
	if params != nil {
		p = *params
	}
	return func(yield func(*Order, error) bool) {
		seen := map[string]bool{}
		once := func(o *Order, err error) bool {
			if err == nil && o.ReferenceOrderID != "" {
				if seen[o.ReferenceOrderID] {
					return true
				}
				seen[o.ReferenceOrderID] = true
			}
			return yield(o, err)
		}
		windows := splitWindow(p.StartDate, p.EndDate)
		walk := s.c.newListWalk()
		for len(windows) > 0 {
			w := windows[0]
			windows = windows[1:]
			q := p
			q.StartDate, q.EndDate, q.ElementsPerBlock, q.Page = w.start, w.end, MaxOrdersPerPage, 0
			if err := walk.next(); err != nil {
				yield(nil, err)
				return
			}
			first, err := s.List(ctx, &q)
			if err != nil {
				yield(nil, err)
				return
			}
			if first.Page.TotalCount > maxOrderResults && w.splittable() {
				windows = append(w.halves(), windows...)
				continue
			}
			if !s.walkWindow(ctx, walk, &q, first, once) {
				return
			}
		}
	}
}

// walkWindow yields the orders of one window, starting from its first page. It
// returns false when the walk must end (the consumer stopped, or an error).
func (s *OrdersService) walkWindow(ctx context.Context, walk *listWalk, q *ListOrdersParams, page *OrderList, yield func(*Order, error) bool) bool {
	total := page.Page.TotalCount
	seen := int64(0)
	for {
		if len(page.Orders) == 0 {
			break
		}
		for _, o := range page.Orders {
			if !yield(o, nil) {
				return false
			}
		}
		seen += int64(len(page.Orders))
		if seen >= total || seen >= maxOrderResults {
			break
		}
		q.Page++
		if err := walk.next(); err != nil {
			yield(nil, err)
			return false
		}
		next, err := s.List(ctx, q)
		if err != nil {
			yield(nil, err)
			return false
		}
		if next.Page.Number != 0 && next.Page.Number != q.Page {
			yield(nil, fmt.Errorf("tango: GET /orders answered page %d when asked for page %d; stopping", next.Page.Number, q.Page))
			return false
		}
		page = next
	}
	if total > maxOrderResults {
		return yield(nil, fmt.Errorf("%w: %d orders match, %d were returned", ErrResultsTruncated, total, seen))
	}
	return true
}

// window is a span of createdAt; zero times mean open ends.
type window struct{ start, end time.Time }

// splittable reports whether the window can be halved: it must be bounded and
// longer than a minute.
func (w window) splittable() bool {
	return !w.start.IsZero() && !w.end.IsZero() && w.end.Sub(w.start) > time.Minute
}

// halves splits the window in two, oldest first.
func (w window) halves() []window {
	mid := w.start.Add(w.end.Sub(w.start) / 2).Truncate(time.Second)
	return []window{{w.start, mid}, {mid, w.end}}
}

// splitWindow cuts [start, end) into windows no longer than Tango allows. Open
// ranges stay one window: Tango applies its own defaults.
func splitWindow(start, end time.Time) []window {
	if start.IsZero() || end.IsZero() || !end.After(start) {
		return []window{{start, end}}
	}
	var out []window
	for from := start; from.Before(end); from = from.Add(MaxOrderWindow) {
		out = append(out, window{from, minTime(from.Add(MaxOrderWindow), end)})
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
