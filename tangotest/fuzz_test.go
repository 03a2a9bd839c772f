package tangotest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

// FuzzCreateOrder throws arbitrary bodies at POST /orders through the handler (no
// network). Every answer must be a JSON body with a status Tango uses for orders, and
// the balance must stay consistent with the orders created.
func FuzzCreateOrder(f *testing.F) {
	seeds := []string{
		`{"customerIdentifier":"demo-customer","accountIdentifier":"demo-account","utid":"U561593","amount":10.00,"sendEmail":false}`,
		`{"customerIdentifier":"demo-customer","accountIdentifier":"demo-account","utid":"U154092","amount":10,"deliveryMethod":"NONE","externalRefID":"x"}`,
		`{"customerIdentifier":"demo-customer","accountIdentifier":"demo-account-2","utid":"U720040","amount":1e1,"sendEmail":false}`,
		`{"amount":"10"}`, `{"amount":1e400}`, `{"amount":-0.0}`, `[]`, `null`, `{`, ``, `{"recipient":{"email":"a@b.c"}}`,
		`{"customerIdentifier":"demo-customer","accountIdentifier":"demo-account","utid":"U561593","amount":0.015,"sendEmail":false}`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	srv := tangotest.NewServer(tangotest.WithMaxRecordedRequests(100))
	f.Cleanup(srv.Close)
	allowed := map[int]bool{200: true, 201: true, 400: true, 402: true, 404: true, 422: true}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, tangotest.PathOrders, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(srv.PlatformName(), srv.PlatformKey())
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		require.True(t, allowed[rec.Code], "status %d for %q: %s", rec.Code, body, rec.Body)
		require.True(t, json.Valid(rec.Body.Bytes()), "not JSON: %s", rec.Body)
		require.NotEmpty(t, rec.Header().Get("X-REQUEST-ID"))
		require.False(t, strings.HasPrefix(srv.Balance(tangotest.DemoAccount), "-"), "balance went negative")
		require.False(t, strings.HasPrefix(srv.Balance(tangotest.SecondAccount), "-"), "balance went negative")
	})
}
