package webhook

import (
	"context"
	"errors"
	"sync"
)

// Claim is the answer of Store.Claim.
type Claim int

const (
	// ClaimNew says the caller now owns the event and must Release or Complete it.
	ClaimNew Claim = iota
	// ClaimDone says the event was already processed; acknowledge it again.
	ClaimDone
	// ClaimBusy says another delivery of the event is being processed right now.
	ClaimBusy
)

// Store remembers which events were processed and which revision was last
// applied per entity, so that redeliveries are dropped and stale events can be
// recognised. Implementations must be safe for concurrent use; a fleet of
// receivers shares one (the redis module provides one). Claims held by a
// receiver that died should expire in a shared store.
type Store interface {
	// Claim marks eventID as being processed, atomically: ClaimNew for the first
	// claim, ClaimBusy while another claim holds it, ClaimDone once completed.
	Claim(ctx context.Context, eventID string) (Claim, error)
	// Release drops a claim whose processing failed, so that Tango's next
	// delivery of the event is processed.
	Release(ctx context.Context, eventID string) error
	// Complete records eventID as processed, for as long as the store keeps
	// events (redeliveries within that time are dropped).
	Complete(ctx context.Context, eventID string) error
	// Revision returns the last revision recorded for entity; ok is false when
	// none was.
	Revision(ctx context.Context, entity string) (rev int64, ok bool, err error)
	// Advance records rev for entity when it is larger than the recorded one.
	Advance(ctx context.Context, entity string, rev int64) error
}

// DefaultMemoryEvents is how many processed eventIds a MemoryStore remembers
// unless NewMemoryStoreSize says otherwise.
const DefaultMemoryEvents = 100_000

// MemoryStore is the in-process Store: enough for one receiver. It remembers
// the last DefaultMemoryEvents processed eventIds (the oldest are forgotten
// first) and every entity's revision; all is lost on restart.
type MemoryStore struct {
	mu       sync.Mutex
	max      int
	state    map[string]bool // eventID: true done, false in progress
	done     []string        // completed eventIDs, oldest first (ring)
	next     int
	revision map[string]int64
}

// NewMemoryStore returns an empty MemoryStore of DefaultMemoryEvents.
func NewMemoryStore() *MemoryStore { return newMemoryStore(DefaultMemoryEvents) }

// NewMemoryStoreSize returns an empty MemoryStore that remembers at most n
// processed eventIds (n at least 1).
func NewMemoryStoreSize(n int) (*MemoryStore, error) {
	if n < 1 {
		return nil, errors.New("webhook: NewMemoryStoreSize needs n >= 1")
	}
	return newMemoryStore(n), nil
}

func newMemoryStore(n int) *MemoryStore {
	return &MemoryStore{max: n, state: map[string]bool{}, revision: map[string]int64{}}
}

// Claim implements Store.
func (m *MemoryStore) Claim(_ context.Context, eventID string) (Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	done, ok := m.state[eventID]
	switch {
	case !ok:
		m.state[eventID] = false
		return ClaimNew, nil
	case done:
		return ClaimDone, nil
	default:
		return ClaimBusy, nil
	}
}

// Release implements Store.
func (m *MemoryStore) Release(_ context.Context, eventID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if done, ok := m.state[eventID]; ok && !done {
		delete(m.state, eventID)
	}
	return nil
}

// Complete implements Store.
func (m *MemoryStore) Complete(_ context.Context, eventID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if done := m.state[eventID]; done {
		return nil
	}
	m.state[eventID] = true
	if len(m.done) < m.max {
		m.done = append(m.done, eventID)
		return nil
	}
	delete(m.state, m.done[m.next])
	m.done[m.next] = eventID
	m.next = (m.next + 1) % m.max
	return nil
}

// Revision implements Store.
func (m *MemoryStore) Revision(_ context.Context, entity string) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.revision[entity]
	return r, ok, nil
}

// Advance implements Store.
func (m *MemoryStore) Advance(_ context.Context, entity string, rev int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.revision[entity]; !ok || rev > r {
		m.revision[entity] = rev
	}
	return nil
}
