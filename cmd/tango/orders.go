package main

import (
	"context"
	"fmt"
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
	printOrder(inv.stdout, v)
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
		end      = fs.String("end", "", "only orders created before this `date` (at most 100 days after --start)")
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
	params := &tango.ListOrdersParams{
		CustomerIdentifier: *customer, AccountIdentifier: *account, ExternalRefID: *ref, UTID: *utid,
		OrderStatus: tango.OrderStatus(*status), Page: *page, ElementsPerBlock: *size,
	}
	var err error
	if params.StartDate, err = parseDate(*start); err != nil {
		return inv.usageError("--start: %v", err)
	}
	if params.EndDate, err = parseDate(*end); err != nil {
		return inv.usageError("--end: %v", err)
	}
	s, code, ok := inv.connect(cf)
	if !ok {
		return code
	}
	defer s.close()
	ctx, cancel := cf.deadline(ctx)
	defer cancel()
	list, err := s.client.Orders.List(ctx, params)
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
