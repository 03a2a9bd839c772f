package tokencache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tango-sdk/tango-go/internal/testclock"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var (
	errClosed    = errors.New("closed")
	errQuota     = errors.New("quota")
	errTransient = errors.New("503")
	errRefused   = errors.New("invalid_client")
)

// secret is an Access for tests.
type secret string

func (s secret) Reveal() string { return string(s) }
func (s secret) IsZero() bool   { return s == "" }

// creds are a source's credentials: their fingerprint is their value.
type creds string

// source is a fake token endpoint: each Exchange issues "tok-N" for life, or
// returns the next planned error.
type source struct {
	clock *testclock.Clock
	life  time.Duration
	fp    atomic.Value  // creds the provider hands out
	gate  chan struct{} // if not nil, Exchange waits for it

	mu        sync.Mutex
	exchanges int
	errs      []error
}

func newSource(clock *testclock.Clock) *source {
	s := &source{clock: clock, life: time.Hour}
	s.fp.Store(creds("v1"))
	return s
}

func (s *source) Credentials(context.Context) (creds, error) { return s.fp.Load().(creds), nil }
func (s *source) Fingerprint(c creds) string                 { return string(c) }
func (s *source) StoreKey(creds) string                      { return "key" }

func (s *source) Exchange(ctx context.Context, c creds) (*Token, error) {
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exchanges++
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		if err != nil {
			return nil, err
		}
	}
	now := s.clock.Now()
	return &Token{Access: secret(fmt.Sprintf("tok-%d", s.exchanges)), Obtained: now, Expiry: now.Add(s.life), Fingerprint: string(c)}, nil
}

func (s *source) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exchanges
}

// memStore is a Store in memory.
type memStore struct {
	mu    sync.Mutex
	m     map[string]*Token
	saves int
}

func (m *memStore) Load(_ context.Context, key string) (*Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[key], nil
}

func (m *memStore) Save(_ context.Context, key string, t *Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[key] = t
	m.saves++
	return nil
}

func newCache(t *testing.T, src *source, store Store, window time.Duration) *Cache[creds] {
	t.Helper()
	c := New(Config[creds]{
		Source: src, Store: store, StoreTimeout: time.Second, Clock: src.clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Window: window, MinWindow: 5 * time.Minute,
		Closed:    errClosed,
		Quota:     func(err error) bool { return errors.Is(err, errQuota) },
		Transient: func(err error) bool { return errors.Is(err, errTransient) },
	})
	t.Cleanup(c.Close)
	return c
}

func TestRefreshAt(t *testing.T) {
	tests := []struct {
		name   string
		window time.Duration
		life   time.Duration
		want   time.Duration // before expiry
	}{
		{"proportional: a tenth of a day", 0, 24 * time.Hour, 144 * time.Minute},
		{"proportional, at least the floor", 0, 30 * time.Minute, 5 * time.Minute},
		{"configured window", 10 * time.Minute, 24 * time.Hour, 10 * time.Minute},
		{"never more than half the lifetime", 2 * time.Hour, time.Hour, 30 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(t, newSource(testclock.New(epoch)), nil, tc.window)
			tok := &Token{Obtained: epoch, Expiry: epoch.Add(tc.life)}
			assert.Equal(t, tok.Expiry.Add(-tc.want), c.refreshAt(tok))
		})
	}
}

func TestFailureBackoff(t *testing.T) {
	tests := []struct {
		name     string
		quota    bool
		failures int
		ceiling  time.Duration
	}{
		{"first failure", false, 1, time.Second},
		{"third failure doubles twice", false, 3, 4 * time.Second},
		{"capped at a minute", false, 20, time.Minute},
		{"quota: minutes", true, 1, time.Minute},
		{"quota: capped at half an hour", true, 20, 30 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 50 {
				d := failureBackoff(tc.quota, tc.failures)
				assert.GreaterOrEqual(t, d, tc.ceiling/2)
				assert.LessOrEqual(t, d, tc.ceiling)
			}
		})
	}
}

func TestGetSharesOneFetch(t *testing.T) {
	src := newSource(testclock.New(epoch))
	src.gate = make(chan struct{})
	c := newCache(t, src, nil, 0)

	const callers = 16
	got := make([]*Token, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			tok, err := c.Get(t.Context())
			assert.NoError(t, err)
			got[i] = tok
		})
	}
	close(src.gate)
	wg.Wait()
	assert.Equal(t, 1, src.count(), "one fetch for every waiting caller")
	for _, tok := range got {
		assert.Same(t, got[0], tok)
	}
}

func TestGetGivesUpOnItsOwnContextOnly(t *testing.T) {
	src := newSource(testclock.New(epoch))
	src.gate = make(chan struct{})
	c := newCache(t, src, nil, 0)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Get(ctx)
	require.ErrorIs(t, err, context.Canceled)

	close(src.gate) // the shared fetch went on
	tok, err := c.Get(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Access.Reveal())
	assert.Equal(t, 1, src.count())
}

