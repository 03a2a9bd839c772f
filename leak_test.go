package tango_test

import (
	"context"
	"encoding/hex"
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
