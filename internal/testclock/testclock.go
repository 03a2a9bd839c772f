// Package testclock provides a fake tango.Clock for tests: waits return at once
// (or when told to, block until their context ends) and every requested delay is
// recorded, so tests can check retry and refresh timing without sleeping.
package testclock

import (
	"context"
	"sync"
	"time"
)

// Clock is a fake clock that satisfies tango.Clock. Its time moves only when a
// Sleep asks it to (by the requested delay) or when the test calls Advance or Set.
// All methods are safe for concurrent use.
//
// By default Sleep records the delay, advances the clock by it and returns nil at
// once; if the context is already done it returns the context's error instead.
// After SetBlocking(true), Sleep records the delay and then blocks until its
// context ends, which lets a test prove that a wait stops when the caller cancels.
type Clock struct {
	mu       sync.Mutex
	now      time.Time
	sleeps   []time.Duration
	blocking bool
	onSleep  func(time.Duration)
}

// New returns a fake clock whose time starts at start. Tests that combine the
// clock with real context deadlines should start it at time.Now().
func New(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and then, unless the clock is blocking, advances the time by d
// and returns nil. It returns ctx.Err() without advancing when ctx is already done,
// and in blocking mode it waits for ctx to end and returns its error. A hook set
// with OnSleep runs first, outside the clock's lock.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	hook, blocking := c.onSleep, c.blocking
	c.mu.Unlock()
	if hook != nil {
		hook(d)
	}
	if blocking {
		<-ctx.Done()
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the clock forward by d (backwards when d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Sleeps returns a copy of every delay passed to Sleep so far, in call order.
func (c *Clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// Reset forgets the recorded delays; the time stays where it is.
func (c *Clock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = nil
}

// SetBlocking makes later Sleeps wait for their context to end (true) or return
// at once (false, the default).
func (c *Clock) SetBlocking(blocking bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.blocking = blocking
}

// OnSleep installs f, which every later Sleep calls with its delay before it
// waits (for example to cancel the caller's context). A nil f removes the hook.
func (c *Clock) OnSleep(f func(time.Duration)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onSleep = f
}
