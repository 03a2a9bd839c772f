package tangotest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

var refOrderPattern = `^RA\d{6}-\d+-\d{2}$`

func TestCreateOrder(t *testing.T) {
	f := setup(t)
	r := f.do(http.MethodPost, "orders", order("ref-1", tangotest.UTIDRewardLink, "10.00"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	o := r.obj(t)
	assert.Regexp(t, refOrderPattern, o["referenceOrderID"])
	assert.Equal(t, "ref-1", o["externalRefID"])
	assert.Equal(t, "COMPLETE", o["status"])
	assert.Equal(t, tangotest.UTIDRewardLink, o["utid"])
	assert.Equal(t, tangotest.DemoAccount, o["accountIdentifier"])
	assert.Equal(t, tangotest.DemoCustomer, o["customerIdentifier"])
	assert.Equal(t, "EMAIL", o["deliveryMethod"])
	assert.Equal(t, true, o["sendEmail"])
	// Money is written from exact decimals.
	assert.Contains(t, string(r.raw), `"amountCharged":{"value":10.00,"currencyCode":"USD","exchangeRate":1,"fee":0.00,"total":10.00}`)
	assert.Contains(t, string(r.raw), `"denomination":{"value":10.00,"currencyCode":"USD"`)

	reward := o["reward"].(map[string]any)
	list := reward["credentialList"].([]any)
	require.Len(t, list, 1)
	cred := list[0].(map[string]any)
	assert.Equal(t, "url", cred["type"])
	assert.Equal(t, "redemptionUrl", cred["credentialType"])
	assert.True(t, strings.HasPrefix(cred["value"].(string), "https://rewards.tangotest.invalid/r/"))
	assert.Equal(t, cred["value"], reward["credentials"].(map[string]any)[cred["label"].(string)])

	assert.Equal(t, "990.00", f.srv.Balance(tangotest.DemoAccount))
	assert.Equal(t, 1, f.srv.OrdersCreated())
	assert.Equal(t, 1, f.srv.OrderCount(tangotest.DemoAccount, "ref-1"))

	// GET /orders/{id} returns the same order with its reward.
	g := f.do(http.MethodGet, "orders/"+o["referenceOrderID"].(string), nil)
	require.Equal(t, http.StatusOK, g.status)
	assert.Equal(t, o["reward"], g.obj(t)["reward"])
}

func TestFixedValueOrderCarriesCardNumberAndPIN(t *testing.T) {
	f := setup(t)
	r := f.do(http.MethodPost, "orders", order("", tangotest.UTIDFixedValue, "10"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	creds := r.obj(t)["reward"].(map[string]any)["credentials"].(map[string]any)
	assert.Regexp(t, `^\d{16}$`, creds["Card Number"])
	assert.Regexp(t, `^\d{8}$`, creds["PIN"])
	assert.Equal(t, "", r.obj(t)["externalRefID"], "the reference requires externalRefID, a string: none is \"\"")
}

func TestReplayReturnsStoredOrderUnchanged(t *testing.T) {
	f := setup(t)
	first := f.do(http.MethodPost, "orders", order("same-ref", tangotest.UTIDRewardLink, "10.00"))
	require.Equal(t, http.StatusCreated, first.status)

	// Same key, different item and amount: Tango returns the original order.
	replay := f.do(http.MethodPost, "orders", order("same-ref", tangotest.UTIDFixedValue, "10.00"))
	require.Equal(t, http.StatusOK, replay.status, "%s", replay.raw)
	assert.JSONEq(t, string(first.raw), string(replay.raw))
	assert.Equal(t, "990.00", f.srv.Balance(tangotest.DemoAccount), "a replay does not debit")
	assert.Equal(t, 1, f.srv.OrderCount(tangotest.DemoAccount, "same-ref"))

	// The same key in another account is another order.
	other := order("same-ref", tangotest.UTIDRewardLink, "5.00")
	other["accountIdentifier"] = tangotest.SecondAccount
	r := f.do(http.MethodPost, "orders", other)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)

	// No externalRefID: no deduplication.
	for range 2 {
		r := f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, "1.00"))
		require.Equal(t, http.StatusCreated, r.status)
	}
	assert.Equal(t, 4, f.srv.OrdersCreated())
	assert.Equal(t, "988.00", f.srv.Balance(tangotest.DemoAccount))
	assert.Equal(t, "20.00", f.srv.Balance(tangotest.SecondAccount))
}

func TestDuplicateWhileInFlightGets409(t *testing.T) {
	f := setup(t)
	remove := f.srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Times: 1,
		Action: tangotest.LatencyAfterCommit(300 * time.Millisecond)})
	defer remove()

	done := make(chan reply, 1)
	go func() {
		r, err := f.send(http.MethodPost, "orders", order("slow-ref", tangotest.UTIDRewardLink, "10.00"))
		if err != nil {
			r.status = -1
		}
		done <- r
	}()
	// Wait (briefly, polling) until the first order is committed and held.
	require.Eventually(t, func() bool { return f.srv.OrdersCreated() == 1 }, 2*time.Second, 2*time.Millisecond)

	dup := f.do(http.MethodPost, "orders", order("slow-ref", tangotest.UTIDRewardLink, "10.00"))
	require.Equal(t, http.StatusConflict, dup.status, "%s", dup.raw)
	assert.Equal(t, "409.002", dup.key(t))

	first := <-done
	require.Equal(t, http.StatusCreated, first.status)
	after := f.do(http.MethodPost, "orders", order("slow-ref", tangotest.UTIDRewardLink, "10.00"))
	assert.Equal(t, http.StatusOK, after.status)
	assert.Equal(t, 1, f.srv.OrderCount(tangotest.DemoAccount, "slow-ref"))
	assert.Equal(t, "990.00", f.srv.Balance(tangotest.DemoAccount))
}

