package tango_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Contact data planted in every model below. Each value is unique to this file,
// so that finding one in an output can only mean a leak.
const (
	leakEmail  = "canary.leak.4711@example.com"
	leakPhone  = "+15555550147"
	leakStreet = "4711 Canaryvogel Lane"
	leakFirst  = "Quillonette"
	leakLast   = "Marchbankshire"
)

// leakCanaries are the planted values, as they are and hex-encoded (for %x).
func leakCanaries() []string {
	var out []string
	for _, s := range []string{leakEmail, leakPhone, leakStreet, leakFirst, leakLast} {
		out = append(out, s, hex.EncodeToString([]byte(s)))
	}
	return out
}

// leakForm is one shape a model can be printed in.
type leakForm struct {
	name  string
	value any
}

// leakCase is an exported model or request holding planted contact data, in
// every shape a caller might hand to a printer: the value, a pointer, and
// slices of both (slog's JSON handler encodes slice elements with
// encoding/json, never through LogValue).
type leakCase struct {
	name  string
	forms []leakForm
}

// planted builds the leak case of v.
func planted[T any](v T) leakCase {
	return leakCase{name: fmt.Sprintf("%T", v), forms: []leakForm{
		{"value", v}, {"pointer", &v}, {"[]*T", []*T{&v}}, {"[]T", []T{v}},
	}}
}

// leakPrints returns every way the test prints v, by channel.
func leakPrints(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	b, err := json.Marshal(v)
	require.NoError(t, err, "json.Marshal")
	out["json.Marshal"] = string(b)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("model", "v", v)
	out["slog JSON"] = buf.String()
	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, nil)).Info("model", "v", v)
	out["slog text"] = buf.String()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	return out
}

func leakAmount(s string) *tango.Amount {
	a := tango.MustParseAmount(s)
	return &a
}

// leakLineItem is a line item as Tango sends it, with the planted contact data
// in its recipient, sender and resend history.
func leakLineItem(t *testing.T) tango.LineItem {
	t.Helper()
	var li tango.LineItem
	require.NoError(t, json.Unmarshal([]byte(`{
		"referenceLineItemID": "RA-LEAK-1",
		"recipient": {"email": "`+leakEmail+`", "firstName": "`+leakFirst+`", "lastName": "`+leakLast+`", "mobileNumber": "`+leakPhone+`",
			"address": {"streetLine1": "`+leakStreet+`", "city": "X", "postalCode": "1", "country": "US"}},
		"sender": {"email": "`+leakEmail+`", "firstName": "`+leakFirst+`"},
		"lineItemActionReason": {"note": "`+leakEmail+`"},
		"resendHistory": [{"email": "`+leakEmail+`", "mobileNumber": "`+leakPhone+`", "recipient": {"lastName": "`+leakLast+`"}}],
		"redemptionHistory": [{"by": "`+leakFirst+`"}],
		"lineItemActionHistory": [{"by": "`+leakLast+`"}],
		"rewardViewHistory": [{"address": "`+leakStreet+`"}]
	}`), &li))
	require.Len(t, li.ResendHistory, 1)
	return li
}

