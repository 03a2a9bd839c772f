package tango_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

func TestBodyIsIdenticalOnEveryAttempt(t *testing.T) {
	body := map[string]any{
		"customerIdentifier": "cust-1",
		"amount":             json.Number("10.00"),
		"message":            "Thanks! \u00e9\u4e2d",
		"nested":             map[string]any{"list": []int{1, 2, 3}},
	}
	want, err := json.Marshal(body)
	require.NoError(t, err)

	cases := []struct {
		name     string
		method   string
		status   int // of the failing attempts
		failures int
	}{
		{"POST after 429s", http.MethodPost, http.StatusTooManyRequests, 2},
		{"GET after 503s", http.MethodGet, http.StatusServiceUnavailable, 3},
		{"GET after 500", http.MethodGet, http.StatusInternalServerError, 1},
		{"PUT after 429", http.MethodPut, http.StatusTooManyRequests, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var bodies [][]byte
			var lengths []int64
			var types []string
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				assert.NoError(t, err)
				mu.Lock()
				bodies = append(bodies, b)
				lengths = append(lengths, r.ContentLength)
				types = append(types, r.Header.Get("Content-Type"))
				n := len(bodies)
				mu.Unlock()
				if n <= tc.failures {
					writeTangoError(w, r, tc.status, "", http.StatusText(tc.status))
					return
				}
				answerJSON(w, http.StatusCreated, map[string]string{"ok": "yes"})
			})
			c := newCoreClient(t, srv, tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 5}))
			resp, err := c.Do(t.Context(), tc.method, "/orders", nil, body, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.failures+1, resp.Attempts)

			mu.Lock()
			defer mu.Unlock()
			require.Len(t, bodies, tc.failures+1)
			for i := range bodies {
				assert.Equal(t, string(want), string(bodies[i]), "attempt %d", i+1)
				assert.Equal(t, int64(len(want)), lengths[i], "attempt %d Content-Length", i+1)
				assert.Equal(t, "application/json", types[i], "attempt %d Content-Type", i+1)
			}
		})
	}
}

// hangFirst makes the first n requests hang until the client gives up on them.
func hangFirst(t *testing.T, n int64) *coreServer {
	var srv *coreServer
	srv = newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		if srv.hits.Load() <= n {
			select {
			case <-r.Context().Done():
				panic(http.ErrAbortHandler) // answer nothing, as a dead server would
			case <-time.After(5 * time.Second):
				t.Error("the client never abandoned a hanging attempt")
			}
			return
		}
		answerJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	})
	return srv
}

// TestAttemptTimeoutEndsOneAttemptOnly: WithAttemptTimeout ends each hung attempt,
// not the call: the next attempt follows with a deadline of its own.
func TestAttemptTimeoutEndsOneAttemptOnly(t *testing.T) {
	const timeout = 50 * time.Millisecond
	checkDeadlinePerAttempt(t, timeout, tango.WithAttemptTimeout(timeout))
}

// TestHTTPClientTimeoutAppliesPerAttempt: the Timeout of a WithHTTPClient client
// ends each hung attempt, and each attempt gets the whole of it, not what an
// earlier attempt left over.
func TestHTTPClientTimeoutAppliesPerAttempt(t *testing.T) {
	const timeout = 50 * time.Millisecond
	checkDeadlinePerAttempt(t, timeout, tango.WithHTTPClient(&http.Client{Timeout: timeout}))
}

// checkDeadlinePerAttempt checks that with opt every attempt has a deadline of
// timeout from its own start, which ends it, after which the next attempt follows.
// Every attempt hangs, so how long a handshake or an answer takes on a loaded
// machine cannot change the outcome (a second attempt that had to handshake and
// succeed within 50 ms under -race used to pass only on a fast one). Deadlines are
// compared in order, never against an expected duration: the one an attempt
// carries lies within timeout of its start, the attempt ends no earlier, and the
// next attempt's lies timeout or more after the previous attempt ended (a deadline
// for the whole call would repeat the first one).
func checkDeadlinePerAttempt(t *testing.T, timeout time.Duration, opt tango.Option) {
	t.Helper()
	const attempts = 3
	srv := hangFirst(t, attempts)
	type seen struct {
		start, deadline, end time.Time
		hasDeadline          bool
	}
	var mu sync.Mutex
	var calls []seen
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			s := seen{start: time.Now()}
			s.deadline, s.hasDeadline = r.Context().Deadline()
			resp, err := next.RoundTrip(r)
			s.end = time.Now()
			mu.Lock()
			calls = append(calls, s)
			mu.Unlock()
			return resp, err
		})
	}
	c := newCoreClient(t, srv, opt, tango.WithTransportMiddleware(mw), quickRetries(attempts))
	_, err := getPing(t.Context(), c)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, calls, attempts, "each attempt ends at its own deadline and the next one follows")
	for i, s := range calls {
		require.True(t, s.hasDeadline, "attempt %d has no deadline", i+1)
		assert.False(t, s.deadline.After(s.start.Add(timeout)), "attempt %d: the deadline is further than the timeout from its start", i+1)
		assert.False(t, s.end.Before(s.deadline), "attempt %d ended before its deadline: something else ended it", i+1)
		if i > 0 {
			assert.False(t, s.deadline.Before(calls[i-1].end.Add(timeout)),
				"attempt %d: the deadline is left over from attempt %d, not a timeout of its own", i+1, i)
		}
	}
}

