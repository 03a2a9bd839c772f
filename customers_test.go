package tango_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func TestCustomersCreateAndGet(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()

	cu, err := c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "acme-corp-1", DisplayName: "Acme Corp, Inc."})
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodPost, "/customers")
	assert.Equal(t, []string{"customerIdentifier", "displayName"}, keysOf(bodyOf(t, r)))
	assert.Equal(t, "acme-corp-1", bodyOf(t, r)["customerIdentifier"])
	assert.Equal(t, "acme-corp-1", cu.CustomerIdentifier)
	assert.Equal(t, "Acme Corp, Inc.", cu.DisplayName)
	assert.Equal(t, tango.CustomerActive, cu.Status)
	assert.False(t, cu.CreatedAt.IsZero())
	assert.NotEmpty(t, cu.RequestID)

	got, err := c.Customers.Get(ctx, tangotest.DemoCustomer)
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodGet, "/customers/"+tangotest.DemoCustomer)
	assert.Equal(t, tangotest.DemoCustomer, got.CustomerIdentifier)
	require.Len(t, got.Accounts, 2)
	assert.Equal(t, tangotest.DemoAccount, got.Accounts[0].AccountIdentifier)
	assert.Equal(t, tango.AccountActive, got.Accounts[0].Status)
	assert.Equal(t, "USD", got.Accounts[0].CurrencyCode)
	assert.NotEmpty(t, got.Accounts[0].AccountNumber)

	// Tango's duplicate answers are typed.
	_, err = c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "acme-corp-1", DisplayName: "Another Name"})
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.HasKey("409.012"))
	assert.ErrorIs(t, err, tango.ErrConflict)

	_, err = c.Customers.Get(ctx, "no-such-customer")
	assert.ErrorIs(t, err, tango.ErrNotFound)
}

func TestCustomerDecodesTangoPayload(t *testing.T) {
	checkLeaks(t)
	// A CustomerViewSummary as Tango's sandbox writes it, with a field the SDK does
	// not know.
	const payload = `{"customerIdentifier":"sdkautotest1","displayName":"SDK Auto Testing 1","status":"active",
	 "createdAt":"2018-04-26T18:13:45.196Z","futureField":{"a":[1,2]},
	 "accounts":[{"accountIdentifier":"sdkautotest2","accountNumber":"A11720237","displayName":"SDK Auto Testing 2",
	   "createdAt":"2018-04-26T18:13:45.196Z","status":"FROZEN","currencyCode":"USD"}]}`
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(payload))
	})
	c := newCoreClient(t, ts)
	cu, err := c.Customers.Get(context.Background(), "sdkautotest1")
	require.NoError(t, err)
	assert.Equal(t, "SDK Auto Testing 1", cu.DisplayName)
	assert.Equal(t, tango.CustomerActive, cu.Status)
	assert.Equal(t, time.Date(2018, 4, 26, 18, 13, 45, 196e6, time.UTC), cu.CreatedAt.UTC())
	require.Len(t, cu.Accounts, 1)
	assert.Equal(t, tango.AccountFrozen, cu.Accounts[0].Status)
	assert.Equal(t, "A11720237", cu.Accounts[0].AccountNumber)
}

func TestCustomersListFilters(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	_, err := c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "beta-cust", DisplayName: "Beta Customer"})
	require.NoError(t, err)
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

	tests := []struct {
		name      string
		params    *tango.ListCustomersParams
		wantQuery url.Values
		wantIDs   []string
	}{
		{"no filters", nil, url.Values{"paginate": {"true"}}, []string{tangotest.DemoCustomer, "beta-cust"}},
		{
			"display name and status",
			&tango.ListCustomersParams{DisplayName: "Beta", Status: tango.CustomerActive},
			url.Values{"paginate": {"true"}, "displayName": {"Beta"}, "status": {"active"}},
			[]string{"beta-cust"},
		},
		{
			"owns the account",
			&tango.ListCustomersParams{AccountIdentifier: tangotest.SecondAccount, AccountStatus: tango.AccountActive},
			url.Values{"paginate": {"true"}, "accountIdentifier": {tangotest.SecondAccount}, "accountStatus": {"ACTIVE"}},
			[]string{tangotest.DemoCustomer},
		},
		{
			"account display name and number",
			&tango.ListCustomersParams{AccountDisplayName: "nothing-like-this", AccountNumber: "A1"},
			url.Values{"paginate": {"true"}, "accountDisplayName": {"nothing-like-this"}, "accountNumber": {"A1"}},
			nil,
		},
		{
			"created window",
			&tango.ListCustomersParams{CreatedAfter: day, CreatedBefore: day.Add(time.Hour), AccountCreatedAfter: day, AccountCreatedBefore: day.Add(time.Hour), CursorParams: tango.CursorParams{MaxResults: 50}},
			url.Values{
				"paginate": {"true"}, "maxResults": {"50"},
				"customerMinDateCreatedAt": {"2024-05-01T00:00:00Z"}, "customerMaxDateCreatedAt": {"2024-05-01T01:00:00Z"},
				"accountMinDateCreatedAt": {"2024-05-01T00:00:00Z"}, "accountMaxDateCreatedAt": {"2024-05-01T01:00:00Z"},
			},
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(requestsTo(srv, http.MethodGet, "/customers"))
			page, err := c.Customers.List(ctx, tt.params)
			require.NoError(t, err)
			rs := requestsTo(srv, http.MethodGet, "/customers")
			require.Len(t, rs, before+1)
			assert.Equal(t, tt.wantQuery, queryOf(t, rs[len(rs)-1]))
			var got []string
			for _, cu := range page.Items {
				got = append(got, cu.CustomerIdentifier)
			}
			assert.Equal(t, tt.wantIDs, got)
		})
	}

	all, err := collect(c.Customers.All(ctx, &tango.ListCustomersParams{CursorParams: tango.CursorParams{MaxResults: 1}}))
	require.NoError(t, err)
	assert.Len(t, all, 2)
}

