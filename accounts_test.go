package tango_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func TestAccountsGet(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	acct, err := c.Accounts.Get(context.Background(), tangotest.DemoAccount)
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodGet, "/accounts/"+tangotest.DemoAccount)
	assert.Equal(t, tangotest.DemoAccount, acct.AccountIdentifier)
	assert.True(t, acct.CurrentBalance.Equal(tango.MustParseAmount("1000.00")))
	assert.Equal(t, "USD", acct.CurrencyCode)
	assert.Equal(t, tango.AccountActive, acct.Status)
	assert.NotEmpty(t, acct.AccountNumber)
	assert.NotEmpty(t, acct.RequestID)

	_, err = c.Accounts.Get(context.Background(), "unknown-account")
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "404.003", apiErr.I18nKey)
}

func TestAccountDecodesTangoPayload(t *testing.T) {
	checkLeaks(t)
	// Tango's sample AccountView, with the balance as an exact decimal Go's float64
	// cannot hold, and fields the SDK does not know.
	const payload = `{"accountIdentifier":"sdkautotest2","accountNumber":"A11720237","displayName":"SDK Auto Testing 2",
	 "currencyCode":"USD","currentBalance":9127.88,"createdAt":"2018-04-26T18:13:45.196Z","status":"ACTIVE",
	 "contactEmail":"test@example.com","fundingNotification":[{"emailAddress":"ops@example.com"}],"marginShare":{"value":1}}`
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/raas/v2/accounts/sdkautotest2", r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(payload))
	})
	c := newCoreClient(t, ts)
	acct, err := c.Accounts.Get(context.Background(), "sdkautotest2")
	require.NoError(t, err)
	assert.Equal(t, "9127.88", acct.CurrentBalance.String())
	assert.Equal(t, "A11720237", acct.AccountNumber)
	assert.Equal(t, tango.Private("test@example.com"), acct.ContactEmail)
	assert.Equal(t, []tango.NotificationEmail{{EmailAddress: "ops@example.com"}}, acct.FundingNotification)
	assert.Equal(t, 2018, acct.CreatedAt.Year())
}

func TestAccountsListFilters(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	_, err := c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{
		AccountIdentifier: "acct-notify-1", DisplayName: "Notified Account", ContactEmail: "boss@example.com",
		FundingNotification: []tango.NotificationEmail{{EmailAddress: "ops@example.com"}},
	})
	require.NoError(t, err)
	from := time.Date(2020, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))

	tests := []struct {
		name      string
		params    *tango.ListAccountsParams
		wantQuery url.Values
		wantIDs   []string
	}{
		{"all", nil, url.Values{"paginate": {"true"}}, []string{tangotest.DemoAccount, tangotest.SecondAccount, "acct-notify-1"}},
		{
			"balance range",
			&tango.ListAccountsParams{MinBalance: ptrAmount("20"), MaxBalance: ptrAmount("500.50")},
			url.Values{"paginate": {"true"}, "minBalance": {"20"}, "maxBalance": {"500.50"}},
			[]string{tangotest.SecondAccount},
		},
		{
			"contact and notification addresses",
			&tango.ListAccountsParams{ContactEmail: "boss@example.com", FundingNotificationEmails: []tango.Private{"ops@example.com", "x@example.com"}},
			url.Values{"paginate": {"true"}, "contactEmail": {"boss@example.com"}, "fundingNotificationEmail": {"ops@example.com", "x@example.com"}},
			[]string{"acct-notify-1"},
		},
		{
			"number, name, status and dates",
			&tango.ListAccountsParams{AccountNumber: "A0", DisplayName: "Demo", Status: tango.AccountFrozen, CreatedAfter: from, CreatedBefore: from.Add(48 * time.Hour)},
			url.Values{"paginate": {"true"}, "accountNumber": {"A0"}, "displayName": {"Demo"}, "status": {"FROZEN"},
				"minDateCreatedAt": {"2020-01-02T02:04:05Z"}, "maxDateCreatedAt": {"2020-01-04T02:04:05Z"}},
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(requestsTo(srv, http.MethodGet, "/accounts"))
			page, err := c.Accounts.List(ctx, tt.params)
			require.NoError(t, err)
			rs := requestsTo(srv, http.MethodGet, "/accounts")
			require.Len(t, rs, before+1)
			assert.Equal(t, tt.wantQuery, queryOf(t, rs[len(rs)-1]))
			var got []string
			for _, a := range page.Items {
				got = append(got, a.AccountIdentifier)
			}
			assert.Equal(t, tt.wantIDs, got)
		})
	}
}