func TestCallerContextBoundsTheWholeCall(t *testing.T) {
	cases := []struct {
		name           string
		attemptTimeout time.Duration
		minHits        int64
	}{
		{"one long attempt", 10 * time.Minute, 1},
		{"many short attempts", 100 * time.Millisecond, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := hangFirst(t, 1000)
			c := newCoreClient(t, srv, tango.WithAttemptTimeout(tc.attemptTimeout),
				tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 20, InitialInterval: time.Millisecond, DisableBudget: true}))
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := getPing(ctx, c)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute): // a hang guard: the attempts alone would last 10 minutes
				t.Fatal("the call outlived the caller's deadline")
			}
			// The call may stop a little before the deadline (an attempt that
			// cannot finish in time is not started); it never outlives it.
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.GreaterOrEqual(t, srv.hits.Load(), tc.minHits)
		})
	}
}

func TestRetriesReuseOneConnection(t *testing.T) {
	for _, size := range []int{0, 2 << 10, 65 << 10} {
		t.Run(http.StatusText(http.StatusServiceUnavailable)+" body "+itoa(size), func(t *testing.T) {
			filler := strings.Repeat("x", size)
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Server", "nginx")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, `{"httpCode":503,"i18nKey":"503.502","message":"`+filler+`"}`)
			})
			c := newCoreClient(t, srv, tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 4, DisableBudget: true}))
			_, err := getPing(t.Context(), c)
			require.ErrorIs(t, err, tango.ErrServerError)
			assert.Equal(t, int64(4), srv.hits.Load())
			assert.Equal(t, int64(1), srv.conns.Load(), "each error body must be drained and closed so the next attempt reuses the connection")
		})
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(method+" "+itoa(status), func(t *testing.T) {
				var mu sync.Mutex
				paths := map[string]int{}
				srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					paths[r.URL.Path]++
					mu.Unlock()
					if r.URL.Path == apiRoot+"/elsewhere" {
						answerJSON(w, http.StatusOK, map[string]string{})
						return
					}
					http.Redirect(w, r, apiRoot+"/elsewhere", status)
				})
				c := newCoreClient(t, srv)
				_, err := c.Do(t.Context(), method, "/orders", nil, map[string]string{"a": "b"}, nil)
				var apiErr *tango.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.StatusCode)
				mu.Lock()
				defer mu.Unlock()
				assert.Equal(t, map[string]int{apiRoot + "/orders": 1}, paths, "Location must never be requested")
			})
		}
	}
}

func TestMaxResponseBytes(t *testing.T) {
	// jsonOfSize returns a JSON object of exactly n bytes.
	jsonOfSize := func(n int) string { return `{"a":"` + strings.Repeat("x", n-8) + `"}` }
	cases := []struct {
		name        string
		method      string
		size        int
		wantErr     bool
		wantUnknown bool
	}{
		{"GET at the cap", http.MethodGet, 1024, false, false},
		{"GET one byte over", http.MethodGet, 1025, true, false},
		{"GET far over", http.MethodGet, 1 << 20, true, false},
		{"POST over the cap: the write happened", http.MethodPost, 4096, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, jsonOfSize(tc.size))
			})
			c := newCoreClient(t, srv, tango.WithMaxResponseBytes(1024))
			var out map[string]string
			_, err := c.Do(t.Context(), tc.method, "/catalogs", nil, nil, &out)
			assert.Equal(t, int64(1), srv.hits.Load(), "an oversized answer is not retried")
			if !tc.wantErr {
				require.NoError(t, err)
				assert.Len(t, out["a"], tc.size-8)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "WithMaxResponseBytes")
			assert.Equal(t, tc.wantUnknown, errors.Is(err, tango.ErrOutcomeUnknown))
		})
	}
}

func TestLargeErrorBodyIsCutNotFatal(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, strings.Repeat("bad request ", 20000))
	})
	c := newCoreClient(t, srv, tango.WithMaxResponseBytes(1024))
	_, err := getPing(t.Context(), c)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.True(t, strings.HasPrefix(apiErr.Message, "bad request bad request"))
	assert.LessOrEqual(t, len([]rune(apiErr.Message)), 201)
}

