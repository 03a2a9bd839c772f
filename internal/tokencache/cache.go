package tokencache

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Source is what the cache needs from the OAuth 2.0 authenticator; C is its
// credentials (one version of them, as a provider handed them out).
type Source[C any] interface {
	// Credentials consults the credentials provider.
	Credentials(ctx context.Context) (C, error)
	// Fingerprint identifies creds without revealing them: a token obtained with
	// other credentials is not used.
	Fingerprint(creds C) string
	// Exchange asks the token endpoint for a token with creds.
	Exchange(ctx context.Context, creds C) (*Token, error)
	// StoreKey is the Store key for creds.
	StoreKey(creds C) string
}

// Store keeps tokens between processes (tango.TokenStore, adapted).
type Store interface {
	// Load returns the token saved under key, or nil.
	Load(ctx context.Context, key string) (*Token, error)
	// Save saves t under key.
	Save(ctx context.Context, key string, t *Token) error
}

// Clock is the client's view of time (tango.Clock).
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// Config is what a Cache is built from.
type Config[C any] struct {
	Source       Source[C]
	Store        Store // may be nil
	StoreTimeout time.Duration
	Clock        Clock
	Logger       *slog.Logger
	Window       time.Duration     // how long before expiry a refresh starts; 0: proportional default
	MinWindow    time.Duration     // the proportional default's floor (tango.MinRefreshWindow)
	Stale        func(*Token) bool // true when the credentials rotated since; nil: never
	Closed       error             // what Get returns once the cache is closed
	Quota        func(error) bool  // a quota refusal, which backs off in minutes; nil: none is
	Transient    func(error) bool  // a fetch failure that asking again may cure; nil: none is
}

// Cache holds a client's current token and renews it. It is the SDK's own
// replacement for x/oauth2's ReuseTokenSource:
//
//   - single flight: one fetch at a time; every caller that needs a token while it
//     runs waits for it and gets its token or its error;
//   - refresh ahead: inside the refresh window a fetch starts in the background and
//     callers keep the current token;
//   - the shared fetch runs on the cache's own context (cancelled only by Close), so
//     no single caller's cancellation kills it; each caller waits on its own context;
//   - a failed refresh keeps serving a still-valid token and backs off; without a
//     usable token the last error is returned until the backoff ends (no loops, in
//     particular not on a quota refusal);
//   - Invalidate drops the refused token only if it is still the current one.
type Cache[C any] struct {
	cfg Config[C]

	bg   context.Context // parent of every fetch; cancelled by Close
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu       sync.Mutex
	cur      *Token
	rejected *Token // the last token Tango refused; never adopted from the store again
	flight   *flight
	failures int
	lastErr  error
	nextTry  time.Time
	closed   bool
}

// flight is one fetch in progress; done closes when tok/err are set.
type flight struct {
	done chan struct{}
	tok  *Token
	err  error
}

// New returns an empty cache; the first Get fetches a token.
func New[C any](cfg Config[C]) *Cache[C] {
	if cfg.Stale == nil {
		cfg.Stale = func(*Token) bool { return false }
	}
	if cfg.Quota == nil {
		cfg.Quota = func(error) bool { return false }
	}
	if cfg.Transient == nil {
		cfg.Transient = func(error) bool { return false }
	}
	c := &Cache[C]{cfg: cfg}
	c.bg, c.stop = context.WithCancel(context.Background()) //nolint:gosec // G118: Close calls c.stop; gosec does not follow it through the generic type
	return c
}

// refreshAt is when a background refresh of t should start.
func (c *Cache[C]) refreshAt(t *Token) time.Time {
	life := t.Lifetime()
	w := c.cfg.Window
	if w == 0 {
		w = max(life/10, c.cfg.MinWindow)
	}
	w = min(w, life/2)
	return t.Expiry.Add(-w)
}

