package tango

import (
	"context"
	"testing"
	"time"
)

// TestLookupReserveSize: the create attempts stop a quarter of the time left
// before the caller's deadline, at most 5 s, so the lookup keeps that much.
func TestLookupReserveSize(t *testing.T) {
	for _, tc := range []struct {
		left, reserve time.Duration
	}{
		{8 * time.Second, 2 * time.Second},
		{20 * time.Second, 5 * time.Second},
		{time.Minute, 5 * time.Second},
	} {
		dl := time.Now().Add(tc.left)
		ctx, cancel := context.WithDeadline(context.Background(), dl)
		sendCtx, cancelSend := withLookupReserve(ctx)
		got, ok := sendCtx.Deadline()
		if !ok {
			t.Fatalf("%v left: the attempts have no deadline", tc.left)
		}
		// time.Until moved on a little between the two reads: allow 50 ms.
		if d := dl.Sub(got) - tc.reserve; d < -50*time.Millisecond || d > 50*time.Millisecond {
			t.Errorf("%v left: reserve %v, want %v", tc.left, dl.Sub(got), tc.reserve)
		}
		cancelSend()
		cancel()
	}
	if _, ok := func() (time.Time, bool) {
		c, cancel := withLookupReserve(context.Background())
		defer cancel()
		return c.Deadline()
	}(); ok {
		t.Error("no deadline on ctx: nothing to reserve")
	}
}