func TestNoBrowserHeadersAreEverSent(t *testing.T) {
	var mu sync.Mutex
	var seen []http.Header
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		n := len(seen)
		mu.Unlock()
		if n%2 == 1 {
			writeTangoError(w, r, http.StatusTooManyRequests, "429.001", "Too many requests")
			return
		}
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	clients := map[string]*tango.Client{
		"default":         newCoreClient(t, srv),
		"custom headers":  newCoreClient(t, srv, tango.WithHeader("X-Trace", "1"), tango.WithUserAgent("app/1")),
		"own http client": newCoreClient(t, srv, tango.WithHTTPClient(&http.Client{Transport: &http.Transport{}})),
	}
	for name, c := range clients {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
			_, err := c.Do(t.Context(), method, "/x", nil, map[string]string{"a": "b"}, nil)
			require.NoError(t, err, "%s %s", name, method)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 18)
	for _, h := range seen {
		for k := range h {
			assert.NotContains(t, []string{"Origin", "Referer", "Cookie"}, k)
			assert.False(t, strings.HasPrefix(k, "Sec-"), "browser fetch header %s", k)
		}
	}
}

func TestForwardedForFromWithHeaderArrivesNormalized(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		want   []string // nil: no header at all
	}{
		{"ports stripped", []string{"203.0.113.7:8080, [2001:db8::1]:443"}, []string{"203.0.113.7, 2001:db8::1"}},
		{"RFC 7239 for=", []string{`for=192.0.2.60, for="[2001:db8:cafe::17]:4711"`}, []string{"192.0.2.60, 2001:db8:cafe::17"}},
		{"already clean", []string{"198.51.100.1"}, []string{"198.51.100.1"}},
		{"garbage dropped", []string{"unknown, 10.0.0.1:99, _hidden"}, []string{"10.0.0.1"}},
		{"nothing valid", []string{"unknown"}, nil},
		{"two headers", []string{"198.51.100.1:1", "198.51.100.2:2"}, []string{"198.51.100.1", "198.51.100.2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var present bool
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				got, present = r.Header.Values("X-Forwarded-For"), len(r.Header.Values("X-Forwarded-For")) > 0
				answerJSON(w, http.StatusOK, map[string]string{})
			})
			var opts []tango.Option
			for _, v := range tc.values {
				opts = append(opts, tango.WithHeader("x-forwarded-for", v))
			}
			c := newCoreClient(t, srv, opts...)
			_, err := getPing(t.Context(), c)
			require.NoError(t, err)
			if tc.want == nil {
				assert.False(t, present, "X-Forwarded-For sent: %q", got)
				return
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDoRefusesBadPaths(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	c := newCoreClient(t, srv)
	for _, p := range []string{
		"", "orders", "../orders", "/../orders", "/orders/..", "/a/./b", "/a/%2e%2e/b", "/a/%2E/b", "/.",
		"/orders?externalRefID=1", "/orders#frag", "/a/%zz",
	} {
		_, err := c.Do(t.Context(), http.MethodGet, p, nil, nil, nil)
		assert.Error(t, err, "path %q", p)
	}
	assert.Zero(t, srv.hits.Load(), "a refused path must not reach the server")

	for _, p := range []string{"/orders", "/orders/RA-1", "/a.b/c..d/...", "/catalogs%20x"} {
		_, err := c.Do(t.Context(), http.MethodGet, p, nil, nil, nil)
		assert.NoError(t, err, "path %q", p)
	}
}

// TestBodyStallEndsAtTheAttemptTimeout: an answer whose headers arrive but whose
// body stalls is cut at the attempt's own deadline (the caller's context has
// none here) and classified as a timed-out attempt, then retried like one.
func TestBodyStallEndsAtTheAttemptTimeout(t *testing.T) {
	checkLeaks(t)
	release := make(chan struct{})
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"partial":`))
		w.(http.Flusher).Flush()
		select { // stall until the client gives up (or the test ends)
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) })
	logger, logs := debugLogger()
	c := newCoreClient(t, srv, tango.WithAttemptTimeout(50*time.Millisecond), quickRetries(2), tango.WithLogger(logger))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // far beyond the attempts
	defer cancel()
	_, err := getPing(ctx, c)
	require.Error(t, err, logs.String())
	assert.NoError(t, ctx.Err(), "the attempts ended, not the caller's context")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualValues(t, 2, srv.hits.Load(), "the timed-out read is retried")
	assert.Contains(t, logs.String(), `"reason":"attempt timed out"`)
	assert.NotContains(t, logs.String(), "connection lost after the request was sent")
}
