package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tango-sdk/tango-go"
)

// runOrderGet fetches one order by its reference order id.
func runOrderGet(ctx context.Context, inv *invocation, args []string) int {
	fs, cf := inv.newFlagSet("order get", "tango order get REFERENCE_ORDER_ID [--json] [flags]")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return inv.usageError("order get takes one reference order id, got %d arguments", len(pos))
	}
	s, code, ok := inv.connect(cf)
	if !ok {
		return code
	}
	defer s.close()
	ctx, cancel := cf.deadline(ctx)
	defer cancel()
	order, err := s.client.Orders.Get(ctx, pos[0])
	if err != nil {
		return inv.fail(err)
	}
	v := newOrderView(order)
	if cf.json {
		if err := printJSON(inv.stdout, v); err != nil {
			return inv.fail(err)
		}
		return exitOK
	}
	printOrder(inv.stdout, v, "fetched; nothing was placed or changed")
	return exitOK
}

// orderListView is one page of orders as the command prints it.
type orderListView struct {
	Page   tango.PageInfo `json:"page"`
	Orders []orderView    `json:"orders"`
}

// runOrdersList lists one page of orders that match the filters.
func runOrdersList(ctx context.Context, inv *invocation, args []string) int {
	fs, cf := inv.newFlagSet("orders list", "tango orders list [filters] [--json] [flags]")
	var (
		customer = fs.String("customer", "", "only orders of this customer `identifier`")
		account  = fs.String("account", "", "only orders charged to this account `identifier`")
		ref      = fs.String("external-ref-id", "", "only the order with this externalRefID (`id`)")
		utid     = fs.String("utid", "", "only orders of this catalog item (`utid`)")
		status   = fs.String("status", "", "only orders with this `status` (COMPLETE, PENDING, FAILED, ...)")
		start    = fs.String("start", "", "only orders created at or after this `date` (2026-01-31 or RFC 3339)")
		end      = fs.String("end", "", "only orders created before this `date` (over 100 days after --start: every order in the range is listed)")
		page     = fs.Int("page", 0, "page `number`, from 0")
		size     = fs.Int("page-size", 0, "orders per page, at most 100 (`n`; 0: Tango's default)")
	)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return inv.usageError("orders list takes no arguments, got %q", pos)
	}
	st, ok := parseStatus(*status)
	if !ok {
		return inv.usageError("--status %q: want one of %s", *status, strings.Join(statusNames(), ", "))
	}
	params := &tango.ListOrdersParams{
		CustomerIdentifier: *customer, AccountIdentifier: *account, ExternalRefID: *ref, UTID: *utid,
		OrderStatus: st, Page: *page, ElementsPerBlock: *size,
	}
	var err error
	if params.StartDate, err = parseDate(*start); err != nil {
		return inv.usageError("--start: %v", err)
	}
	if params.EndDate, err = parseDate(*end); err != nil {
		return inv.usageError("--end: %v", err)
	}
	// A range over Tango's 100-day window is walked window by window, as
	// Orders.All does, and printed in full: paging flags do not apply to it.
	walkAll := !params.StartDate.IsZero() && !params.EndDate.IsZero() && params.EndDate.Sub(params.StartDate) > tango.MaxOrderWindow
	if walkAll && (*page != 0 || *size != 0) {
		return inv.usageError("--start to --end spans more than 100 days: every order in it is listed, so --page and --page-size do not apply")
	}
	s, code, ok := inv.connect(cf)
	if !ok {
		return code
	}
	defer s.close()
	ctx, cancel := cf.deadline(ctx)
	defer cancel()
	var list *tango.OrderList
	if walkAll {
		list, err = walkOrders(ctx, s.client, params)
	} else {
		list, err = s.client.Orders.List(ctx, params)
	}
	if err != nil {
		return inv.fail(err)
	}
	out := orderListView{Page: list.Page, Orders: []orderView{}}
	for _, o := range list.Orders {
		out.Orders = append(out.Orders, newOrderView(o))
	}
	if cf.json {
		if err := printJSON(inv.stdout, out); err != nil {
			return inv.fail(err)
		}
		return exitOK
	}
	tw := newTable(inv.stdout)
	fmt.Fprintln(tw, "ORDER\tCREATED\tSTATUS\tUTID\tAMOUNT\tEXTERNAL REF ID")
	for _, v := range out.Orders {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.ReferenceOrderID, v.CreatedAt.UTC().Format(time.RFC3339), v.Status, v.UTID, amount(v.Amount, v.CurrencyCode), v.ExternalRefID)
	}
	if err := tw.Flush(); err != nil {
		return inv.fail(err)
	}
	fmt.Fprintf(inv.stdout, "page %d: %d of %d orders\n", out.Page.Number, out.Page.ResultCount, out.Page.TotalCount)
	return exitOK
}

// walkOrders lists every order that matches params with Orders.All (which splits
// a range longer than Tango's 100-day window), as one page.
func walkOrders(ctx context.Context, c *tango.Client, params *tango.ListOrdersParams) (*tango.OrderList, error) {
	list := &tango.OrderList{}
	for o, err := range c.Orders.All(ctx, params) {
		if err != nil {
			return nil, err
		}
		list.Orders = append(list.Orders, o)
	}
	n := len(list.Orders)
	list.Page = tango.PageInfo{ElementsPerBlock: n, ResultCount: n, TotalCount: int64(n)}
	return list, nil
}

// knownStatuses are the order statuses Tango documents, the values --status takes.
func knownStatuses() []tango.OrderStatus {
	return []tango.OrderStatus{
		tango.OrderComplete, tango.OrderPending, tango.OrderQueued, tango.OrderPendingMR, tango.OrderOnHold,
		tango.OrderPendingKYB, tango.OrderPendingPayment, tango.OrderPartial, tango.OrderFailed,
		tango.OrderCancelled, tango.OrderDeleted,
	}
}

// parseStatus reads --status ("" is no filter; case does not matter) and reports
// whether it is a status Tango documents.
func parseStatus(s string) (tango.OrderStatus, bool) {
	if s == "" {
		return "", true
	}
	want := tango.OrderStatus(strings.ToUpper(s))
	for _, k := range knownStatuses() {
		if k == want {
			return k, true
		}
	}
	return "", false
}

// statusNames lists the values --status takes.
func statusNames() []string {
	known := knownStatuses()
	out := make([]string, len(known))
	for i, k := range known {
		out[i] = string(k)
	}
	return out
}

// parseDate reads a date (2026-01-31, midnight UTC) or an RFC 3339 time; "" is
// the zero time (no bound).
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date (2026-01-31) nor an RFC 3339 time", s)
	}
	return t, nil
}
