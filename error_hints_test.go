package tango_test

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// TestErrorsSayWhatToCheck: a refused credential, an untrusted certificate and
// an unresolved host name end in errors that name the likely cause and point
// to tango doctor, while errors.As still reaches the cause.
func TestErrorsSayWhatToCheck(t *testing.T) {
	checkLeaks(t)
	t.Run("401", func(t *testing.T) {
		srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
			writeTangoError(w, r, http.StatusUnauthorized, "401.001", "Unauthorized")
		})
		c := newCoreClient(t, srv)
		_, err := getPing(context.Background(), c)
		var apiErr *tango.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Contains(t, err.Error(), "credentials are for the test environment")
		assert.Contains(t, err.Error(), "tango doctor")
		assert.NotContains(t, err.Error(), testAPIKey)
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {})
		_, err := getPing(context.Background(), pinnedClient(t, srv))
		require.ErrorIs(t, err, tango.ErrUntrustedServer)
		assert.Contains(t, err.Error(), "tango doctor --behind-proxy")
	})
	t.Run("unresolved host", func(t *testing.T) {
		// The resolver's answer is faked in the dialer: nothing leaves the machine.
		tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.DNSError{Err: "no such host", Name: "no-such-host.invalid", IsNotFound: true}
		}}
		c, err := tango.NewClient(tango.Environment{Name: "typo", APIBaseURL: "https://127.0.0.1:1/raas/v2"},
			tango.BasicAuth(testPlatform, testAPIKey), quickRetries(2), tango.WithHTTPClient(&http.Client{Transport: tr}))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		_, err = getPing(context.Background(), c)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"no-such-host.invalid" did not resolve (1 attempt(s))`, "a name that does not exist is not asked again")
		assert.Contains(t, err.Error(), "tango doctor")
	})
}
