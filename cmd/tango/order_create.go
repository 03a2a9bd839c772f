package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/tango-sdk/tango-go"
)

// runOrderCreate places one order. The externalRefID is chosen (or taken from
// --external-ref-id) and printed before anything is sent, so an interrupted or
// unanswered run can be repeated with the same one without placing a second order.
func runOrderCreate(ctx context.Context, inv *invocation, args []string) int {
	fs, cf := inv.newFlagSet("order create",
		"tango order create --utid UTID --amount AMOUNT [--email ADDRESS --first-name NAME] [--external-ref-id ID] [flags]")
	var (
		utid      = fs.String("utid", "", "catalog item to order (`utid`, required)")
		amountStr = fs.String("amount", "", "face value, such as 10.00 (`amount`, required)")
		customer  = fs.String("customer", "", "customer `identifier` (default: TANGO_CUSTOMER)")
		account   = fs.String("account", "", "account `identifier` to charge (default: TANGO_ACCOUNT)")
		email     = fs.String("email", "", "recipient's email `address`: Tango emails the reward there")
		first     = fs.String("first-name", "", "recipient's first `name` (required with --email)")
		last      = fs.String("last-name", "", "recipient's last `name`")
		delivery  = fs.String("delivery", "", "delivery `method`: EMAIL (the default with --email), NONE to deliver the reward yourself, ...")
		ref       = fs.String("external-ref-id", "", "idempotency key; reuse the printed one to retry safely (`id`, default: a new UUID)")
		campaign  = fs.String("campaign", "", "campaign `label` for reporting")
		notes     = fs.String("notes", "", "`notes` kept with the order")
		confirm   = fs.Bool("confirm-production", false, "required to place an order in production, where it moves real money")
	)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return inv.usageError("order create takes no arguments, got %q", pos)
	}
	if *utid == "" || *amountStr == "" {
		return inv.usageError("order create needs --utid and --amount")
	}
	amt, err := tango.ParseAmount(*amountStr)
	if err != nil {
		return inv.usageError("--amount: %v", err)
	}
	s, code, ok := inv.connect(cf)
	if !ok {
		return code
	}
	defer s.close()
	if s.production && !*confirm {
		return inv.usageError("refusing to place an order in production without --confirm-production")
	}
	req := &tango.CreateOrderRequest{
		ExternalRefID:      *ref,
		CustomerIdentifier: firstOf(*customer, s.customer),
		AccountIdentifier:  firstOf(*account, s.account),
		UTID:               *utid,
		Amount:             amt,
		Campaign:           *campaign,
		Notes:              *notes,
		DeliveryMethod:     tango.DeliveryMethod(strings.ToUpper(*delivery)),
	}
	if *email != "" || *first != "" || *last != "" {
		req.Recipient = &tango.Recipient{Email: tango.Private(*email), FirstName: tango.Private(*first), LastName: tango.Private(*last)}
	}
	if req.CustomerIdentifier == "" || req.AccountIdentifier == "" {
		return inv.usageError("order create needs a customer and an account: --customer and --account, or TANGO_CUSTOMER and TANGO_ACCOUNT")
	}
	if req.ExternalRefID == "" {
		req.ExternalRefID = uuid.NewString()
	}
	if err := req.Validate(); err != nil {
		return inv.fail(err) // nothing was sent
	}
	fmt.Fprintf(inv.stderr, "tango: externalRefID %s (if this run is interrupted or ends without an answer, run it again with --external-ref-id %s: Tango places at most one order per externalRefID and account)\n",
		req.ExternalRefID, req.ExternalRefID)

	ctx, cancel := cf.deadline(ctx)
	defer cancel()
	order, err := s.client.Orders.Create(ctx, req)
	if err != nil {
		var unknown *tango.OutcomeUnknownError
		if errors.As(err, &unknown) {
			fmt.Fprintf(inv.stderr, "tango: outcome unknown: the order may or may not have been placed. Settle it by running the same command again with --external-ref-id %s\n", req.ExternalRefID)
		}
		return inv.fail(err)
	}
	v := newOrderView(order)
	if cf.json {
		if err := printJSON(inv.stdout, v); err != nil {
			return inv.fail(err)
		}
		return exitOK
	}
	printOrder(inv.stdout, v, "placed now")
	return exitOK
}

// firstOf returns the first non-empty value.
func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