func TestInsufficientFunds(t *testing.T) {
	f := setup(t)
	o := order("poor", tangotest.UTIDRewardLink, "25.01")
	o["accountIdentifier"] = tangotest.SecondAccount
	r := f.do(http.MethodPost, "orders", o)
	require.Equal(t, http.StatusPaymentRequired, r.status, "%s", r.raw)
	assert.Equal(t, "402.001", r.key(t))
	assert.Equal(t, tangotest.SecondAccountBalance, f.srv.Balance(tangotest.SecondAccount))
	assert.Equal(t, 0, f.srv.OrdersCreated())

	// The whole balance can be spent, to the cent.
	o["amount"] = json.Number("25")
	r = f.do(http.MethodPost, "orders", o)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	assert.Equal(t, "0.00", f.srv.Balance(tangotest.SecondAccount))
}

func TestOrderValidation(t *testing.T) {
	f := setup(t)
	require.NoError(t, f.srv.AddCustomer("other-customer", "Other Customer"))
	require.NoError(t, f.srv.AddAccount("other-customer", "other-account", "USD", "100"))

	with := func(mod func(map[string]any)) map[string]any {
		o := order("val-ref", tangotest.UTIDRewardLink, "10.00")
		mod(o)
		return o
	}
	tests := []struct {
		name   string
		body   any
		status int
		key    string   // top-level i18nKey
		fields []string // path=key entries
	}{
		{name: "missing required", body: `{}`, status: 400,
			fields: []string{"customerIdentifier=422.007", "accountIdentifier=422.007", "utid=422.007", "amount=422.007", "recipient.email=422.029", "recipient.firstName=422.007"}},
		{name: "bad utid", body: with(func(o map[string]any) { o["utid"] = "X12" }), status: 400, fields: []string{"utid=422.147"}},
		{name: "unknown utid", body: with(func(o map[string]any) { o["utid"] = "U999999" }), status: 400, fields: []string{"utid=422.024"}},
		{name: "inactive item", body: with(func(o map[string]any) { o["utid"] = tangotest.UTIDInactive }), status: 400, fields: []string{"utid=422.030"}},
		{name: "long externalRefID", body: with(func(o map[string]any) { o["externalRefID"] = strings.Repeat("a", 101) }), status: 400, fields: []string{"externalRefID=422.110"}},
		{name: "three decimals", body: with(func(o map[string]any) { o["amount"] = json.Number("10.001") }), status: 400, fields: []string{"amount=422.014"}},
		{name: "seven digits", body: with(func(o map[string]any) { o["amount"] = json.Number("1000000") }), status: 400, fields: []string{"amount=422.105"}},
		{name: "negative", body: with(func(o map[string]any) { o["amount"] = json.Number("-1") }), status: 400, fields: []string{"amount=422.141"}},
		{name: "below item minimum", body: with(func(o map[string]any) { o["amount"] = json.Number("0") }), status: 400, fields: []string{"amount=422.025"}},
		{name: "above item maximum", body: with(func(o map[string]any) { o["amount"] = json.Number("2000.01") }), status: 400, fields: []string{"amount=422.025"}},
		{name: "fixed value mismatch", body: with(func(o map[string]any) { o["utid"] = tangotest.UTIDFixedValue; o["amount"] = json.Number("9.99") }), status: 400, fields: []string{"amount=422.027"}},
		{name: "email required", body: with(func(o map[string]any) { o["recipient"] = map[string]any{"firstName": "Ada"} }), status: 400, fields: []string{"recipient.email=422.029"}},
		{name: "bad email", body: with(func(o map[string]any) { o["recipient"] = map[string]any{"firstName": "Ada", "email": "not-an-email"} }), status: 400, fields: []string{"recipient.email=422.134"}},
		{name: "bad sender email", body: with(func(o map[string]any) { o["sender"] = map[string]any{"email": "x@"} }), status: 400, fields: []string{"sender.email=422.134"}},
		{name: "markup", body: with(func(o map[string]any) { o["message"] = "<script>" }), status: 400, fields: []string{"message=422.111"}},
		{name: "bad identifier", body: with(func(o map[string]any) { o["customerIdentifier"] = "a b" }), status: 400, fields: []string{"customerIdentifier=422.501"}},
		{name: "bad etid", body: with(func(o map[string]any) { o["etid"] = "E1" }), status: 400, fields: []string{"etid=422.031"}},
		{name: "phone needs number", body: with(func(o map[string]any) { o["deliveryMethod"] = "PHONE" }), status: 400, fields: []string{"recipient.mobileNumber=422.028"}},
		{name: "unknown customer", body: with(func(o map[string]any) { o["customerIdentifier"] = "nobody-here" }), status: 404, key: "404.002"},
		{name: "account of another customer", body: with(func(o map[string]any) { o["accountIdentifier"] = "other-account" }), status: 404, key: "404.003"},
		{name: "unknown account", body: with(func(o map[string]any) { o["accountIdentifier"] = "no-account" }), status: 404, key: "404.003"},
		{name: "amount as string", body: with(func(o map[string]any) { o["amount"] = "10.00" }), status: 400, key: "400.009"},
		{name: "unknown delivery method", body: with(func(o map[string]any) { o["deliveryMethod"] = "PIGEON" }), status: 400, key: "400.009"},
		{name: "malformed JSON", body: `{"utid":`, status: 400, key: "400.009"},
		{name: "two JSON values", body: `{} {}`, status: 400, key: "400.009"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(http.MethodPost, "orders", tt.body)
			require.Equal(t, tt.status, r.status, "%s", r.raw)
			if tt.key != "" {
				assert.Equal(t, tt.key, r.key(t))
			}
			if tt.fields != nil {
				assert.ElementsMatch(t, tt.fields, r.fieldKeys(t))
			}
		})
	}
	assert.Equal(t, 0, f.srv.OrdersCreated())
	assert.Equal(t, tangotest.DemoAccountBalance, f.srv.Balance(tangotest.DemoAccount))

	t.Run("wrong content type", func(t *testing.T) {
		r := f.do(http.MethodPost, "orders", nil, "Content-Type", "text/plain")
		require.Equal(t, http.StatusUnsupportedMediaType, r.status)
		assert.Equal(t, "415.001", r.key(t))
	})
}

