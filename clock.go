package tango

import (
	"context"
	"time"
)

// Clock is the SDK's view of time: when tokens expire, how long a wait lasts. The
// default is the wall clock. Tests pass their own (see WithClock) to check retry
// delays and token lifetimes without sleeping for real.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx is done, whichever comes first. It returns
	// ctx's error when ctx ended the wait, and nil otherwise.
	Sleep(ctx context.Context, d time.Duration) error
}

// wallClock is the real clock.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
