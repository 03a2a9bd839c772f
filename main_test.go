package tango_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind: a leaked
// connection, a retry still sleeping, a token refresh that outlived its client.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
