package tangotest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

func TestTokenEndpoint(t *testing.T) {
	f := setup(t, tangotest.WithServiceAccount("svc-user", "svc-pass"))
	form := func(mod func(url.Values)) url.Values {
		v := url.Values{
			"grant_type": {"client_credentials"}, "client_id": {f.srv.ClientID()}, "client_secret": {f.srv.ClientSecret()},
			"scope": {tangotest.TokenScope}, "audience": {tangotest.TokenAudience},
		}
		if mod != nil {
			mod(v)
		}
		return v
	}
	tests := []struct {
		name      string
		body      any
		status    int
		errCode   string
		expiresIn int64
	}{
		{name: "client credentials", body: form(nil), status: 200, expiresIn: 86400},
		{name: "five minute audience", body: form(func(v url.Values) { v.Set("audience", "https://tango-api.bhn.com/fiveminute") }), status: 200, expiresIn: 300},
		{name: "service account", body: form(func(v url.Values) {
			v.Set("grant_type", "password")
			v.Set("username", "svc-user")
			v.Set("password", "svc-pass")
		}), status: 200, expiresIn: 86400},
		{name: "service account wrong password", body: form(func(v url.Values) {
			v.Set("grant_type", "password")
			v.Set("username", "svc-user")
			v.Set("password", "nope")
		}), status: 400, errCode: "invalid_grant"},
		{name: "bad secret", body: form(func(v url.Values) { v.Set("client_secret", "wrong") }), status: 401, errCode: "access_denied"},
		{name: "unknown client", body: form(func(v url.Values) { v.Set("client_id", "who") }), status: 401, errCode: "access_denied"},
		{name: "missing secret", body: form(func(v url.Values) { v.Del("client_secret") }), status: 401, errCode: "access_denied"},
		{name: "missing grant", body: form(func(v url.Values) { v.Del("grant_type") }), status: 400, errCode: "invalid_request"},
		{name: "unsupported grant", body: form(func(v url.Values) { v.Set("grant_type", "authorization_code") }), status: 400, errCode: "unsupported_grant_type"},
		{name: "wrong scope", body: form(func(v url.Values) { v.Set("scope", "openid") }), status: 400, errCode: "invalid_scope"},
		{name: "wrong audience", body: form(func(v url.Values) { v.Set("audience", "https://example.com/") }), status: 400, errCode: "invalid_request"},
		{name: "JSON instead of a form", body: `{"grant_type":"client_credentials"}`, status: 400, errCode: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(http.MethodPost, tangotest.PathToken, tt.body, "Authorization", "")
			require.Equal(t, tt.status, r.status, "%s", r.raw)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.NotEmpty(t, r.header.Get("X-REQUEST-ID"))
			body := r.obj(t)
			if tt.errCode != "" {
				assert.Equal(t, tt.errCode, body["error"])
				assert.NotEmpty(t, body["error_description"])
				assert.NotContains(t, string(r.raw), f.srv.ClientSecret())
				return
			}
			assert.Equal(t, "Bearer", body["token_type"])
			assert.Equal(t, tangotest.TokenScope, body["scope"])
			assert.EqualValues(t, tt.expiresIn, mustInt(t, body["expires_in"]))
			assert.NotEmpty(t, body["access_token"])
			assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
		})
	}
	assert.Equal(t, len(tests), f.srv.TokenRequests())
	assert.Equal(t, 3, f.srv.TokensIssued())

	r := f.do(http.MethodGet, tangotest.PathToken, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
}

func TestPasswordGrantNeedsServiceAccount(t *testing.T) {
	f := setup(t)
	r := f.do(http.MethodPost, tangotest.PathToken, url.Values{
		"grant_type": {"password"}, "client_id": {f.srv.ClientID()}, "client_secret": {f.srv.ClientSecret()},
		"scope": {tangotest.TokenScope}, "audience": {tangotest.TokenAudience}, "username": {"u"}, "password": {"p"},
	})
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "unauthorized_client", r.obj(t)["error"])
}

func TestTokensAreOpaqueAndUnique(t *testing.T) {
	f := setup(t, tangotest.WithTokenLifetime(90*time.Second))
	a, b := f.token(), f.token()
	assert.NotEqual(t, a, b)
	assert.GreaterOrEqual(t, len(a), 32)
	assert.False(t, strings.Contains(a, f.srv.ClientID()))
}

func TestTokenFaults(t *testing.T) {
	f := setup(t)
	remove := f.srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Times: 1, Action: tangotest.TokenOutage()})
	defer remove()
	r := f.do(http.MethodPost, tangotest.PathToken, url.Values{})
	require.Equal(t, http.StatusServiceUnavailable, r.status)
	assert.Equal(t, "temporarily_unavailable", r.obj(t)["error"])

	f.srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Times: 1, Action: tangotest.TokenQuotaExceeded()})
	r = f.do(http.MethodPost, tangotest.PathToken, url.Values{})
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.obj(t)["error_description"], "has exceeded the daily rate limit")

	// Both faults are used up: the endpoint works again.
	assert.NotEmpty(t, f.token())
	assert.Equal(t, 1, f.srv.TokensIssued())
	assert.Equal(t, 3, f.srv.TokenRequests())
}