// TestContactDataNeverPrinted plants contact data in every exported model and
// request type that can hold some and checks that no way of printing it shows
// any: encoding/json, slog's JSON and text handlers, and six fmt verbs, on the
// value, a pointer, and slices of each.
func TestContactDataNeverPrinted(t *testing.T) {
	checkLeaks(t)
	notify := []tango.NotificationEmail{{EmailAddress: leakEmail}}
	recipient := &tango.Recipient{Email: leakEmail, FirstName: leakFirst, LastName: leakLast, MobileNumber: leakPhone,
		Address: &tango.Address{StreetLine1: leakStreet, City: "X", PostalCode: "1", Country: "US"}}
	sender := &tango.Sender{FirstName: leakFirst, LastName: leakLast, Email: leakEmail}
	account := tango.Account{AccountIdentifier: "acct-leak", ContactEmail: leakEmail, FundingNotification: notify,
		CurrentBalance: tango.MustParseAmount("1.00")}
	alert := tango.LowBalanceAlert{BalanceAlertID: "alert-leak", BalanceAlertNotification: notify}
	side := tango.TransferAccount{AccountIdentifier: "acct-leak", ContactEmail: leakEmail, StartingBalance: leakAmount("5")}
	billing := tango.BillingAddress{FirstName: leakFirst, LastName: leakLast, AddressLine1: leakStreet, City: "X",
		State: "CA", PostalCode: "1", Country: "US", EmailAddress: leakEmail}
	contacts := []tango.ContactInformation{{FullName: leakFirst + " " + leakLast, EmailAddress: leakEmail}}
	card := tango.CreditCard{Token: "tok-leak", ContactInformation: contacts}
	li := leakLineItem(t)
	order := tango.Order{ReferenceOrderID: "RA-LEAK", Recipient: recipient, Sender: sender}

	cases := []leakCase{
		// Accounts and customers.
		planted(tango.NotificationEmail{EmailAddress: leakEmail}),
		planted(account),
		planted(tango.Page[tango.Account]{Items: []*tango.Account{&account}}),
		planted(tango.CreateAccountRequest{AccountIdentifier: "acct-leak", DisplayName: "Leak test", ContactEmail: leakEmail, FundingNotification: notify}),
		planted(tango.UpdateAccountRequest{ContactEmail: leakEmail, FundingNotification: notify}),
		planted(tango.ListAccountsParams{ContactEmail: leakEmail, FundingNotificationEmails: []string{leakEmail}, DisplayName: leakFirst}),
		planted(tango.ListCustomersParams{DisplayName: leakFirst + " " + leakLast, AccountDisplayName: leakLast}),
		// Low balance alerts.
		planted(alert),
		planted(tango.LowBalanceAlertList{LowBalanceAlerts: []*tango.LowBalanceAlert{&alert}}),
		planted(tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("10"), BalanceAlertNotification: notify}),
		planted(tango.UpdateLowBalanceAlertRequest{BalanceAlertNotification: notify}),
		// Funding.
		planted(side),
		planted(tango.Transfer{ExternalRefID: "tr-leak", From: &side, To: &side}),
		planted(billing),
		planted(contacts[0]),
		planted(tango.RegisterCreditCardRequest{CustomerIdentifier: "c", AccountIdentifier: "a", Label: "card",
			BillingAddress: billing, ContactInformation: contacts}),
		planted(card),
		planted(tango.Page[tango.CreditCard]{Items: []*tango.CreditCard{&card}}),
		planted(tango.ListCreditCardsParams{EmailAddress: leakEmail, FullName: leakFirst + " " + leakLast}),
		// Line items.
		planted(li),
		planted(tango.LineItemList{LineItems: []*tango.LineItem{&li}}),
		planted(li.ResendHistory[0]),
		planted(tango.ListLineItemsParams{RecipientEmail: leakEmail, RecipientFirstName: leakFirst, RecipientLastName: leakLast, RecipientMobile: leakPhone}),
		planted(tango.LineItemResendRequest{NewEmail: leakEmail, NewMobileNumber: leakPhone}),
		planted(tango.LineItemResend{ID: 7, Email: leakEmail, MobileNumber: leakPhone}),
		planted(tango.ReissueRequest{ReasonCode: tango.ReasonRecipient, Recipient: recipient}),
		// Orders (the order files' own types, checked here too so that one table
		// covers the SDK).
		planted(*recipient),
		planted(*sender),
		planted(*recipient.Address),
		planted(order),
		planted(tango.OrderList{Orders: []*tango.Order{&order}}),
		planted(tango.ResendRequest{NewEmail: leakEmail, NewMobile: leakPhone}),
		planted(tango.ListOrdersParams{RecipientEmail: leakEmail, SenderEmail: leakEmail, RecipientMobile: leakPhone, RecipientFirstName: leakFirst}),
		planted(tango.CreateOrderRequest{CustomerIdentifier: "c", AccountIdentifier: "a", UTID: "U1",
			Amount: tango.MustParseAmount("1"), Recipient: recipient, Sender: sender}),
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

// TestContactDataReachesWire: the models print redacted, yet every request
// sends the real contact data to Tango, and the client's debug log carries
// none of it.
func TestContactDataReachesWire(t *testing.T) {
	checkLeaks(t)
	var sink logSink
	srv := startFake(t)
	c := fakeAPI(t, srv, tango.WithLogger(sink.logger()))
	ctx := context.Background()
	notify := []tango.NotificationEmail{{EmailAddress: leakEmail}}
	acctPath := "/customers/" + tangotest.DemoCustomer + "/accounts"
	alerts := acctPath + "/" + tangotest.DemoAccount + "/lowbalance"

	_, err := c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{
		AccountIdentifier: "acct-wire-1", DisplayName: "Wire test", ContactEmail: leakEmail, FundingNotification: notify,
	})
	require.NoError(t, err)
	_, err = c.Accounts.Update(ctx, tangotest.DemoCustomer, "acct-wire-1", &tango.UpdateAccountRequest{ContactEmail: leakEmail, FundingNotification: notify})
	require.NoError(t, err)
	_, err = c.Accounts.Update(ctx, tangotest.DemoCustomer, "acct-wire-1", &tango.UpdateAccountRequest{FundingNotification: []tango.NotificationEmail{}})
	require.NoError(t, err)
	alert, err := c.LowBalanceAlerts.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{
		BalanceAlertThreshold: tango.MustParseAmount("10"), BalanceAlertNotification: notify,
	})
	require.NoError(t, err)
	_, err = c.LowBalanceAlerts.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, alert.BalanceAlertID,
		&tango.UpdateLowBalanceAlertRequest{BalanceAlertNotification: notify})
	require.NoError(t, err)
	o := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "1.00", tango.DeliveryEmail)
	_, err = c.LineItems.Resend(ctx, o.ReferenceLineItemID, &tango.LineItemResendRequest{NewEmail: leakEmail})
	require.NoError(t, err)

	tests := []struct {
		name, method, path string
		n                  int // which request to the path
		want               string
	}{
		{"create account", http.MethodPost, acctPath, 0,
			`{"accountIdentifier":"acct-wire-1","displayName":"Wire test","contactEmail":"` + leakEmail + `","fundingNotification":[{"emailAddress":"` + leakEmail + `"}]}`},
		{"update account", http.MethodPatch, acctPath + "/acct-wire-1", 0,
			`{"contactEmail":"` + leakEmail + `","fundingNotification":[{"emailAddress":"` + leakEmail + `"}]}`},
		{"update account, clear the list", http.MethodPatch, acctPath + "/acct-wire-1", 1, `{"fundingNotification":[]}`},
		{"create alert", http.MethodPost, alerts, 0,
			`{"balanceAlertThreshold":10,"balanceAlertNotification":[{"emailAddress":"` + leakEmail + `"}]}`},
		{"update alert", http.MethodPatch, alerts + "/" + alert.BalanceAlertID, 0,
			`{"balanceAlertNotification":[{"emailAddress":"` + leakEmail + `"}]}`},
		{"resend", http.MethodPost, "/lineItems/" + o.ReferenceLineItemID + "/resends", 0, `{"newEmail":"` + leakEmail + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := requestsTo(srv, tt.method, tt.path)
			require.Greater(t, len(rs), tt.n)
			assert.JSONEq(t, tt.want, string(rs[tt.n].Body))
		})
	}
	require.NotEmpty(t, sink.String(), "the debug log recorded the calls")
	for _, canary := range leakCanaries() {
		assert.NotContains(t, sink.String(), canary)
	}
}
