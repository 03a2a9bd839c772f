package tangotest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Paging limits of GET /orders.
const (
	// DefaultElementsPerBlock is the page size of GET /orders when none is given
	// (Tango does not document its default).
	DefaultElementsPerBlock = 10
	// MaxElementsPerBlock is the largest page size Tango accepts (422.042 above it).
	MaxElementsPerBlock = 100
	// maxOrderWindow is the longest startDate..endDate span (422.043 above it).
	maxOrderWindow = 100 * 24 * time.Hour
)

// handleGetOrder serves GET /orders/{referenceOrderID}: the order with its reward,
// or 404 (404.005).
func (s *Server) handleGetOrder(c *call) {
	s.mu.Lock()
	o, ok := s.ordersByRef[c.param("referenceOrderID")]
	var v orderWire
	if ok {
		v = o.view(true)
	}
	s.mu.Unlock()
	if !ok {
		c.fail(http.StatusNotFound, "404.005", "The order cannot be found under this platform; check the reference order ID.")
		return
	}
	c.ok(http.StatusOK, v)
}

// handleListOrders serves GET /orders with Tango's 0-based page/elementsPerBlock
// paging and the common filters. Rows carry no reward.
func (s *Server) handleListOrders(c *call) {
	q := c.r.URL.Query()
	var errs []fieldErrorInfo
	page, ok := intParam(q, "page", 0)
	if !ok || page < 0 {
		errs = append(errs, fieldErrorInfo{Path: "page", I18nKey: "400.001", Message: "page must be a whole number, 0 or more.", InvalidValue: q.Get("page")})
	}
	per, ok := intParam(q, "elementsPerBlock", DefaultElementsPerBlock)
	switch {
	case !ok || per < 1:
		errs = append(errs, fieldErrorInfo{Path: "elementsPerBlock", I18nKey: "400.001", Message: "elementsPerBlock must be a whole number, 1 or more.", InvalidValue: q.Get("elementsPerBlock")})
	case per > MaxElementsPerBlock:
		errs = append(errs, fieldErrorInfo{Path: "elementsPerBlock", I18nKey: "422.042", Message: "Elements per block must not exceed 100.", InvalidValue: per})
	}
	start, _, startOK := dateParam(q, "startDate")
	end, endDateOnly, endOK := dateParam(q, "endDate")
	if !startOK {
		errs = append(errs, fieldErrorInfo{Path: "startDate", I18nKey: "422.044", Message: "DateTime must be in ISO 8601 format.", InvalidValue: q.Get("startDate")})
	}
	if !endOK {
		errs = append(errs, fieldErrorInfo{Path: "endDate", I18nKey: "422.044", Message: "DateTime must be in ISO 8601 format.", InvalidValue: q.Get("endDate")})
	}
	window := maxOrderWindow
	if endDateOnly {
		end = end.Add(24 * time.Hour) // a date-only end covers its whole day
		window += 24 * time.Hour
	}
	if startOK && endOK && !start.IsZero() && !end.IsZero() {
		if !end.After(start) {
			errs = append(errs, fieldErrorInfo{Path: "endDate", I18nKey: "422.041", Message: "The endDate must come after startDate.", InvalidValue: q.Get("endDate")})
		} else if end.Sub(start) > window {
			errs = append(errs, fieldErrorInfo{Path: "endDate", I18nKey: "422.043", Message: "Order period must not exceed 100 days.", InvalidValue: q.Get("endDate")})
		}
	}
	minAmt, minOK := amountParam(q, "minAmount")
	maxAmt, maxOK := amountParam(q, "maxAmount")
	if !minOK {
		errs = append(errs, fieldErrorInfo{Path: "minAmount", I18nKey: "422.014", Message: "minAmount must be a decimal with at most two places.", InvalidValue: q.Get("minAmount")})
	}
	if !maxOK {
		errs = append(errs, fieldErrorInfo{Path: "maxAmount", I18nKey: "422.014", Message: "maxAmount must be a decimal with at most two places.", InvalidValue: q.Get("maxAmount")})
	}
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	status := q.Get("orderStatus")
	if status == "" {
		status = q.Get("status")
	}
	match := func(o *order) bool {
		return eqExact(q.Get("accountIdentifier"), o.account) &&
			eqExact(q.Get("customerIdentifier"), o.customer) &&
			eqExact(q.Get("externalRefID"), o.externalRefID) &&
			eqFold(q.Get("utid"), o.utid) &&
			eqFold(status, o.status) &&
			eqFold(q.Get("currencyCode"), o.denomCurrency) &&
			eqFold(q.Get("deliveryMethod"), o.in.deliveryMethod) &&
			eqFold(q.Get("recipientEmail"), o.in.recipient.Email) &&
			containsFold(o.rewardName, q.Get("rewardName")) &&
			eqExact(q.Get("campaign"), o.in.campaign) &&
			(start.IsZero() || !o.createdAt.Before(start)) &&
			(end.IsZero() || o.createdAt.Before(end)) &&
			(q.Get("minAmount") == "" || o.denom >= minAmt) &&
			(q.Get("maxAmount") == "" || o.denom <= maxAmt)
	}

	s.mu.Lock()
	var all []*order
	for _, o := range s.orders {
		if match(o) {
			all = append(all, o)
		}
	}
	out := orderListWire{Page: pageView{Number: page, ElementsPerBlock: per, TotalCount: int64(len(all))}, Orders: []orderWire{}}
	from := page * per
	for i := from; i < len(all) && i < from+per && from >= 0; i++ {
		out.Orders = append(out.Orders, all[i].view(false))
	}
	s.mu.Unlock()
	out.Page.ResultCount = len(out.Orders)
	c.ok(http.StatusOK, out)
}

// eqExact reports whether the filter is empty or equals v exactly.
func eqExact(filter, v string) bool { return filter == "" || filter == v }

// intParam reads a whole-number query parameter, or def when it is absent.
func intParam(q url.Values, name string, def int) (int, bool) {
	v := q.Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > 1<<30 {
		return 0, false
	}
	return n, true
}

// dateParam reads a date filter: "2016-01-01" (dateOnly) or an RFC 3339 time.
func dateParam(q url.Values, name string) (t time.Time, dateOnly, ok bool) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return time.Time{}, false, true
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, false, true
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, true, true
	}
	return time.Time{}, false, false
}

// amountParam reads a decimal amount filter.
func amountParam(q url.Values, name string) (amount, bool) {
	v := q.Get(name)
	if v == "" {
		return 0, true
	}
	a, err := parseAmount(v)
	return a, err == nil
}
