package tango

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// This file holds the AccountGuard (installed with WithAccountGuard) and extends it
// to calls whose request does not name a customer or account: calls addressed by an
// order or line item id, and Client.Do.

// vetOwner asks the account guard, if any, about a customer and account a call
// touches. A resource that names neither cannot be vetted and is refused.
func (c *Client) vetOwner(ctx context.Context, method, path, customer, account string) error {
	if c.accountGuard == nil {
		return nil
	}
	if customer == "" && account == "" {
		return fmt.Errorf("tango: %s %s: the account guard cannot vet it: Tango's answer names no customer or account", method, path)
	}
	if err := c.accountGuard(ctx, customer, account); err != nil {
		return fmt.Errorf("tango: %s %s: account guard refused customer %q account %q: %w", method, path, customer, account, err)
	}
	return nil
}

// vetOrderFirst fetches an order before a write addressed by its id, so that the
// account guard, if any, sees whose order it is before anything is sent.
func (s *OrdersService) vetOrderFirst(ctx context.Context, referenceOrderID string) error {
	if s.c.accountGuard == nil {
		return nil
	}
	_, err := s.Get(ctx, referenceOrderID)
	return err
}

// vetLineItemFirst fetches a line item before a call addressed by its id, so
// that the account guard, if any, sees whose reward it is before anything is
// sent.
func (s *LineItemsService) vetLineItemFirst(ctx context.Context, referenceLineItemID string) error {
	if s.c.accountGuard == nil {
		return nil
	}
	_, err := s.Get(ctx, referenceLineItemID)
	return err
}

// doOwners lists the customer and account pairs a Client.Do call names: in the
// path (…/customers/{c}/accounts/{a}…), in the query, and in a JSON body's
// customerIdentifier and accountIdentifier members (of the object, or of each
// object of an array), matched without regard to case.
func doOwners(path string, query url.Values, body []byte) [][2]string {
	var pairs [][2]string
	add := func(customer, account string) {
		if customer != "" || account != "" {
			pairs = append(pairs, [2]string{customer, account})
		}
	}
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if !strings.EqualFold(seg, "customers") || i+1 >= len(segs) {
			continue
		}
		customer, _ := url.PathUnescape(segs[i+1])
		account := ""
		if i+3 < len(segs) && strings.EqualFold(segs[i+2], "accounts") {
			account, _ = url.PathUnescape(segs[i+3])
		}
		add(customer, account)
	}
	for k, vs := range query {
		for _, v := range vs {
			switch {
			case strings.EqualFold(k, "customerIdentifier"):
				add(v, "")
			case strings.EqualFold(k, "accountIdentifier"):
				add("", v)
			}
		}
	}
	var objects []map[string]json.RawMessage
	var one map[string]json.RawMessage
	if json.Unmarshal(body, &one) == nil {
		objects = append(objects, one)
	} else {
		_ = json.Unmarshal(body, &objects)
	}
	for _, o := range objects {
		var customer, account string
		for k, raw := range o {
			var v string
			if json.Unmarshal(raw, &v) != nil {
				v = string(raw)
			}
			switch {
			case strings.EqualFold(k, "customerIdentifier"):
				customer = v
			case strings.EqualFold(k, "accountIdentifier"):
				account = v
			}
		}
		add(customer, account)
	}
	return pairs
}

// AccountGuard vets the customer and account a call touches. Platforms that act
// for many customers use it to make sure a request on behalf of one customer can
// never touch another's account ("prevent ACC1 from ordering on ACC2", Tango's
// guide). Returning an error stops the call.
//
// What it covers, precisely:
//   - every typed call whose request names a customer or account (orders,
//     funding, transfers, accounts, alerts, lists filtered by account): asked
//     before anything is sent;
//   - calls addressed by an order, line item or card id: Orders.Resend and every
//     line item action (Update, Cancel, Freeze, Unfreeze, Reissue, Resend,
//     EmbeddedURL) fetch the order or line item first and ask about its owner
//     before the action is sent; Orders.Get (and so Orders.Wait), LineItems.Get
//     and GetCreditCard ask about the owner Tango's answer names before
//     returning it (the read has happened, but nothing reaches the caller). An
//     answer naming no customer or account is refused;
//   - Client.Do: the identifiers in its path, query and JSON body (see Do).
//
// Not covered: lists without a customer or account filter (Orders.List and All,
// LineItems.List and All, AccountsService.List, ListCreditCards and the like
// return every account's rows the platform may see), GetDeposit (Tango's answer
// names no account), and Do calls that name no identifier.
type AccountGuard func(ctx context.Context, customerIdentifier, accountIdentifier string) error
