package tango

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultCatalogTTL is the refresh interval Tango's guidance implies: fetch the
// catalog at most twice a day.
const DefaultCatalogTTL = 12 * time.Hour

// CatalogCache keeps the platform's catalog in memory and fetches it again once it
// is older than its TTL, so that looking items up per order costs no catalog call:
// Tango asks platforms to call GET /catalogs at most semi-daily (DefaultCatalogTTL).
//
// Refreshes are single-flight: however many goroutines ask at once, one request is
// made and all of them get its result. A caller whose context ends stops waiting
// at once; if it was the one fetching, the next waiter fetches in its place. A
// failed refresh returns its error and keeps the previous catalog, which Cached
// still returns, for callers that prefer a stale catalog to none.
//
// The cache reads the time from the client's Clock (WithClock). It is safe for
// concurrent use. The *Catalog it returns is shared by every caller: treat it as
// read-only.
type CatalogCache struct {
	svc *CatalogService
	ttl time.Duration

	mu      sync.Mutex
	cat     *Catalog
	fetched time.Time
	flight  *catalogFlight // the refresh in progress, if any
}

// catalogFlight is one refresh that other callers can wait for.
type catalogFlight struct {
	done chan struct{}
	cat  *Catalog
	err  error
}

// NewCatalogCache returns a cache over svc (usually client.Catalog) that keeps the
// full, verbose catalog for ttl. Nothing is fetched until the first call. ttl
// must be positive; DefaultCatalogTTL follows Tango's guidance.
func NewCatalogCache(svc *CatalogService, ttl time.Duration) (*CatalogCache, error) {
	if svc == nil || svc.c == nil {
		return nil, errors.New("tango: NewCatalogCache: nil CatalogService; pass client.Catalog")
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("tango: NewCatalogCache: the TTL must be positive, got %v", ttl)
	}
	return &CatalogCache{svc: svc, ttl: ttl}, nil
}

// Get returns the cached catalog, fetching it first when there is none or it is
// older than the TTL.
func (c *CatalogCache) Get(ctx context.Context) (*Catalog, error) {
	for {
		c.mu.Lock()
		if c.cat != nil && c.svc.c.clock.Now().Before(c.fetched.Add(c.ttl)) {
			cat := c.cat
			c.mu.Unlock()
			return cat, nil
		}
		if f := c.flight; f != nil {
			c.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("tango: waiting for the catalog: %w", ctx.Err())
			}
			if f.err == nil {
				return f.cat, nil
			}
			if isContextError(f.err) && ctx.Err() == nil {
				continue // the fetching caller gave up; fetch in its place
			}
			return nil, f.err
		}
		f := &catalogFlight{done: make(chan struct{})}
		c.flight = f
		c.mu.Unlock()
		return c.refresh(ctx, f)
	}
}

// refresh fetches the catalog for the flight f, which this caller leads.
func (c *CatalogCache) refresh(ctx context.Context, f *catalogFlight) (*Catalog, error) {
	cat, err := c.svc.Get(ctx, nil)
	c.mu.Lock()
	if err == nil {
		c.cat, c.fetched = cat, c.svc.c.clock.Now()
	}
	f.cat, f.err = cat, err
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
	return cat, err
}

// isContextError reports whether err came from a context ending.
func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// FindItem returns an item of the cached catalog by utid, with its brand. The
// error wraps ErrItemNotFound when the catalog has no such item; an item added
// at Tango since the last refresh shows up after the next one (or after
// Invalidate).
func (c *CatalogCache) FindItem(ctx context.Context, utid string) (CatalogItem, error) {
	var v validator
	v.utid("utid", utid)
	if err := v.err(); err != nil {
		return CatalogItem{}, err
	}
	cat, err := c.Get(ctx)
	if err != nil {
		return CatalogItem{}, err
	}
	found, ok := cat.Find(utid)
	if !ok {
		return CatalogItem{}, fmt.Errorf("%w: %s", ErrItemNotFound, utid)
	}
	return found, nil
}

// Cached returns the catalog held now and when it was fetched, without fetching;
// nil when there is none. It may be older than the TTL (after a failed refresh).
func (c *CatalogCache) Cached() (*Catalog, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cat, c.fetched
}

// Invalidate makes the next Get fetch the catalog again. Cached keeps returning
// the old catalog until then.
func (c *CatalogCache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetched = time.Time{}
}
