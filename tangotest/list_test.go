package tangotest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

func TestListOrders(t *testing.T) {
	clock := newFakeClock()
	f := setup(t, tangotest.WithClock(clock.Now))
	day0 := clock.Now()
	for i, ref := range []string{"a-1", "a-2", "a-3", "a-4", "a-5"} {
		o := order(ref, tangotest.UTIDRewardLink, "1.00")
		if i == 4 {
			o["utid"], o["amount"] = tangotest.UTIDFixedValue, 10
		}
		require.Equal(t, http.StatusCreated, f.do(http.MethodPost, "orders", o).status)
		clock.Advance(24 * time.Hour)
	}
	other := order("b-1", tangotest.UTIDRewardLink, "2.00")
	other["accountIdentifier"] = tangotest.SecondAccount
	require.Equal(t, http.StatusCreated, f.do(http.MethodPost, "orders", other).status)

	list := func(q url.Values) (map[string]any, []map[string]any) {
		t.Helper()
		r := f.do(http.MethodGet, "orders?"+q.Encode(), nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
		body := r.obj(t)
		var rows []map[string]any
		for _, o := range body["orders"].([]any) {
			rows = append(rows, o.(map[string]any))
		}
		return body["page"].(map[string]any), rows
	}
	refs := func(rows []map[string]any) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r["externalRefID"].(string))
		}
		return out
	}

	page, rows := list(url.Values{})
	assert.Len(t, rows, 6)
	assert.EqualValues(t, 0, mustInt(t, page["number"]))
	assert.EqualValues(t, 10, mustInt(t, page["elementsPerBlock"]))
	for _, r := range rows {
		assert.NotContains(t, r, "reward", "list rows carry no reward")
	}

	tests := []struct {
		name  string
		q     url.Values
		want  []string
		total int64
	}{
		{"account", url.Values{"accountIdentifier": {tangotest.DemoAccount}}, []string{"a-1", "a-2", "a-3", "a-4", "a-5"}, 5},
		{"customer", url.Values{"customerIdentifier": {tangotest.DemoCustomer}}, []string{"a-1", "a-2", "a-3", "a-4", "a-5", "b-1"}, 6},
		{"externalRefID", url.Values{"externalRefID": {"a-3"}}, []string{"a-3"}, 1},
		{"utid", url.Values{"utid": {tangotest.UTIDFixedValue}}, []string{"a-5"}, 1},
		{"status", url.Values{"status": {"COMPLETE"}, "accountIdentifier": {tangotest.SecondAccount}}, []string{"b-1"}, 1},
		{"orderStatus none", url.Values{"orderStatus": {"FAILED"}}, nil, 0},
		{"minAmount", url.Values{"minAmount": {"2"}}, []string{"a-5", "b-1"}, 2},
		{"date window", url.Values{"startDate": {day0.Add(24 * time.Hour).Format(time.RFC3339)}, "endDate": {day0.Add(72 * time.Hour).Format(time.RFC3339)}}, []string{"a-2", "a-3"}, 2},
		{"date only end covers day", url.Values{"startDate": {day0.Format("2006-01-02")}, "endDate": {day0.Format("2006-01-02")}}, []string{"a-1"}, 1},
		{"page 1 of 2", url.Values{"elementsPerBlock": {"2"}, "page": {"1"}}, []string{"a-3", "a-4"}, 6},
		{"last page", url.Values{"elementsPerBlock": {"4"}, "page": {"1"}}, []string{"a-5", "b-1"}, 6},
		{"past the end", url.Values{"elementsPerBlock": {"4"}, "page": {"9"}}, nil, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, rows := list(tt.q)
			assert.Equal(t, tt.want, refs(rows))
			assert.EqualValues(t, tt.total, mustInt(t, page["totalCount"]))
			assert.EqualValues(t, len(tt.want), mustInt(t, page["resultCount"]))
		})
	}

	bad := []struct {
		name string
		q    url.Values
		want string
	}{
		{"too many per block", url.Values{"elementsPerBlock": {"101"}}, "elementsPerBlock=422.042"},
		{"bad date", url.Values{"startDate": {"yesterday"}}, "startDate=422.044"},
		{"end before start", url.Values{"startDate": {"2026-02-01"}, "endDate": {"2026-01-01"}}, "endDate=422.041"},
		{"window over 100 days", url.Values{"startDate": {"2025-01-01"}, "endDate": {"2025-06-01"}}, "endDate=422.043"},
		{"negative page", url.Values{"page": {"-1"}}, "page=400.001"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(http.MethodGet, "orders?"+tt.q.Encode(), nil)
			require.Equal(t, http.StatusBadRequest, r.status, "%s", r.raw)
			assert.Equal(t, []string{tt.want}, r.fieldKeys(t))
		})
	}
}

