package tangotest

import (
	"context"
	"sync"
)

// holds counts the requests Latency faults held and those whose client gave up
// during the hold, and wakes whoever waits for a count (WaitHeld, WaitAbandoned).
// The zero value is ready.
type holds struct {
	mu        sync.Mutex
	held      int
	abandoned int
	changed   chan struct{} // closed and replaced on every change
}

// add counts held and abandoned requests and wakes the waiters.
func (h *holds) add(held, abandoned int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held += held
	h.abandoned += abandoned
	if h.changed != nil {
		close(h.changed)
	}
	h.changed = make(chan struct{})
}

// wait blocks until reached (called with h.mu held) reports true, or ctx ends.
func (h *holds) wait(ctx context.Context, reached func() bool) error {
	for {
		h.mu.Lock()
		if reached() {
			h.mu.Unlock()
			return nil
		}
		if h.changed == nil {
			h.changed = make(chan struct{})
		}
		changed := h.changed
		h.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitHeld blocks until Latency and LatencyAfterCommit faults have held n requests
// in all (those held now and those held before), or until ctx ends; then it returns
// ctx's error. A test can let its client give up once the fake holds the request,
// instead of on a deadline that a loaded machine may reach before the request is
// even sent.
func (s *Server) WaitHeld(ctx context.Context, n int) error {
	return s.holds.wait(ctx, func() bool { return s.holds.held >= n })
}

// WaitAbandoned blocks until n requests were abandoned during a Latency or
// LatencyAfterCommit hold: their client left (or the server closed) before the
// hold ended, so the fake dropped them without an answer and, for Latency, without
// doing their work. It returns ctx's error if ctx ends first. Once it returns,
// those requests are finished at the fake (an order held after commit is no longer
// in flight), so a test can check the fake's state without sleeping past the hold.
func (s *Server) WaitAbandoned(ctx context.Context, n int) error {
	return s.holds.wait(ctx, func() bool { return s.holds.abandoned >= n })
}
