package tango

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// cachedToken is one access token as the cache holds it. Its pointer identity is what
// apply hands the pipeline and invalidate gets back, so a 401 drops exactly the token
// that was refused (compare-and-swap).
type cachedToken struct {
	access   Secret
	obtained time.Time
	expiry   time.Time
	fp       string // fingerprint of the credentials that obtained it
}

func (t *cachedToken) lifetime() time.Duration { return t.expiry.Sub(t.obtained) }

// usableUntil is when callers stop using the token and wait for a new one: a little
// before expiry, so that a request sent just before it does not arrive just after.
func (t *cachedToken) usableUntil() time.Time {
	margin := min(30*time.Second, t.lifetime()/10)
	return t.expiry.Add(-margin)
}

// tokenSource is what the cache needs from the OAuth 2.0 authenticator.
type tokenSource interface {
	// credentials consults the credentials provider.
	credentials(ctx context.Context) (*credSnapshot, error)
	// exchange asks the token endpoint for a token with those credentials.
	exchange(ctx context.Context, creds *credSnapshot) (*cachedToken, error)
	// storeKey is the TokenStore key for those credentials.
	storeKey(creds *credSnapshot) string
}

// tokenCache holds a client's current token and renews it. It is the SDK's own
// replacement for x/oauth2's ReuseTokenSource:
//
//   - single flight: one fetch at a time; every caller that needs a token while it
//     runs waits for it and gets its token or its error;
//   - refresh ahead: inside the refresh window a fetch starts in the background and
//     callers keep the current token;
//   - the shared fetch runs on the cache's own context (cancelled only by close), so
//     no single caller's cancellation kills it; each caller waits on its own context;
//   - a failed refresh keeps serving a still-valid token and backs off; without a
//     usable token the last error is returned until the backoff ends (no loops, in
//     particular not on a quota refusal);
//   - invalidate drops the refused token only if it is still the current one.
type tokenCache struct {
	tokenCacheConfig

	bg   context.Context // parent of every fetch; cancelled by close
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu       sync.Mutex
	cur      *cachedToken
	rejected *cachedToken // the last token Tango refused; never adopted from the store again
	flight   *tokenFlight
	failures int
	lastErr  error
	nextTry  time.Time
	closed   bool
}

// tokenFlight is one fetch in progress; done closes when tok/err are set.
type tokenFlight struct {
	done chan struct{}
	tok  *cachedToken
	err  error
}

// tokenCacheConfig is what a tokenCache is built from.
type tokenCacheConfig struct {
	src          tokenSource
	store        TokenStore // may be nil
	storeTimeout time.Duration
	clock        Clock
	logger       *slog.Logger
	window       time.Duration           // 0: proportional default
	stale        func(*cachedToken) bool // true when the credentials rotated since
}

func newTokenCache(cfg tokenCacheConfig) *tokenCache {
	bg, stop := context.WithCancel(context.Background())
	if cfg.stale == nil {
		cfg.stale = func(*cachedToken) bool { return false }
	}
	return &tokenCache{tokenCacheConfig: cfg, bg: bg, stop: stop}
}

// refreshAt is when a background refresh of t should start.
func (c *tokenCache) refreshAt(t *cachedToken) time.Time {
	life := t.lifetime()
	w := c.window
	if w == 0 {
		w = max(life/10, MinRefreshWindow)
	}
	w = min(w, life/2)
	return t.expiry.Add(-w)
}

