package tangotest

import (
	"cmp"
	"slices"
	"strings"
)

// GET /lineItems sorts by columnSortName (default dateIssued) and
// columnSortAscending (default false: newest first), as Tango's reference documents.
// Ties are broken by the line item id in the same direction, so keyset pages are
// stable.

// lineItemRow is a listed line item with the value it sorts by.
type lineItemRow struct {
	view lineItemWire
	key  sortValue
}

// sortValue is a sort column's value: numeric columns compare by num, the others by
// text (dates compare as text, since the fake writes them at fixed width).
type sortValue struct {
	text    string
	num     int64
	numeric bool
}

// lineItemSortKeys maps each column the reference lets GET /lineItems sort by to the
// row's value in it.
var lineItemSortKeys = map[string]func(*order, *lineItemWire) sortValue{
	"accountNumber": textKey(func(_ *order, v *lineItemWire) string { return v.AccountNumber }),
	"amountIssued": func(o *order, _ *lineItemWire) sortValue {
		return sortValue{text: o.denom.String(), num: int64(o.denom), numeric: true}
	},
	"dateIssued":          textKey(func(_ *order, v *lineItemWire) string { return v.DateIssued }),
	"emailStatus":         textKey(func(_ *order, v *lineItemWire) string { return v.EmailStatus }),
	"deliveryMethod":      textKey(func(_ *order, v *lineItemWire) string { return v.DeliveryMethod }),
	"externalReferenceId": textKey(func(o *order, _ *lineItemWire) string { return o.externalRefID }),
	"status":              textKey(func(_ *order, v *lineItemWire) string { return v.Status }),
	"orderSource":         textKey(func(_ *order, v *lineItemWire) string { return v.OrderSource }),
	"orderStatus":         textKey(func(_ *order, v *lineItemWire) string { return v.OrderStatus }),
	"recipientFirstName":  textKey(func(_ *order, v *lineItemWire) string { return v.Recipient.FirstName }),
	"recipientLastName":   textKey(func(_ *order, v *lineItemWire) string { return v.Recipient.LastName }),
	"rewardName":          textKey(func(_ *order, v *lineItemWire) string { return v.RewardName }),
}

// textKey makes a sort key of a text column.
func textKey(f func(*order, *lineItemWire) string) func(*order, *lineItemWire) sortValue {
	return func(o *order, v *lineItemWire) sortValue { return sortValue{text: f(o, v)} }
}

// sortLineItems orders rows by their sort value, then id.
func sortLineItems(rows []lineItemRow, ascending bool) {
	slices.SortStableFunc(rows, func(a, b lineItemRow) int {
		c := 0
		if a.key.numeric {
			c = cmp.Compare(a.key.num, b.key.num)
		} else {
			c = strings.Compare(a.key.text, b.key.text)
		}
		if c == 0 {
			c = strings.Compare(a.view.ReferenceLineItemID, b.view.ReferenceLineItemID)
		}
		if !ascending {
			c = -c
		}
		return c
	})
}