func TestDeliveryWithoutEmail(t *testing.T) {
	f := setup(t)
	for _, mod := range []func(map[string]any){
		func(o map[string]any) { o["sendEmail"] = false; delete(o, "recipient") },
		func(o map[string]any) { delete(o, "sendEmail"); o["deliveryMethod"] = "NONE"; delete(o, "recipient") },
		func(o map[string]any) {
			o["deliveryMethod"] = "PHONE"
			o["recipient"] = map[string]any{"mobileNumber": "+15555550100"}
		},
	} {
		o := order("", tangotest.UTIDRewardLink, "1")
		mod(o)
		r := f.do(http.MethodPost, "orders", o)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
		assert.NotEqual(t, "EMAIL", r.obj(t)["deliveryMethod"])
		assert.Equal(t, false, r.obj(t)["sendEmail"])
	}
}

func TestForeignCurrencyOrderIsConverted(t *testing.T) {
	f := setup(t)
	r := f.do(http.MethodPost, "orders", order("eur", tangotest.UTIDEuro, "20.00"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	assert.Contains(t, string(r.raw), `"denomination":{"value":20.00,"currencyCode":"EUR"`)
	// baseFx 0.92 is EUR per USD, so 20.00 EUR costs 20.00 / 0.92 = 21.739… USD.
	assert.Contains(t, string(r.raw), `"amountCharged":{"value":21.74,"currencyCode":"USD","exchangeRate":0.92`)
	assert.Equal(t, "978.26", f.srv.Balance(tangotest.DemoAccount))

	// No rate for the account's currency: 422.166.
	require.NoError(t, f.srv.AddAccount(tangotest.DemoCustomer, "gbp-account", "GBP", "100"))
	o := order("gbp", tangotest.UTIDEuro, "20.00")
	o["accountIdentifier"] = "gbp-account"
	r = f.do(http.MethodPost, "orders", o)
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, []string{"utid=422.166"}, r.fieldKeys(t))
}

func TestMoneyStaysExact(t *testing.T) {
	f := setup(t)
	// 0.1 three times is not 0.3 in float64; the fake must not care.
	for range 3 {
		r := f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, "0.1"))
		require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	}
	assert.Equal(t, "999.70", f.srv.Balance(tangotest.DemoAccount))
	r := f.do(http.MethodGet, "accounts/"+tangotest.DemoAccount, nil)
	assert.Contains(t, string(r.raw), `"currentBalance":999.70`)

	// Trailing zeros and exponents are fine when the value is exact.
	for _, amt := range []string{"1.000", "1e0", "100E-2"} {
		r := f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, amt))
		require.Equal(t, http.StatusCreated, r.status, "%s: %s", amt, r.raw)
		assert.Contains(t, string(r.raw), `"denomination":{"value":1.00,`)
	}
}

