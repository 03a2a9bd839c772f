package tangotest_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestAuth(t *testing.T) {
	clock := newFakeClock()
	f := setup(t, tangotest.WithClock(clock.Now), tangotest.WithTokenLifetime(time.Hour))
	good := f.token()
	expiring := f.token()

	tests := []struct {
		name    string
		hdr     []string
		prepare func()
		status  int
		key     string
	}{
		{name: "basic", status: http.StatusOK},
		{name: "no credentials", hdr: []string{"Authorization", ""}, status: http.StatusUnauthorized, key: "401.002"},
		{name: "wrong key", hdr: []string{"Authorization", "Basic d3Jvbmc6a2V5"}, status: http.StatusUnauthorized, key: "401.501"},
		{name: "unknown scheme", hdr: []string{"Authorization", "Digest abc"}, status: http.StatusUnauthorized, key: "401.002"},
		{name: "bearer", hdr: []string{"Authorization", "Bearer " + good}, status: http.StatusOK},
		{name: "unknown bearer", hdr: []string{"Authorization", "Bearer nope"}, status: http.StatusUnauthorized, key: "401.002"},
		{name: "expired bearer", hdr: []string{"Authorization", "Bearer " + expiring},
			prepare: func() { clock.Advance(time.Hour) }, status: http.StatusUnauthorized, key: "401.002"},
		{name: "browser origin", hdr: []string{"Origin", "https://shop.example"}, status: http.StatusForbidden, key: "403.001"},
		{name: "not acceptable", hdr: []string{"Accept", "text/html"}, status: http.StatusNotAcceptable, key: "406.001"},
		{name: "accept json", hdr: []string{"Accept", "application/json;q=0.9, text/html"}, status: http.StatusOK},
		{name: "forwarded without port", hdr: []string{"X-Forwarded-For", "203.0.113.7, ::1, [2001:db8::1]"}, status: http.StatusOK},
		{name: "unknown path", status: http.StatusNotFound, key: "404.001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prepare != nil {
				tt.prepare()
			}
			path := "catalogs"
			if tt.name == "unknown path" {
				path = "nothing-here"
			}
			r := f.do(http.MethodGet, path, nil, tt.hdr...)
			require.Equal(t, tt.status, r.status, "%s", r.raw)
			reqID := r.header.Get("X-REQUEST-ID")
			assert.Regexp(t, uuidPattern, reqID)
			if tt.key == "" {
				return
			}
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			body := r.obj(t)
			assert.Equal(t, tt.key, body["i18nKey"])
			assert.Equal(t, reqID, body["requestId"], "body requestId must equal X-REQUEST-ID")
			assert.Equal(t, tangotest.APIPrefix+"/"+path, body["path"])
			assert.EqualValues(t, tt.status, mustInt(t, body["httpCode"]))
			assert.Equal(t, http.StatusText(tt.status), body["httpPhrase"])
			assert.NotEmpty(t, body["message"])
			_, err := time.Parse(time.RFC3339, body["timestamp"].(string))
			assert.NoError(t, err)
		})
	}
}

func TestExpireTokensRevokesIssuedTokensOnly(t *testing.T) {
	f := setup(t)
	old := f.token()
	f.srv.ExpireTokens()
	r := f.do(http.MethodGet, "catalogs", nil, "Authorization", "Bearer "+old)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	fresh := f.token()
	r = f.do(http.MethodGet, "catalogs", nil, "Authorization", "Bearer "+fresh)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, 2, f.srv.TokensIssued())
}

func TestForwardedForWithPortGetsLoadBalancerPage(t *testing.T) {
	f := setup(t)
	for _, xff := range []string{"203.0.113.7:5678", "198.51.100.1, 203.0.113.7:443", "[::1]:80", "proxy.internal:8080"} {
		t.Run(xff, func(t *testing.T) {
			// Even without credentials: the load balancer answers before the API.
			r := f.do(http.MethodGet, "catalogs", nil, "X-Forwarded-For", xff, "Authorization", "")
			require.Equal(t, http.StatusForbidden, r.status)
			assert.Equal(t, "awselb/2.0", r.header.Get("Server"))
			assert.Equal(t, "text/html", r.header.Get("Content-Type"))
			assert.Contains(t, string(r.raw), "<html>")
		})
	}
}

func mustInt(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(interface{ Int64() (int64, error) })
	require.True(t, ok, "not a number: %v", v)
	i, err := n.Int64()
	require.NoError(t, err)
	return i
}