func TestRefreshAheadKeepsServingTheCurrentToken(t *testing.T) {
	clock := testclock.New(epoch)
	src := newSource(clock)
	c := newCache(t, src, nil, 0)
	first, err := c.Get(t.Context())
	require.NoError(t, err)

	src.gate = make(chan struct{})
	clock.Advance(56 * time.Minute) // inside the 6-minute window, still usable
	tok, err := c.Get(t.Context())
	require.NoError(t, err)
	assert.Same(t, first, tok, "the current token, while the refresh runs")
	close(src.gate)
	require.Eventually(t, func() bool { return c.Current() != first }, 5*time.Second, time.Millisecond)
	assert.Equal(t, "tok-2", c.Current().Access.Reveal())
}

func TestInvalidateDropsOnlyTheRefusedCurrentToken(t *testing.T) {
	src := newSource(testclock.New(epoch))
	c := newCache(t, src, nil, 0)
	first, err := c.Get(t.Context())
	require.NoError(t, err)

	tests := []struct {
		name       string
		used       *Token
		wantReplay bool
		wantCur    *Token
	}{
		{"nothing used", nil, false, first},
		{"an older token: the current one stays", &Token{Access: secret("old")}, true, first},
		{"the current token: dropped", first, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.wantReplay, c.Invalidate(tc.used))
			assert.Same(t, tc.wantCur, c.Current())
		})
	}
	next, err := c.Get(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", next.Access.Reveal())

	c.Close()
	assert.False(t, c.Invalidate(next), "no replay once closed")
	_, err = c.Get(t.Context())
	assert.ErrorIs(t, err, errClosed)
}

func TestFetchFailures(t *testing.T) {
	tests := []struct {
		name          string
		errs          []error
		wantErr       error
		wantExchanges int
	}{
		{"a refusal is not asked again", []error{errRefused}, errRefused, 1},
		{"a quota refusal is not asked again", []error{errQuota}, errQuota, 1},
		{"transient failures are asked again", []error{errTransient, errTransient}, nil, 3},
		{"at most three asks", []error{errTransient, errTransient, errTransient}, errTransient, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := testclock.New(epoch)
			src := newSource(clock)
			src.errs = tc.errs
			c := newCache(t, src, nil, 0)
			_, err := c.Get(t.Context())
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.wantExchanges, src.count())
			if tc.wantErr == nil {
				return
			}
			// Within the backoff the last error is returned without a fetch.
			_, err = c.Get(t.Context())
			require.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, tc.wantExchanges, src.count(), "no fetch during the backoff")
			clock.Advance(31 * time.Minute)
			_, err = c.Get(t.Context())
			require.NoError(t, err, "a fetch after the backoff")
		})
	}
}

func TestStoreSharesTokens(t *testing.T) {
	fresh := &Token{Access: secret("stored"), Obtained: epoch, Expiry: epoch.Add(time.Hour), Fingerprint: "v1"}
	tests := []struct {
		name       string
		stored     *Token
		rejected   bool // Tango refused the stored token before
		wantAccess string
	}{
		{"a good stored token is used", fresh, false, "stored"},
		{"another credentials' token is not", &Token{Access: secret("stored"), Obtained: epoch, Expiry: epoch.Add(time.Hour), Fingerprint: "v0"}, false, "tok-1"},
		{"an empty token is not", &Token{Access: secret(""), Obtained: epoch, Expiry: epoch.Add(time.Hour), Fingerprint: "v1"}, false, "tok-1"},
		{"a token in its refresh window is not", &Token{Access: secret("stored"), Obtained: epoch.Add(-time.Hour), Expiry: epoch.Add(time.Minute), Fingerprint: "v1"}, false, "tok-1"},
		{"a refused token is not adopted again", fresh, true, "tok-2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := newSource(testclock.New(epoch))
			store := &memStore{m: map[string]*Token{"key": tc.stored}}
			c := newCache(t, src, store, 0)
			if tc.rejected {
				first, err := c.Get(t.Context())
				require.NoError(t, err)
				require.Equal(t, "stored", first.Access.Reveal())
				require.True(t, c.Invalidate(first))
				require.NoError(t, store.Save(t.Context(), "key", tc.stored)) // another replica saved it again
				src.mu.Lock()
				src.exchanges = 1 // the next token the endpoint issues is tok-2
				src.mu.Unlock()
			}
			tok, err := c.Get(t.Context())
			require.NoError(t, err)
			assert.Equal(t, tc.wantAccess, tok.Access.Reveal())
			if tc.wantAccess != "stored" {
				assert.Same(t, tok, store.m["key"], "a fetched token is saved for the others")
			}
		})
	}
}

func TestRotatedCredentialsDropTheToken(t *testing.T) {
	src := newSource(testclock.New(epoch))
	var rotated atomic.Bool
	c := New(Config[creds]{
		Source: src, Clock: src.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MinWindow: 5 * time.Minute, Closed: errClosed,
		Stale: func(*Token) bool { return rotated.Load() },
	})
	t.Cleanup(c.Close)
	first, err := c.Get(t.Context())
	require.NoError(t, err)

	rotated.Store(true)
	src.fp.Store(creds("v2"))
	next, err := c.Get(t.Context())
	require.NoError(t, err)
	assert.NotSame(t, first, next)
	assert.Equal(t, "v2", next.Fingerprint)
}
