package tangotest

import "sync"

// tracker counts running things (handlers, connections) so that Close can wait for
// all of them. Unlike sync.WaitGroup it can refuse newcomers once closing has begun.
type tracker struct {
	mu     sync.Mutex
	cond   *sync.Cond
	n      int
	closed bool
}

func (t *tracker) init() {
	if t.cond == nil {
		t.cond = sync.NewCond(&t.mu)
	}
}

// enter registers one more running thing, or reports false when closing has begun.
func (t *tracker) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	if t.closed {
		return false
	}
	t.n++
	return true
}

// forceEnter registers one more running thing even while closing: a connection the
// server accepted must still be waited for.
func (t *tracker) forceEnter() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	t.n++
}

// leave unregisters one running thing.
func (t *tracker) leave() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	t.n--
	if t.n <= 0 {
		t.cond.Broadcast()
	}
}

// close refuses newcomers from now on.
func (t *tracker) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	t.closed = true
}

// wait blocks until nothing is running.
func (t *tracker) wait() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	for t.n > 0 {
		t.cond.Wait()
	}
}
