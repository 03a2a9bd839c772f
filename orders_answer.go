package tango

import (
	"fmt"
	"strings"
)

// This file decides whether an answer about an order describes the order that
// was asked for. An answer that does not (another caller's order, an empty body,
// a row of another account) is never returned as the result: for a create it
// makes the outcome uncertain, to be settled by a lookup.

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
