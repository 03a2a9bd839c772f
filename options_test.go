package tango_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// TestWithHeaderRefusesInvalidNames: a header name net/http would refuse on
// every request is refused when the client is built, instead of making every
// call fail and be retried as if the network had failed.
func TestWithHeaderRefusesInvalidNames(t *testing.T) {
	for _, name := range []string{"X Gateway", "X-Gateway:", "X-Gäteway", "X(Gateway)", "X/Gateway", "X@Gateway", `X"Gateway`} {
		t.Run(name, func(t *testing.T) {
			_, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey), tango.WithHeader(name, "v"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "WithHeader")
		})
	}
	for _, name := range []string{"X-Gateway-Key", "x_custom.header", "X-A!#$%&'*+-.^_`|~"} {
		_, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey), tango.WithHeader(name, "v"))
		require.NoError(t, err, name)
	}
}