func TestCustomersAndAccounts(t *testing.T) {
	f := setup(t)
	r := f.do(http.MethodPost, "customers", map[string]any{"customerIdentifier": "new-customer", "displayName": "New Customer"})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	c := r.obj(t)
	assert.Equal(t, "new-customer", c["customerIdentifier"])
	assert.Equal(t, "active", c["status"])

	r = f.do(http.MethodPost, "customers", map[string]any{"customerIdentifier": "new-customer", "displayName": "Another Name"})
	require.Equal(t, http.StatusConflict, r.status)
	assert.Equal(t, "409.012", r.key(t))
	r = f.do(http.MethodPost, "customers", map[string]any{"customerIdentifier": "x"})
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.ElementsMatch(t, []string{"customerIdentifier=422.501", "displayName=422.007"}, r.fieldKeys(t))

	r = f.do(http.MethodPost, "customers/new-customer/accounts", map[string]any{
		"accountIdentifier": "new-account", "displayName": "New Account", "contactEmail": "ops@example.com", "currencyCode": "EUR"})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	a := r.obj(t)
	assert.Equal(t, "ACTIVE", a["status"])
	assert.Equal(t, "EUR", a["currencyCode"])
	assert.Regexp(t, `^A\d{8}$`, a["accountNumber"])
	assert.Contains(t, string(r.raw), `"currentBalance":0.00`)
	assert.Equal(t, "0.00", f.srv.Balance("new-account"))

	r = f.do(http.MethodPost, "customers/new-customer/accounts", map[string]any{
		"accountIdentifier": "new-account", "displayName": "Other Name", "contactEmail": "ops@example.com"})
	require.Equal(t, http.StatusConflict, r.status)
	assert.Equal(t, "409.018", r.key(t))
	r = f.do(http.MethodPost, "customers/nobody-here/accounts", map[string]any{
		"accountIdentifier": "acct-x1", "displayName": "Acct X1", "contactEmail": "ops@example.com"})
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "404.002", r.key(t))
	r = f.do(http.MethodPost, "customers/new-customer/accounts", map[string]any{"accountIdentifier": "acct-x2", "displayName": "Acct X2", "contactEmail": "nope"})
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, []string{"contactEmail=422.134"}, r.fieldKeys(t))

	r = f.do(http.MethodGet, "customers/new-customer", nil)
	require.Equal(t, http.StatusOK, r.status)
	accts := r.obj(t)["accounts"].([]any)
	require.Len(t, accts, 1)
	assert.Equal(t, "new-account", accts[0].(map[string]any)["accountIdentifier"])

	r = f.do(http.MethodGet, "customers/nobody-here", nil)
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "404.002", r.key(t))

	assert.Len(t, f.do(http.MethodGet, "customers", nil).arr(t), 2)
	assert.Len(t, f.do(http.MethodGet, "customers/"+tangotest.DemoCustomer+"/accounts", nil).arr(t), 2)
	assert.Len(t, f.do(http.MethodGet, "accounts?currencyCode=EUR", nil).arr(t), 1)

	r = f.do(http.MethodGet, "accounts/"+tangotest.DemoAccount, nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, string(r.raw), `"currentBalance":1000.00`)
	r = f.do(http.MethodGet, "accounts/no-account", nil)
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "404.003", r.key(t))

	r = f.do(http.MethodDelete, "accounts/"+tangotest.DemoAccount, nil)
	require.Equal(t, http.StatusMethodNotAllowed, r.status)
}

