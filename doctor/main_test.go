package doctor_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test or example leaves a goroutine behind (the
// package example starts a fake server and a client).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