// Get returns a usable token, fetching one if needed. It waits for a fetch on
// ctx, and returns ctx's error if ctx ends first; the shared fetch goes on.
func (c *Cache[C]) Get(ctx context.Context) (*Token, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, c.cfg.Closed
	}
	now := c.cfg.Clock.Now()
	if c.cur != nil && c.cfg.Stale(c.cur) {
		c.cfg.Logger.Info("tango: credentials rotated; dropping the cached OAuth token")
		c.cur = nil
	}
	if t := c.cur; t != nil && now.Before(t.usableUntil()) {
		if c.flight == nil && !now.Before(c.refreshAt(t)) && !now.Before(c.nextTry) {
			c.startFlight()
		}
		c.mu.Unlock()
		return t, nil
	}
	f := c.flight
	if f == nil {
		if c.lastErr != nil && now.Before(c.nextTry) {
			err := c.lastErr
			c.mu.Unlock()
			return nil, err
		}
		f = c.startFlight()
	}
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Current returns the token the cache holds now, or nil, without fetching.
func (c *Cache[C]) Current() *Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

// HasStore reports whether the cache shares tokens through a Store.
func (c *Cache[C]) HasStore() bool { return c.cfg.Store != nil }

// startFlight starts a shared fetch; c.mu is held.
func (c *Cache[C]) startFlight() *flight {
	f := &flight{done: make(chan struct{})}
	c.flight = f
	c.wg.Add(1)
	go c.run(f)
	return f
}

// run performs one fetch and publishes its result.
func (c *Cache[C]) run(f *flight) {
	defer c.wg.Done()
	tok, err := c.obtain(c.bg)

	c.mu.Lock()
	now := c.cfg.Clock.Now()
	if err == nil {
		c.cur = tok
		c.failures, c.lastErr, c.nextTry = 0, nil, time.Time{}
	} else {
		if c.closed {
			err = c.cfg.Closed
		}
		c.failures++
		c.lastErr = err
		c.nextTry = now.Add(failureBackoff(c.cfg.Quota(err), c.failures))
		if t := c.cur; t != nil && now.Before(t.usableUntil()) {
			// Keep serving the valid token; try again after the backoff, but no
			// later than when the token stops being usable.
			if t.usableUntil().Before(c.nextTry) {
				c.nextTry = t.usableUntil()
			}
			tok, err = t, nil
		}
	}
	c.flight = nil
	f.tok, f.err = tok, err
	close(f.done)
	lastErr, nextTry := c.lastErr, c.nextTry
	c.mu.Unlock()

	if lastErr != nil && f.err == nil {
		c.cfg.Logger.Warn("tango: OAuth token refresh failed; still using the current token",
			slog.String("error", lastErr.Error()), slog.Time("next_try", nextTry))
	} else if f.err != nil {
		c.cfg.Logger.Warn("tango: OAuth token fetch failed",
			slog.String("error", f.err.Error()), slog.Time("next_try", nextTry))
	} else {
		c.cfg.Logger.Debug("tango: obtained an OAuth token", slog.Time("expiry", tok.Expiry))
	}
}

// obtain finds a new token: from the store if another process (or an earlier run)
// saved a good one, else from the token endpoint, saving it for the next.
func (c *Cache[C]) obtain(ctx context.Context) (*Token, error) {
	creds, err := c.cfg.Source.Credentials(ctx)
	if err != nil {
		return nil, err
	}
	fp := c.cfg.Source.Fingerprint(creds)
	c.mu.Lock()
	if c.cur != nil && c.cur.Fingerprint != fp {
		// The provider hands out new credentials: a rotation. Tokens the old ones
		// obtained are dropped, even if the fetch below fails.
		c.cfg.Logger.Info("tango: credentials rotated; dropping the cached OAuth token")
		c.cur = nil
	}
	rejected := c.rejected
	c.mu.Unlock()

	var key string
	if c.cfg.Store != nil {
		key = c.cfg.Source.StoreKey(creds)
		if t := c.loadStored(ctx, key, fp, rejected); t != nil {
			return t, nil
		}
	}
	tok, err := c.exchangeRetrying(ctx, creds)
	if err != nil {
		return nil, err
	}
	if c.cfg.Store != nil {
		sctx, cancel := context.WithTimeout(ctx, c.cfg.StoreTimeout)
		err := c.cfg.Store.Save(sctx, key, tok)
		cancel()
		if err != nil {
			c.cfg.Logger.Warn("tango: could not save the OAuth token to the token store", slog.String("error", err.Error()))
		}
	}
	return tok, nil
}

