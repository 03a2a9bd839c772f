package tango_test

// The transport under concurrent callers: connections are kept for reuse, TLS
// sessions resume, and a session cache shared with other transports never lets a
// connection skip the pinned roots.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// burstBarrier holds each request until width requests of its burst have
// arrived, so that every burst needs width connections at once.
type burstBarrier struct {
	width   int
	mu      sync.Mutex
	arrived int
	release chan struct{}
}

func newBurstBarrier(width int) *burstBarrier {
	return &burstBarrier{width: width, release: make(chan struct{})}
}

func (b *burstBarrier) wait(ctx context.Context) {
	b.mu.Lock()
	b.arrived++
	ch := b.release
	if b.arrived%b.width == 0 {
		close(b.release)
		b.release = make(chan struct{})
	}
	b.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

func TestConcurrentCallersReuseConnections(t *testing.T) {
	const width, bursts = 16, 4
	bar := newBurstBarrier(width)
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		bar.wait(r.Context())
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	c := newCoreClient(t, ts)
	for range bursts {
		var wg sync.WaitGroup
		errs := make(chan error, width)
		for range width {
			wg.Go(func() {
				if _, err := getPing(t.Context(), c); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	}
	assert.EqualValues(t, width*bursts, ts.hits.Load())
	assert.EqualValues(t, width, ts.conns.Load(), "every burst after the first reuses the idle connections")
}

// countingSessionCache counts what the TLS stack asks of a caller's cache.
type countingSessionCache struct {
	tls.ClientSessionCache
	gets, puts atomic.Int64
}

func (c *countingSessionCache) Get(key string) (*tls.ClientSessionState, bool) {
	c.gets.Add(1)
	return c.ClientSessionCache.Get(key)
}

func (c *countingSessionCache) Put(key string, cs *tls.ClientSessionState) {
	c.puts.Add(1)
	c.ClientSessionCache.Put(key, cs)
}

func TestTLSSessionsResume(t *testing.T) {
	for _, tc := range []struct {
		name        string
		callerCache bool
	}{
		{"the client's own cache", false},
		{"a cache on the WithHTTPClient transport", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resumed []bool
			var mu sync.Mutex
			ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				resumed = append(resumed, r.TLS.DidResume)
				mu.Unlock()
				w.Header().Set("Connection", "close") // every call needs a new connection
				answerJSON(w, http.StatusOK, map[string]string{})
			})
			var opts []tango.Option
			cache := &countingSessionCache{ClientSessionCache: tls.NewLRUClientSessionCache(4)}
			if tc.callerCache {
				tr := &http.Transport{TLSClientConfig: &tls.Config{ClientSessionCache: cache}}
				opts = append(opts, tango.WithHTTPClient(&http.Client{Transport: tr}))
			}
			c := newCoreClient(t, ts, opts...)
			for range 3 {
				_, err := getPing(t.Context(), c)
				require.NoError(t, err)
			}
			assert.EqualValues(t, 3, ts.conns.Load())
			assert.Equal(t, []bool{false, true, true}, resumed)
			if tc.callerCache {
				assert.Positive(t, cache.gets.Load())
				assert.Positive(t, cache.puts.Load())
			}
		})
	}
}

// A session cache the caller shares with a transport that trusts other roots must
// not let the SDK resume, and so skip verification, a session that transport
// verified: the pin holds and nothing is sent.
func TestSharedSessionCacheKeepsThePin(t *testing.T) {
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	cache := tls.NewLRUClientSessionCache(4)
	// Another part of the program trusts the server (a proxy's CA, say) and fills
	// the shared cache with a session for its address.
	other := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ts.pool, ClientSessionCache: cache}}
	t.Cleanup(other.CloseIdleConnections)
	resp, err := (&http.Client{Transport: other}).Get(ts.URL + "/warm")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.EqualValues(t, 1, ts.hits.Load())

	// The SDK client pins the embedded Amazon roots, which the server's
	// certificate does not chain to.
	tr := &http.Transport{TLSClientConfig: &tls.Config{ClientSessionCache: cache}}
	c, err := tango.NewClient(ts.env(), tango.BasicAuth(testPlatform, testAPIKey),
		tango.WithHTTPClient(&http.Client{Transport: tr}), quickRetries(1))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = getPing(t.Context(), c)
	var unknown x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknown)
	assert.EqualValues(t, 1, ts.hits.Load(), "the SDK's request never reached the server")
}

// A caller's trace on the context sees each request the pinned transport writes
// exactly once, also when a middleware sends the same attempt twice: the guard's
// own trace, merged with the caller's by httptrace, is a fresh copy every time.
func TestCallerTraceSeesEachWriteOnce(t *testing.T) {
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	twice := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			return next.RoundTrip(r) // a middleware's own retry
		})
	}
	c := newCoreClient(t, ts, tango.WithTransportMiddleware(twice))
	var wrote atomic.Int64
	ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{WroteHeaders: func() { wrote.Add(1) }})
	for range 2 {
		_, err := getPing(ctx, c)
		require.NoError(t, err)
	}
	assert.EqualValues(t, 4, ts.hits.Load())
	assert.EqualValues(t, 4, wrote.Load())
}