func TestAccountsUpdate(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	path := "/customers/" + tangotest.DemoCustomer + "/accounts/" + tangotest.DemoAccount

	steps := []struct {
		name       string
		req        tango.UpdateAccountRequest
		wantBody   string
		wantNotify []tango.NotificationEmail
		wantName   string
	}{
		{
			"replace the list",
			tango.UpdateAccountRequest{FundingNotification: []tango.NotificationEmail{{EmailAddress: "a@example.com"}, {EmailAddress: "b@example.com"}}},
			`{"fundingNotification":[{"emailAddress":"a@example.com"},{"emailAddress":"b@example.com"}]}`,
			[]tango.NotificationEmail{{EmailAddress: "a@example.com"}, {EmailAddress: "b@example.com"}},
			tangotest.DemoAccount,
		},
		{
			"nil leaves the list alone",
			tango.UpdateAccountRequest{DisplayName: "Renamed Account"},
			`{"displayName":"Renamed Account"}`,
			[]tango.NotificationEmail{{EmailAddress: "a@example.com"}, {EmailAddress: "b@example.com"}},
			"Renamed Account",
		},
		{
			"empty clears it",
			tango.UpdateAccountRequest{FundingNotification: []tango.NotificationEmail{}},
			`{"fundingNotification":[]}`,
			nil,
			"Renamed Account",
		},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			acct, err := c.Accounts.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &st.req)
			require.NoError(t, err)
			rs := requestsTo(srv, http.MethodPatch, path)
			require.Len(t, rs, i+1)
			assert.JSONEq(t, st.wantBody, string(rs[i].Body))
			assert.Equal(t, st.wantNotify, acct.FundingNotification)
			assert.Equal(t, st.wantName, acct.DisplayName)
		})
	}

	var clear tango.UpdateAccountRequest
	clear.ClearFundingNotification()
	assert.NotNil(t, clear.FundingNotification)
	assert.Empty(t, clear.FundingNotification)

	// An update that changes nothing, or names a bad address, is refused unsent.
	for _, req := range []*tango.UpdateAccountRequest{nil, {}, {ContactEmail: "nope"}, {DisplayName: "abc"}} {
		_, err := c.Accounts.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, req)
		assert.ErrorIs(t, err, tango.ErrValidation)
	}
	assert.Len(t, requestsTo(srv, http.MethodPatch, path), len(steps))

	// The account must belong to the customer.
	_, err := c.Accounts.Update(ctx, tangotest.DemoCustomer, "unknown-acct", &tango.UpdateAccountRequest{DisplayName: "Whatever Name"})
	assert.ErrorIs(t, err, tango.ErrNotFound)

	// A PATCH is never retried.
	srv.Inject(tangotest.Fault{Method: http.MethodPatch, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
	_, err = c.Accounts.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.UpdateAccountRequest{ContactEmail: "new@example.com"})
	require.ErrorIs(t, err, tango.ErrServerError)
	assert.Len(t, requestsTo(srv, http.MethodPatch, path), len(steps)+1)
}

func TestAccountReadsRetry(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/accounts", Times: 2, Action: tangotest.Status(http.StatusServiceUnavailable)})
	page, err := c.Accounts.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/accounts"), 3)
}

func TestAccountPrintingHidesContactData(t *testing.T) {
	const planted = "planted.secret.contact@example.com"
	acct := &tango.Account{
		AccountIdentifier: "acct-1", ContactEmail: planted, CurrentBalance: tango.MustParseAmount("5.00"),
		FundingNotification: []tango.NotificationEmail{{EmailAddress: planted}},
	}
	create := &tango.CreateAccountRequest{AccountIdentifier: "acct-1", ContactEmail: planted, FundingNotification: acct.FundingNotification}
	update := &tango.UpdateAccountRequest{ContactEmail: planted, FundingNotification: acct.FundingNotification}
	params := &tango.ListAccountsParams{ContactEmail: planted}
	page := &tango.Page[tango.Account]{Items: []*tango.Account{acct}}

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("account", "account", acct, "value", *acct)
	var out strings.Builder
	for _, v := range []any{acct, *acct, create, *create, update, *update, params, *params, page, *page} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	assert.NotContains(t, out.String(), "planted")
	assert.NotContains(t, logs.String(), "planted")
	assert.Contains(t, out.String(), "acct-1")
	assert.Contains(t, logs.String(), "acct-1")
}

// Update leaves out what it does not change. For the funding notification list,
// nil keeps it, an empty list clears it, and a list replaces it.
func ExampleAccountsService_Update() {
	srv := tangotest.NewServer()
	defer srv.Close()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()

	acct, err := c.Accounts.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.UpdateAccountRequest{
		FundingNotification: []tango.NotificationEmail{{EmailAddress: "finance@example.com"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("notified:", len(acct.FundingNotification))

	acct, err = c.Accounts.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.UpdateAccountRequest{DisplayName: "Main Rewards"})
	if err != nil {
		panic(err)
	}
	fmt.Println("renamed, still notified:", len(acct.FundingNotification))

	var clear tango.UpdateAccountRequest
	clear.ClearFundingNotification()
	acct, err = c.Accounts.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &clear)
	if err != nil {
		panic(err)
	}
	fmt.Println("cleared, notified:", len(acct.FundingNotification))
	// Output:
	// notified: 1
	// renamed, still notified: 1
	// cleared, notified: 0
}