func TestAccountCursorPaging(t *testing.T) {
	f := setup(t)
	var seen []string
	q := url.Values{"paginate": {"true"}, "maxResults": {"2"}}
	for pages := 0; pages < 5; pages++ {
		r := f.do(http.MethodGet, "accounts?"+q.Encode(), nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
		body := r.obj(t)
		for _, it := range body["items"].([]any) {
			seen = append(seen, it.(map[string]any)["accountIdentifier"].(string))
		}
		if body["nextPageAvailable"] != true {
			break
		}
		q.Set("nextCursor", body["nextCursor"].(string))
	}
	require.NoError(t, f.srv.AddAccount(tangotest.DemoCustomer, "third-account", "USD", "0"))
	assert.Equal(t, []string{tangotest.DemoAccount, tangotest.SecondAccount}, seen)

	r := f.do(http.MethodGet, "accounts?paginate=true&maxResults=2", nil)
	body := r.obj(t)
	assert.Equal(t, true, body["nextPageAvailable"])
	assert.Equal(t, false, body["prevPageAvailable"])
	assert.EqualValues(t, 2, mustInt(t, body["numberOfElements"]))
	r = f.do(http.MethodGet, "accounts?paginate=true&maxResults=2&nextCursor="+url.QueryEscape(body["nextCursor"].(string)), nil)
	body = r.obj(t)
	assert.Equal(t, true, body["prevPageAvailable"])
	assert.Len(t, body["items"], 1)

	for _, q := range []string{"paginate=true&maxResults=201", "paginate=true&nextCursor=%21%21", "paginate=maybe"} {
		r := f.do(http.MethodGet, "accounts?"+q, nil)
		assert.Equal(t, http.StatusBadRequest, r.status, q)
	}
}

func TestCatalog(t *testing.T) {
	f := setup(t)
	utids := func(q string) []string {
		t.Helper()
		r := f.do(http.MethodGet, "catalogs?"+q, nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
		var out []string
		for _, b := range r.obj(t)["brands"].([]any) {
			for _, it := range b.(map[string]any)["items"].([]any) {
				out = append(out, it.(map[string]any)["utid"].(string))
			}
		}
		return out
	}
	assert.Equal(t, []string{tangotest.UTIDRewardLink, tangotest.UTIDFixedValue, tangotest.UTIDInactive, tangotest.UTIDEuro}, utids(""))
	assert.Equal(t, []string{tangotest.UTIDRewardLink}, utids("utid="+tangotest.UTIDRewardLink))
	assert.Equal(t, []string{tangotest.UTIDEuro}, utids("currencyCode=EUR"))
	assert.Equal(t, []string{tangotest.UTIDEuro}, utids("country=DE"))
	assert.Equal(t, []string{tangotest.UTIDFixedValue}, utids("brandKey=B000002"))
	assert.Equal(t, []string{tangotest.UTIDInactive}, utids("status=inactive"))
	assert.Empty(t, utids("utid=U1"))

	r := f.do(http.MethodGet, "catalogs?utid="+tangotest.UTIDRewardLink, nil)
	assert.Contains(t, string(r.raw), `"valueType":"VARIABLE_VALUE"`)
	assert.Contains(t, string(r.raw), `"minValue":0.01,"maxValue":2000.00`)
	assert.Contains(t, string(r.raw), `"description"`)
	r = f.do(http.MethodGet, "catalogs?verbose=false&utid="+tangotest.UTIDFixedValue, nil)
	assert.Contains(t, string(r.raw), `"faceValue":10.00`)
	assert.NotContains(t, string(r.raw), `"description"`)

	require.NoError(t, f.srv.AddItem(tangotest.Item{UTID: "U42", RewardName: "Added", ValueType: tangotest.ValueTypeFixed, FaceValue: "25"}))
	assert.Equal(t, []string{"U42"}, utids("utid=u42"))
	assert.ErrorIs(t, f.srv.AddItem(tangotest.Item{UTID: "U42", RewardName: "Again", MinValue: "1", MaxValue: "2"}), tangotest.ErrExists)
	for _, bad := range []tangotest.Item{
		{UTID: "X1", RewardName: "bad utid", MinValue: "1", MaxValue: "2"},
		{UTID: "U43", MinValue: "1", MaxValue: "2"},
		{UTID: "U44", RewardName: "min above max", MinValue: "3", MaxValue: "2"},
		{UTID: "U45", RewardName: "three decimals", ValueType: tangotest.ValueTypeFixed, FaceValue: "1.001"},
		{UTID: "U46", RewardName: "bad type", ValueType: "SOMETIMES"},
	} {
		assert.Error(t, f.srv.AddItem(bad), bad.RewardName)
	}
}