// loadStored returns the stored token for key if it was obtained with the
// credentials fingerprinted fp, is not the one Tango refused, and has time left
// before its own refresh window.
func (c *Cache[C]) loadStored(ctx context.Context, key, fp string, rejected *Token) *Token {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.StoreTimeout)
	defer cancel()
	t, err := c.cfg.Store.Load(ctx, key)
	if err != nil {
		c.cfg.Logger.Warn("tango: could not read the token store; fetching a new token", slog.String("error", err.Error()))
		return nil
	}
	if t == nil || t.Access == nil || t.Access.IsZero() || t.Fingerprint != fp || !t.Expiry.After(t.Obtained) {
		return nil
	}
	if rejected != nil && rejected.Access.Reveal() == t.Access.Reveal() {
		return nil
	}
	if !c.cfg.Clock.Now().Before(c.refreshAt(t)) {
		return nil
	}
	c.cfg.Logger.Debug("tango: using the OAuth token from the token store", slog.Time("expiry", t.Expiry))
	return t
}

// Invalidate drops used if it is still the current token, and reports whether a
// replay with a fresh token makes sense.
func (c *Cache[C]) Invalidate(used *Token) bool {
	if used == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.rejected = used
	if c.cur == used {
		c.cur = nil
		c.cfg.Logger.Info("tango: Tango refused the OAuth token (401); fetching a new one")
	}
	return true
}

// Close cancels a fetch in progress and waits for it. Get then returns
// Config.Closed.
func (c *Cache[C]) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stop()
	c.wg.Wait()
}

// failureBackoff is how long after a failed fetch the next one may start. A quota
// refusal waits minutes (the quota is counted in hours); other failures start at a
// second. Both double with each failure in a row, with jitter, up to a cap.
func failureBackoff(quota bool, failures int) time.Duration {
	base, ceiling := time.Second, time.Minute
	if quota {
		base, ceiling = time.Minute, 30*time.Minute
	}
	d := base
	for i := 1; i < failures && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	// Jitter in [d/2, d], so replicas that failed together do not return together.
	return d/2 + rand.N(d/2+1)
}

// fetchAttempts is how often one fetch asks the token endpoint when it fails
// transiently; fetchFirstWait is the backoff ceiling before the second ask
// (doubled after each, with jitter).
const (
	fetchAttempts  = 3
	fetchFirstWait = 500 * time.Millisecond
)

// exchangeRetrying asks the token endpoint, asking again after a transient
// failure (Config.Transient: a 5xx, or no answer at all) as a read would be
// retried. Callers wait for the shared fetch on their own contexts, so each still
// gives up at its own deadline. Refusals (bad credentials, the quota) are never
// asked again here.
func (c *Cache[C]) exchangeRetrying(ctx context.Context, creds C) (*Token, error) {
	ceiling := fetchFirstWait
	for attempt := 1; ; attempt++ {
		tok, err := c.cfg.Source.Exchange(ctx, creds)
		if err == nil || attempt >= fetchAttempts || ctx.Err() != nil || !c.cfg.Transient(err) {
			return tok, err
		}
		delay := ceiling/2 + rand.N(ceiling/2+1)
		c.cfg.Logger.Debug("tango: OAuth token fetch failed; asking again",
			slog.Int("attempt", attempt), slog.Duration("delay", delay), slog.String("error", err.Error()))
		if c.cfg.Clock.Sleep(ctx, delay) != nil {
			return nil, err
		}
		ceiling *= 2
	}
}
