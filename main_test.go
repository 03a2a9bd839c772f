package tango_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind: a leaked
// connection, a retry still sleeping, a token refresh that outlived its client.
// Started as the benchmarks' fake server (bench_fake_test.go), it serves instead.
func TestMain(m *testing.M) {
	if serveBenchFakeIfChild() {
		return
	}
	goleak.VerifyTestMain(m)
}