// get returns a usable token, fetching one if needed.
func (c *tokenCache) get(ctx context.Context) (*cachedToken, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, errAuthClosed
	}
	now := c.clock.Now()
	if c.cur != nil && c.stale(c.cur) {
		c.logger.Info("tango: credentials rotated; dropping the cached OAuth token")
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

// startFlight starts a shared fetch; c.mu is held.
func (c *tokenCache) startFlight() *tokenFlight {
	f := &tokenFlight{done: make(chan struct{})}
	c.flight = f
	c.wg.Add(1)
	go c.run(f)
	return f
}

// run performs one fetch and publishes its result.
func (c *tokenCache) run(f *tokenFlight) {
	defer c.wg.Done()
	tok, err := c.obtain(c.bg)

	c.mu.Lock()
	now := c.clock.Now()
	if err == nil {
		c.cur = tok
		c.failures, c.lastErr, c.nextTry = 0, nil, time.Time{}
	} else {
		if c.closed {
			err = errAuthClosed
		}
		c.failures++
		c.lastErr = err
		c.nextTry = now.Add(failureBackoff(err, c.failures))
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
		c.logger.Warn("tango: OAuth token refresh failed; still using the current token",
			slog.String("error", lastErr.Error()), slog.Time("next_try", nextTry))
	} else if f.err != nil {
		c.logger.Warn("tango: OAuth token fetch failed",
			slog.String("error", f.err.Error()), slog.Time("next_try", nextTry))
	} else {
		c.logger.Debug("tango: obtained an OAuth token", slog.Time("expiry", tok.expiry))
	}
}

// obtain finds a new token: from the store if another process (or an earlier run)
// saved a good one, else from the token endpoint, saving it for the next.
func (c *tokenCache) obtain(ctx context.Context) (*cachedToken, error) {
	creds, err := c.src.credentials(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.cur != nil && c.cur.fp != creds.fp() {
		// The provider hands out new credentials: a rotation. Tokens the old ones
		// obtained are dropped, even if the fetch below fails.
		c.logger.Info("tango: credentials rotated; dropping the cached OAuth token")
		c.cur = nil
	}
	rejected := c.rejected
	c.mu.Unlock()

	var key string
	if c.store != nil {
		key = c.src.storeKey(creds)
		if t := c.loadStored(ctx, key, creds, rejected); t != nil {
			return t, nil
		}
	}
	tok, err := c.exchangeRetrying(ctx, creds)
	if err != nil {
		return nil, err
	}
	if c.store != nil {
		st := &StoredToken{AccessToken: tok.access, ObtainedAt: tok.obtained, Expiry: tok.expiry, Fingerprint: tok.fp}
		sctx, cancel := context.WithTimeout(ctx, c.storeTimeout)
		err := c.store.Save(sctx, key, st)
		cancel()
		if err != nil {
			c.logger.Warn("tango: could not save the OAuth token to the token store", slog.String("error", err.Error()))
		}
	}
	return tok, nil
}

// loadStored returns the stored token for key if it was obtained with creds, is not
// the one Tango refused, and has time left before its own refresh window.
func (c *tokenCache) loadStored(ctx context.Context, key string, creds *credSnapshot, rejected *cachedToken) *cachedToken {
	ctx, cancel := context.WithTimeout(ctx, c.storeTimeout)
	defer cancel()
	st, err := c.store.Load(ctx, key)
	if err != nil {
		c.logger.Warn("tango: could not read the token store; fetching a new token", slog.String("error", err.Error()))
		return nil
	}
	if st == nil || st.AccessToken.IsZero() || st.Fingerprint != creds.fp() || !st.Expiry.After(st.ObtainedAt) {
		return nil
	}
	if rejected != nil && rejected.access.Reveal() == st.AccessToken.Reveal() {
		return nil
	}
	t := &cachedToken{access: st.AccessToken, obtained: st.ObtainedAt, expiry: st.Expiry, fp: st.Fingerprint}
	if !c.clock.Now().Before(c.refreshAt(t)) {
		return nil
	}
	c.logger.Debug("tango: using the OAuth token from the token store", slog.Time("expiry", t.expiry))
	return t
}

// invalidate drops used if it is still the current token, and reports whether a
// replay with a fresh token makes sense.
func (c *tokenCache) invalidate(used *cachedToken) bool {
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
		c.logger.Info("tango: Tango refused the OAuth token (401); fetching a new one")
	}
	return true
}

// close cancels a fetch in progress and waits for it.
func (c *tokenCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stop()
	c.wg.Wait()
}

// failureBackoff is how long after a failed fetch the next one may start. A quota
// refusal waits minutes (the quota is counted in hours); other failures start at a
// second. Both double with each failure in a row, with jitter, up to a cap.
func failureBackoff(err error, failures int) time.Duration {
	base, ceiling := time.Second, time.Minute
	if errors.Is(err, ErrTokenQuota) {
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

// tokenFetchAttempts is how often one fetch asks the token endpoint when it fails
// transiently; tokenFetchFirstWait is the backoff ceiling before the second ask
// (doubled after each, with jitter).
const (
	tokenFetchAttempts  = 3
	tokenFetchFirstWait = 500 * time.Millisecond
)

// exchangeRetrying asks the token endpoint, asking again after a transient
// failure (a 5xx, or no answer at all) as a read would be retried. Callers wait
// for the shared fetch on their own contexts, so each still gives up at its own
// deadline. Refusals (bad credentials, the quota) are never asked again here.
func (c *tokenCache) exchangeRetrying(ctx context.Context, creds *credSnapshot) (*cachedToken, error) {
	ceiling := tokenFetchFirstWait
	for attempt := 1; ; attempt++ {
		tok, err := c.src.exchange(ctx, creds)
		if err == nil || attempt >= tokenFetchAttempts || ctx.Err() != nil || !transientTokenError(err) {
			return tok, err
		}
		delay := ceiling/2 + rand.N(ceiling/2+1)
		c.logger.Debug("tango: OAuth token fetch failed; asking again",
			slog.Int("attempt", attempt), slog.Duration("delay", delay), slog.String("error", err.Error()))
		if c.clock.Sleep(ctx, delay) != nil {
			return nil, err
		}
		ceiling *= 2
	}
}

// transientTokenError reports a token fetch failure that asking again may cure:
// a 5xx answer, or no answer (a timeout, a refused or lost connection) other
// than an untrusted certificate.
func transientTokenError(err error) bool {
	var te *TokenError
	if !errors.As(err, &te) || te.quota {
		return false
	}
	switch te.StatusCode {
	case 500, 502, 503, 504:
		return true
	case 0:
		return te.Err != nil && !errors.Is(te.Err, ErrUntrustedServer)
	}
	return false
}