func TestCustomerAccounts(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()

	acct, err := c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{
		AccountIdentifier:   "acct-eur-01",
		DisplayName:         "Euro Rewards",
		ContactEmail:        "finance@example.com",
		CurrencyCode:        "EUR",
		FundingNotification: []tango.NotificationEmail{{EmailAddress: "ops@example.com"}},
	})
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodPost, "/customers/"+tangotest.DemoCustomer+"/accounts")
	body := bodyOf(t, r)
	assert.Equal(t, []string{"accountIdentifier", "contactEmail", "currencyCode", "displayName", "fundingNotification"}, keysOf(body))
	assert.Equal(t, []any{map[string]any{"emailAddress": "ops@example.com"}}, body["fundingNotification"])
	assert.Equal(t, "acct-eur-01", acct.AccountIdentifier)
	assert.Equal(t, "EUR", acct.CurrencyCode)
	assert.True(t, acct.CurrentBalance.IsZero())
	assert.Equal(t, tango.AccountActive, acct.Status)
	assert.Equal(t, tango.Private("finance@example.com"), acct.ContactEmail)
	assert.Equal(t, []tango.NotificationEmail{{EmailAddress: "ops@example.com"}}, acct.FundingNotification)

	// USD is Tango's default: the SDK leaves the currency out rather than guess.
	_, err = c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{
		AccountIdentifier: "acct-usd-02", DisplayName: "Dollar Rewards", ContactEmail: "finance@example.com",
	})
	require.NoError(t, err)
	last := requestsTo(srv, http.MethodPost, "/customers/"+tangotest.DemoCustomer+"/accounts")[1]
	assert.Equal(t, []string{"accountIdentifier", "contactEmail", "displayName"}, keysOf(bodyOf(t, last)))

	page, err := c.Customers.ListAccounts(ctx, tangotest.DemoCustomer, &tango.ListAccountsParams{CurrencyCodes: []string{"EUR", "USD"}, Status: tango.AccountActive})
	require.NoError(t, err)
	lr := onlyRequest(t, srv, http.MethodGet, "/customers/"+tangotest.DemoCustomer+"/accounts")
	assert.Equal(t, url.Values{"paginate": {"true"}, "currencyCode": {"EUR", "USD"}, "status": {"ACTIVE"}}, queryOf(t, lr))
	assert.Equal(t, []string{tangotest.DemoAccount, tangotest.SecondAccount, "acct-eur-01", "acct-usd-02"}, ids(page.Items))
	assert.True(t, page.Items[0].CurrentBalance.Equal(tango.MustParseAmount(tangotest.DemoAccountBalance)))

	all, err := collect(c.Customers.AllAccounts(ctx, tangotest.DemoCustomer, &tango.ListAccountsParams{MinBalance: ptrAmount("100")}))
	require.NoError(t, err)
	assert.Equal(t, []string{tangotest.DemoAccount}, ids(all))

	_, err = c.Customers.ListAccounts(ctx, "unknown-customer", nil)
	assert.ErrorIs(t, err, tango.ErrNotFound)
}

func ptrAmount(s string) *tango.Amount {
	a := tango.MustParseAmount(s)
	return &a
}

