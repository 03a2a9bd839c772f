package tango_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tango-sdk/tango-go"
)

// TestAsyncAndBatchModelsNeverPrintContactData extends the leak table of
// leak_test.go to the async order and batch types.
func TestAsyncAndBatchModelsNeverPrintContactData(t *testing.T) {
	recipient := &tango.Recipient{Email: leakEmail, FirstName: leakFirst, LastName: leakLast, MobileNumber: leakPhone}
	sender := &tango.Sender{FirstName: leakFirst, LastName: leakLast, Email: leakEmail}
	line := tango.AsyncLineItemRequest{ExternalRefLineItemID: "l1", UTID: "U1", Amount: tango.MustParseAmount("1"), Recipient: recipient}
	item := tango.AsyncLineItem{ReferenceLineItemID: "li-1", Recipient: recipient}
	order := tango.Order{ReferenceOrderID: "RA-LEAK", Recipient: recipient, Sender: sender}
	req := tango.CreateOrderRequest{CustomerIdentifier: "c", AccountIdentifier: "a", UTID: "U1", Amount: tango.MustParseAmount("1"), Recipient: recipient}
	cases := []leakCase{
		planted(tango.CreateAsyncOrderRequest{CustomerIdentifier: "c", AccountIdentifier: "a", Sender: sender, LineItems: []tango.AsyncLineItemRequest{line}}),
		planted(line),
		planted(item),
		planted(tango.AsyncOrder{Sender: sender, LineItems: []tango.AsyncLineItem{item}}),
		planted(tango.AsyncOrderLineItems{LineItems: []tango.AsyncLineItem{item}}),
		planted(tango.AsyncOrderList{Orders: []tango.AsyncOrderSummary{{Sender: sender}}}),
		planted(tango.UpdateAsyncLineItemRequest{Sender: sender}),
		planted(tango.AsyncLineItemUpdate{Sender: sender}),
		planted(tango.BatchOrder{Key: "k", Request: &req}),
		planted(tango.BatchResult{Key: "k", Order: &order}),
	}
	canaries := leakCanaries()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, form := range tc.forms {
				for channel, out := range leakPrints(t, form.value) {
					for _, c := range canaries {
						assert.NotContains(t, out, c, "%s of %s (%s) leaks contact data", channel, tc.name, form.name)
					}
				}
			}
		})
	}
}
