package tango_test

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// TestDNSNotFoundIsNotRetried: a host name that does not exist will not appear
// within a call, so the SDK stops at the first attempt (with its hint), while a
// temporary resolver failure is retried like any connection failure.
func TestDNSNotFoundIsNotRetried(t *testing.T) {
	checkLeaks(t)
	cases := []struct {
		name         string
		dnsErr       *net.DNSError
		wantAttempts int
		wantInText   string
	}{
		{"no such host", &net.DNSError{Err: "no such host", Name: "no-such-host.invalid", IsNotFound: true}, 1, "did not resolve (1 attempt(s))"},
		{"temporary failure", &net.DNSError{Err: "server misbehaving", Name: "flaky.invalid", IsTemporary: true}, 3, "did not resolve (3 attempt(s))"},
		{"resolver timeout", &net.DNSError{Err: "i/o timeout", Name: "slow.invalid", IsTimeout: true}, 3, "did not resolve (3 attempt(s))"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The resolver's answer is faked in the dialer: nothing leaves the machine.
			var dials atomic.Int32
			tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
				dials.Add(1)
				return nil, tc.dnsErr
			}}
			c, err := tango.NewClient(tango.Environment{Name: "typo", APIBaseURL: "https://127.0.0.1:1/raas/v2"},
				tango.BasicAuth(testPlatform, testAPIKey), quickRetries(3), noPacing(), tango.WithClock(newFakeClock()),
				tango.WithHTTPClient(&http.Client{Transport: tr}))
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			_, err = getPing(context.Background(), c)
			require.Error(t, err)
			var dnsErr *net.DNSError
			require.ErrorAs(t, err, &dnsErr)
			var hinted *tango.HintedError
			require.ErrorAs(t, err, &hinted)
			assert.Equal(t, int32(tc.wantAttempts), dials.Load())
			assert.Contains(t, err.Error(), tc.wantInText)
		})
	}
}