func TestCustomerInputsRefusedBeforeSending(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		path string
		key  string
	}{
		{"nil create", func() error { _, err := c.Customers.Create(ctx, nil); return err }, "request", "422.007"},
		{"short identifier", func() error {
			_, err := c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "abc", DisplayName: "Valid Name"})
			return err
		}, "customerIdentifier", "422.501"},
		{"identifier with a slash", func() error { _, err := c.Customers.Get(ctx, "../orders"); return err }, "customerIdentifier", "422.501"},
		{"markup in display name", func() error {
			_, err := c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "valid-id", DisplayName: "<b>Acme</b>"})
			return err
		}, "displayName", "422.111"},
		{"symbol in display name", func() error {
			_, err := c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "valid-id", DisplayName: "Acme $$$ Corp"})
			return err
		}, "displayName", "422.001"},
		{"short display name", func() error {
			_, err := c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "valid-id", DisplayName: "Acme"})
			return err
		}, "displayName", "422.126"},
		{"account without contact email", func() error {
			_, err := c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{AccountIdentifier: "acct-new-1", DisplayName: "New Account"})
			return err
		}, "contactEmail", "422.007"},
		{"account with a bad currency", func() error {
			_, err := c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{AccountIdentifier: "acct-new-1", DisplayName: "New Account", ContactEmail: "a@example.com", CurrencyCode: "usd"})
			return err
		}, "currencyCode", "422.001"},
		{"account with a bad notification address", func() error {
			_, err := c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{AccountIdentifier: "acct-new-1", DisplayName: "New Account", ContactEmail: "a@example.com",
				FundingNotification: []tango.NotificationEmail{{EmailAddress: "not-an-address"}}})
			return err
		}, "fundingNotification[0].emailAddress", "422.134"},
		{"list with inverted dates", func() error {
			_, err := c.Customers.List(ctx, &tango.ListCustomersParams{CreatedAfter: time.Now(), CreatedBefore: time.Now().Add(-time.Hour)})
			return err
		}, "customerMaxDateCreatedAt", "422.001"},
		{"list accounts of a bad customer id", func() error {
			_, err := collect(c.Customers.AllAccounts(ctx, "a b", nil))
			return err
		}, "customerIdentifier", "422.501"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ve *tango.ValidationError
			require.ErrorAs(t, err, &ve)
			require.NotEmpty(t, ve.Fields)
			assert.Equal(t, tt.path, ve.Fields[0].Path, "%v", ve)
			assert.Equal(t, tt.key, ve.Fields[0].I18nKey, "%v", ve)
		})
	}
	assert.Empty(t, srv.Requests(), "nothing reached the wire")
}

func TestCustomerWritesAreNotRetriedReadsAre(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()

	srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/customers", Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
	_, err := c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "gamma-cust", DisplayName: "Gamma Customer"})
	require.ErrorIs(t, err, tango.ErrServerError)
	assert.Len(t, requestsTo(srv, http.MethodPost, "/customers"), 1, "a create is sent once")

	srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/customers", Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
	_, err = c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "delta-cust", DisplayName: "Delta Customer"})
	require.ErrorIs(t, err, tango.ErrOutcomeUnknown)
	assert.Len(t, requestsTo(srv, http.MethodPost, "/customers"), 2)
	// It did happen: the customer exists.
	_, err = c.Customers.Get(ctx, "delta-cust")
	require.NoError(t, err)

	srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/customers/" + tangotest.DemoCustomer, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
	_, err = c.Customers.Get(ctx, tangotest.DemoCustomer)
	require.NoError(t, err)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/customers/"+tangotest.DemoCustomer), 2, "a read is retried")

	srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/customers/" + tangotest.DemoCustomer + "/accounts", Times: 1, Action: tangotest.Status(http.StatusBadGateway)})
	_, err = c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{AccountIdentifier: "acct-new-9", DisplayName: "Retry Account", ContactEmail: "a@example.com"})
	require.ErrorIs(t, err, tango.ErrServerError)
	assert.Len(t, requestsTo(srv, http.MethodPost, "/customers/"+tangotest.DemoCustomer+"/accounts"), 1)
}

func TestCustomerCallsShowTheGuardWhatTheyTouch(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	var mu sync.Mutex
	var seen [][2]string
	refuse := errors.New("not yours")
	guard := func(_ context.Context, customer, account string) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, [2]string{customer, account})
		if account == "acct-forbidden" {
			return refuse
		}
		return nil
	}
	c := resClient(t, srv, tango.WithAccountGuard(guard))
	ctx := context.Background()
	_, err := c.Customers.Get(ctx, tangotest.DemoCustomer)
	require.NoError(t, err)
	_, err = c.Customers.ListAccounts(ctx, tangotest.DemoCustomer, nil)
	require.NoError(t, err)
	_, err = c.Customers.CreateAccount(ctx, tangotest.DemoCustomer, &tango.CreateAccountRequest{AccountIdentifier: "acct-forbidden", DisplayName: "Forbidden Account", ContactEmail: "a@example.com"})
	require.ErrorIs(t, err, refuse)
	assert.Empty(t, requestsTo(srv, http.MethodPost, "/customers/"+tangotest.DemoCustomer+"/accounts"))
	assert.Equal(t, [][2]string{{tangotest.DemoCustomer, ""}, {tangotest.DemoCustomer, ""}, {tangotest.DemoCustomer, "acct-forbidden"}}, seen)
}
