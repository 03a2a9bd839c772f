package testclock

import (
	"context"
	"time"
)

// Scaled is a clock whose time runs factor times faster than the wall clock: a
// Sleep of d waits d/factor for real. Unlike Clock, it keeps the order of
// concurrent waits, so several goroutines (and a fake server reading the same
// clock) can pace themselves by it: tests of a 1-per-second limit run in a
// fraction of a second. It is safe for concurrent use.
type Scaled struct {
	start  time.Time // the clock's time at real time origin
	origin time.Time // the wall-clock reading when the clock was made
	factor float64
}

// NewScaled returns a clock that reads start now and then runs factor times
// faster than the wall clock. factor must be at least 1.
func NewScaled(start time.Time, factor float64) *Scaled {
	return &Scaled{start: start, origin: time.Now(), factor: max(factor, 1)}
}

// Now returns the scaled time.
func (s *Scaled) Now() time.Time {
	return s.start.Add(time.Duration(float64(time.Since(s.origin)) * s.factor))
}

// Real converts a duration on this clock to wall-clock time.
func (s *Scaled) Real(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.factor)
}

// Sleep waits until the clock has moved on by d, or until ctx ends; it returns
// ctx's error in that case.
func (s *Scaled) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	deadline := s.Now().Add(d)
	for {
		left := deadline.Sub(s.Now())
		if left <= 0 {
			return nil
		}
		t := time.NewTimer(s.Real(left) + time.Microsecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
