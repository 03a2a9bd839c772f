package openapicheck

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefectsLoadAndApply(t *testing.T) {
	c, err := New()
	require.NoError(t, err)
	require.NotEmpty(t, c.Defects())
	for _, d := range c.Defects() {
		assert.NotEmpty(t, d.Summary, d.ID)
		assert.NotEmpty(t, d.Evidence, d.ID)
	}
	raw, err := NewRaw()
	require.NoError(t, err)
	assert.Empty(t, raw.Defects())
}

func TestCheckFindsInvalidExchanges(t *testing.T) {
	c, err := New()
	require.NoError(t, err)
	ctx := context.Background()
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name         string
		ex           Exchange
		op           string
		reqOK, resOK bool
	}{
		{"valid rates", Exchange{Method: "GET", Path: "/raas/v2/exchangerates", Status: 200, RespHeader: jsonHeader,
			RespBody: []byte(`{"disclaimer":"d","exchangeRates":[{"lastModifiedDate":"2018-04-19T13:00:14.291Z","rewardCurrency":"USD","baseCurrency":"NZD","baseFx":0.7313}]}`)},
			"getExchangeRates", true, true},
		{"string baseFx is not what Tango sends", Exchange{Method: "GET", Path: "/raas/v2/exchangerates", Status: 200, RespHeader: jsonHeader,
			RespBody: []byte(`{"disclaimer":"d","exchangeRates":[{"baseFx":"0.7313"}]}`)},
			"getExchangeRates", true, false},
		{"undeclared query parameter", Exchange{Method: "GET", Path: "/raas/v2/rewardCountries", RawQuery: "paginate=true", Status: 200,
			RespHeader: jsonHeader, RespBody: []byte(`{"items":[]}`)},
			"listCountries", false, true},
		{"bare word is not JSON", Exchange{Method: "POST", Path: "/raas/v2/lineItems/X/freeze", ReqHeader: jsonHeader,
			ReqBody: []byte(`{"reasonCode":"FRAUD"}`), Status: 202, RespHeader: jsonHeader, RespBody: []byte(`Accepted`)},
			"freezeLineItem", true, false},
		{"undeclared status", Exchange{Method: "GET", Path: "/raas/v2/mobileCountries", Status: 418, RespHeader: jsonHeader, RespBody: []byte(`[]`)},
			"listMobileCountries", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Check(ctx, tt.ex)
			assert.Equal(t, tt.op, r.Operation)
			assert.Equal(t, tt.reqOK, r.RequestErr == nil, "request: %v", r.RequestErr)
			assert.Equal(t, tt.resOK, r.ResponseErr == nil, "response: %v", r.ResponseErr)
		})
	}
	r := c.Check(ctx, Exchange{Method: "GET", Path: "/raas/v2/nowhere", Status: 200})
	assert.ErrorIs(t, r.RequestErr, ErrNoOperation)
}

func TestPatch(t *testing.T) {
	var doc any
	require.NoError(t, json.Unmarshal([]byte(`{"a":{"b":[1,2],"c~/d":"x"},"e":{"oneOf":[1]},"f":[{"oneOf":[1]}]}`), &doc))
	out, err := applyPatch(doc, []PatchOp{
		{Op: "add", Path: "/a/b/-", Value: json.RawMessage(`3`)},
		{Op: "replace", Path: "/a/c~0~1d", Value: json.RawMessage(`"y"`)},
		{Op: "remove", Path: "/a/b/0"},
		{Op: "replace-every", From: json.RawMessage(`{"oneOf":[1]}`), Value: json.RawMessage(`{"anyOf":[1]}`)},
	})
	require.NoError(t, err)
	b, _ := json.Marshal(out)
	assert.JSONEq(t, `{"a":{"b":[2,3],"c~/d":"y"},"e":{"anyOf":[1]},"f":[{"anyOf":[1]}]}`, string(b))

	_, err = applyPatch(out, []PatchOp{{Op: "replace", Path: "/a/missing", Value: json.RawMessage(`1`)}})
	assert.Error(t, err, "a patch must hit what it names")
	_, err = applyPatch(out, []PatchOp{{Op: "replace-every", From: json.RawMessage(`"absent"`), Value: json.RawMessage(`1`)}})
	assert.Error(t, err)
}

// Reports quote rejected values; credentials and contact data must not appear.
func TestReportsHideSecrets(t *testing.T) {
	c, err := New()
	require.NoError(t, err)
	ex := Exchange{
		Method: "POST", Path: "/oauth/token",
		ReqHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		ReqBody:   []byte("client_id=id-PLANTED-1&client_secret=secret-PLANTED-2&grant_type=bogus&scope=raas.all&audience=x"),
		Status:    200, RespHeader: http.Header{"Content-Type": {"application/json"}},
		RespBody: []byte(`{"access_token":"jwt-PLANTED-3","token_type":"Bearer"}`),
	}
	tally := c.TallyExchanges(context.Background(), []Exchange{ex})
	report := tally.Failures()
	require.NotEmpty(t, report, "the bogus grant type is reported")
	for _, planted := range []string{"id-PLANTED-1", "secret-PLANTED-2", "jwt-PLANTED-3"} {
		assert.False(t, strings.Contains(report, planted), "report leaks %s", planted)
	}
}