func TestGetUnknownOrder(t *testing.T) {
	f := setup(t)
	r := f.do(http.MethodGet, "orders/RA000000-1-11", nil)
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "404.005", r.key(t))
}

func TestResends(t *testing.T) {
	clock := newFakeClock()
	f := setup(t, tangotest.WithClock(clock.Now))
	id := f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, "5")).obj(t)["referenceOrderID"].(string)

	r := f.do(http.MethodPost, "orders/"+id+"/resends", nil)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	body := r.obj(t)
	assert.NotZero(t, mustInt(t, body["id"]))
	assert.Equal(t, "ada@example.com", body["email"])

	clock.Advance(29 * time.Second)
	r = f.do(http.MethodPost, "orders/"+id+"/resends", `{}`)
	require.Equal(t, http.StatusForbidden, r.status, "%s", r.raw)
	assert.Equal(t, "403.005", r.key(t))

	clock.Advance(time.Second)
	r = f.do(http.MethodPost, "orders/"+id+"/resends", `{"newEmail":"grace@example.com"}`)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	assert.Equal(t, "grace@example.com", r.obj(t)["email"])

	o := order("", tangotest.UTIDRewardLink, "5")
	o["sendEmail"] = false
	quiet := f.do(http.MethodPost, "orders", o).obj(t)["referenceOrderID"].(string)
	r = f.do(http.MethodPost, "orders/"+quiet+"/resends", nil)
	require.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, "403.003", r.key(t))

	r = f.do(http.MethodPost, "orders/RA000000-1-11/resends", nil)
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "404.005", r.key(t))
}

func TestOrderRateLimit(t *testing.T) {
	clock := newFakeClock()
	f := setup(t, tangotest.WithClock(clock.Now), tangotest.WithOrderRateLimit(1))
	r := f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, "1"))
	require.Equal(t, http.StatusCreated, r.status)
	r = f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, "1"))
	require.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "429.001", r.key(t))
	assert.Empty(t, r.header.Get("Retry-After"), "Tango documents no Retry-After")
	// Other endpoints are not limited.
	assert.Equal(t, http.StatusOK, f.do(http.MethodGet, "orders", nil).status)
	clock.Advance(time.Second)
	r = f.do(http.MethodPost, "orders", order("", tangotest.UTIDRewardLink, "1"))
	require.Equal(t, http.StatusCreated, r.status)
	assert.Equal(t, 2, f.srv.OrdersCreated())
}
