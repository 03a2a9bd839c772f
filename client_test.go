package tango_test

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

func TestNewClientRefusesBadEnvironments(t *testing.T) {
	cases := []struct {
		name string
		env  tango.Environment
	}{
		{"zero value", tango.Environment{}},
		{"name only", tango.Environment{Name: "sandbox"}},
		{"no API URL", tango.Environment{Name: "x", TokenURL: "https://auth.example.com/token"}},
		{"relative URL", tango.Environment{APIBaseURL: "/raas/v2"}},
		{"no host", tango.Environment{APIBaseURL: "https:///raas/v2"}},
		{"ftp scheme", tango.Environment{APIBaseURL: "ftp://api.example.com/raas/v2"}},
		{"plain http to a public host", tango.Environment{APIBaseURL: "http://api.tangocard.com/raas/v2"}},
		{"plain http to a private address", tango.Environment{APIBaseURL: "http://10.0.0.5/raas/v2"}},
		{"plain http to a name ending in localhost", tango.Environment{APIBaseURL: "http://localhost.example.com/raas/v2"}},
		{"user info", tango.Environment{APIBaseURL: "https://user:pw@api.example.com/raas/v2"}},
		{"user without password", tango.Environment{APIBaseURL: "https://user@api.example.com/raas/v2"}},
		{"query", tango.Environment{APIBaseURL: "https://api.example.com/raas/v2?key=1"}},
		{"fragment", tango.Environment{APIBaseURL: "https://api.example.com/raas/v2#x"}},
		{"token URL over plain http", tango.Environment{APIBaseURL: "https://api.example.com/raas/v2", TokenURL: "http://auth.example.com/token"}},
		{"token URL with user info", tango.Environment{APIBaseURL: "https://api.example.com/raas/v2", TokenURL: "https://u:p@auth.example.com/token"}},
		{"token URL with query", tango.Environment{APIBaseURL: "https://api.example.com/raas/v2", TokenURL: "https://auth.example.com/token?client_secret=x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tango.NewClient(tc.env, tango.BasicAuth(testPlatform, testAPIKey))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), "tango:")
		})
	}
}

func TestNewClientAcceptsHTTPSAndLoopbackHTTP(t *testing.T) {
	cases := []string{
		"https://api.example.com/raas/v2",
		"https://api.example.com:8443/raas/v2/",
		"http://127.0.0.1:8080/raas/v2",
		"http://127.0.0.2/raas/v2",
		"http://[::1]:8080/raas/v2",
		"http://localhost:8080/raas/v2",
		"http://LOCALHOST/raas/v2",
	}
	for _, u := range cases {
		t.Run(u, func(t *testing.T) {
			c, err := tango.NewClient(tango.Environment{Name: "x", APIBaseURL: u}, tango.BasicAuth(testPlatform, testAPIKey))
			require.NoError(t, err)
			require.NoError(t, c.Close())
		})
	}
	for _, env := range []tango.Environment{tango.Sandbox, tango.Production} {
		c, err := tango.NewClient(env, tango.BasicAuth(testPlatform, testAPIKey))
		require.NoError(t, err, env.Name)
		assert.Equal(t, env, c.Environment())
		require.NoError(t, c.Close())
	}
}

func TestNewClientEnvironmentErrorsHideURLCredentials(t *testing.T) {
	for _, raw := range []string{
		"https://user:hunter2-planted@api.example.com/raas/v2",
		"http://user:hunter2-planted@api.example.com/raas/v2",
	} {
		_, err := tango.NewClient(tango.Environment{APIBaseURL: raw}, tango.BasicAuth(testPlatform, testAPIKey))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "hunter2-planted")
	}
}

func TestNewClientMalformedURLErrorsHideCredentials(t *testing.T) {
	for _, raw := range []string{
		"ftp://user:hunter2-planted@api.example.com/raas/v2",
		"https://user:hunter2-planted@api.example.com:port/raas/v2",
		"https://user:hunter2-planted@/raas/v2",
	} {
		_, err := tango.NewClient(tango.Environment{APIBaseURL: raw}, tango.BasicAuth(testPlatform, testAPIKey))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "hunter2-planted")
	}
}

func TestNewClientRefusesBadAuth(t *testing.T) {
	env := tango.Environment{Name: "x", APIBaseURL: "https://api.example.com/raas/v2"}
	cases := []struct {
		name string
		auth tango.Auth
	}{
		{"nil", nil},
		{"basic without platform", tango.BasicAuth("", testAPIKey)},
		{"basic without key", tango.BasicAuth(testPlatform, "")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tango.NewClient(env, tc.auth)
			require.Error(t, err)
			assert.Nil(t, c)
		})
	}
}

func TestOptionsValidateTheirInput(t *testing.T) {
	env := tango.Environment{Name: "x", APIBaseURL: "https://api.example.com/raas/v2"}
	policy := func(p tango.RetryPolicy) tango.Option { return tango.WithRetryPolicy(p) }
	cases := []struct {
		name string
		opt  tango.Option
		want string // part of the error message
	}{
		{"nil option", nil, "nil Option"},
		{"nil root pool", tango.WithRootCAs(nil), "WithRootCAs"},
		{"nil http client", tango.WithHTTPClient(nil), "WithHTTPClient"},
		{"zero attempt timeout", tango.WithAttemptTimeout(0), "WithAttemptTimeout"},
		{"negative attempt timeout", tango.WithAttemptTimeout(-time.Second), "WithAttemptTimeout"},
		{"huge attempt timeout", tango.WithAttemptTimeout(11 * time.Minute), "WithAttemptTimeout"},
		{"too many attempts", policy(tango.RetryPolicy{MaxAttempts: 21}), "MaxAttempts"},
		{"negative attempts", policy(tango.RetryPolicy{MaxAttempts: -1}), "MaxAttempts"},
		{"negative initial interval", policy(tango.RetryPolicy{InitialInterval: -time.Second}), "InitialInterval"},
		{"max below initial interval", policy(tango.RetryPolicy{InitialInterval: 10 * time.Second, MaxInterval: time.Second}), "MaxInterval"},
		{"multiplier below 1", policy(tango.RetryPolicy{Multiplier: 0.5}), "Multiplier"},
		{"multiplier above 10", policy(tango.RetryPolicy{Multiplier: 11}), "Multiplier"},
		{"negative max elapsed", policy(tango.RetryPolicy{MaxElapsedTime: -time.Second}), "MaxElapsedTime"},
		{"negative max retry-after", policy(tango.RetryPolicy{MaxRetryAfter: -time.Second}), "MaxRetryAfter"},
		{"negative budget", policy(tango.RetryPolicy{BudgetCapacity: -1}), "BudgetCapacity"},
		{"budget too small to pay for a retry", policy(tango.RetryPolicy{BudgetCapacity: 9}), "BudgetCapacity"},
		{"nil logger", tango.WithLogger(nil), "WithLogger"},
		{"empty user agent", tango.WithUserAgent(""), "WithUserAgent"},
		{"blank user agent", tango.WithUserAgent("   "), "WithUserAgent"},
		{"long user agent", tango.WithUserAgent(strings.Repeat("a", 201)), "WithUserAgent"},
		{"user agent with newline", tango.WithUserAgent("app/1\r\nX-Evil: 1"), "WithUserAgent"},
		{"user agent with DEL", tango.WithUserAgent("app\x7f"), "WithUserAgent"},
		{"nil clock", tango.WithClock(nil), "WithClock"},
		{"tiny response cap", tango.WithMaxResponseBytes(1023), "WithMaxResponseBytes"},
		{"nil account guard", tango.WithAccountGuard(nil), "WithAccountGuard"},
		{"header Authorization", tango.WithHeader("Authorization", "Bearer x"), "Authorization"},
		{"header authorization lower case", tango.WithHeader("authorization", "Bearer x"), "Authorization"},
		{"header Origin", tango.WithHeader("Origin", "https://shop.example.com"), "Origin"},
		{"header Referer", tango.WithHeader("Referer", "https://shop.example.com/"), "Referer"},
		{"header Cookie", tango.WithHeader("Cookie", "a=b"), "Cookie"},
		{"header Sec-Fetch-Mode", tango.WithHeader("Sec-Fetch-Mode", "cors"), "Sec-Fetch-Mode"},
		{"header Proxy-Authorization", tango.WithHeader("Proxy-Authorization", "Basic cHJveHk6cHc="), "Proxy-Authorization"},
		{"header Forwarded", tango.WithHeader("Forwarded", "for=192.0.2.60:4711"), "Forwarded"},
		{"header sec-fetch-site", tango.WithHeader("sec-fetch-site", "cross-site"), "Sec-Fetch-Site"},
		{"header Sec-Ch-Ua", tango.WithHeader("Sec-Ch-Ua", `"Chromium"`), "Sec-Ch-Ua"},
		{"header Content-Type", tango.WithHeader("Content-Type", "text/plain"), "Content-Type"},
		{"header Content-Length", tango.WithHeader("Content-Length", "1"), "Content-Length"},
		{"header Accept", tango.WithHeader("Accept", "text/html"), "Accept"},
		{"header Host", tango.WithHeader("Host", "evil.example.com"), "Host"},
		{"header User-Agent", tango.WithHeader("User-Agent", "x"), "User-Agent"},
		{"header empty name", tango.WithHeader("  ", "x"), "WithHeader"},
		{"header value with CRLF", tango.WithHeader("X-Trace", "a\r\nAuthorization: x"), "WithHeader"},
		{"header name with control", tango.WithHeader("X-\x01", "a"), "WithHeader"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tango.NewClient(env, tango.BasicAuth(testPlatform, testAPIKey), tc.opt)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestOptionsAcceptValidInput(t *testing.T) {
	env := tango.Environment{Name: "x", APIBaseURL: "https://api.example.com/raas/v2"}
	opts := []tango.Option{
		tango.WithRootCAs(x509.NewCertPool()),
		tango.WithHTTPClient(&http.Client{}),
		tango.WithHTTPClient(&http.Client{Transport: &http.Transport{}}),
		tango.WithAttemptTimeout(time.Millisecond),
		tango.WithAttemptTimeout(10 * time.Minute),
		tango.WithRetryPolicy(tango.RetryPolicy{}),
		tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}),
		tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 20, InitialInterval: 5 * time.Millisecond, MaxInterval: time.Second, Multiplier: 1.5}),
		tango.WithRetryPolicy(tango.RetryPolicy{InitialInterval: time.Minute}), // MaxInterval follows
		tango.WithRetryPolicy(tango.DefaultRetryPolicy()),
		tango.WithRetryPolicy(tango.RetryPolicy{DisableBudget: true}),
		tango.WithLogger(slog.New(slog.DiscardHandler)),
		tango.WithUserAgent("rewards-service/2.3"),
		tango.WithUserAgent(strings.Repeat("a", 200)),
		tango.WithMaxResponseBytes(1024),
		tango.WithHeader("X-Trace-Id", "abc"),
		tango.WithHeader("X-Forwarded-For", "garbage only"), // dropped, not an error
		tango.WithAccountGuard(func(context.Context, string, string) error { return nil }),
	}
	for i, opt := range opts {
		c, err := tango.NewClient(env, tango.BasicAuth(testPlatform, testAPIKey), opt)
		require.NoError(t, err, "option %d", i)
		require.NoError(t, c.Close())
	}
}

func TestUserAgent(t *testing.T) {
	base := "tango-go/" + tango.Version + " go/" + strings.TrimPrefix(runtime.Version(), "go")
	cases := []struct {
		name string
		opts []tango.Option
		want string
	}{
		{"default", nil, base},
		{"with app", []tango.Option{tango.WithUserAgent("rewards-service/2.3")}, base + " rewards-service/2.3"},
		{"app is trimmed", []tango.Option{tango.WithUserAgent("  cron/1  ")}, base + " cron/1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []string
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				got = append(got, r.Header.Get("User-Agent"))
				mu.Unlock()
				answerJSON(w, http.StatusOK, map[string]string{})
			})
			c := newCoreClient(t, srv, tc.opts...)
			_, err := getPing(t.Context(), c)
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []string{tc.want}, got)
		})
	}
}

func TestDoSendsAuthAcceptAndCustomHeaders(t *testing.T) {
	var got http.Header
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	c := newCoreClient(t, srv, tango.WithHeader("X-Trace-Id", "trace-1"), tango.WithHeader("x-egress-route", "blue"))
	_, err := getPing(t.Context(), c)
	require.NoError(t, err)
	user, pass, ok := (&http.Request{Header: got}).BasicAuth()
	require.True(t, ok, "Basic credentials on the request")
	assert.Equal(t, testPlatform, user)
	assert.Equal(t, testAPIKey, pass)
	assert.Equal(t, "application/json", got.Get("Accept"))
	assert.Equal(t, "trace-1", got.Get("X-Trace-Id"))
	assert.Equal(t, "blue", got.Get("X-Egress-Route"))
	assert.Empty(t, got.Get("Content-Type"), "a call without a body has no content type")
}

func TestDoEncodesQueryAndDecodesAnswer(t *testing.T) {
	var gotPath, gotQuery string
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.URL.EscapedPath(), r.URL.RawQuery
		w.Header().Set("X-REQUEST-ID", "req-77")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"Ada","count":3}`))
	})
	c := newCoreClient(t, srv)
	var out struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	q := url.Values{"elementsPerBlock": {"10"}, "externalRefID": {"a b&c"}}
	resp, err := c.Do(t.Context(), http.MethodGet, "/orders/"+url.PathEscape("id/1"), q, nil, &out)
	require.NoError(t, err)
	assert.Equal(t, apiRoot+"/orders/id%2F1", gotPath)
	assert.Equal(t, q.Encode(), gotQuery)
	assert.Equal(t, "Ada", out.Name)
	assert.Equal(t, 3, out.Count)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "req-77", resp.RequestID)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
}

func TestDoUndecodableAnswer(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"name":`))
	})
	c := newCoreClient(t, srv)
	var out map[string]any

	_, err := c.Do(t.Context(), http.MethodGet, "/x", nil, nil, &out)
	require.Error(t, err)
	assert.NotErrorIs(t, err, tango.ErrOutcomeUnknown, "a read that cannot be decoded is a plain error")

	// A write whose answer cannot be read did happen: its outcome is unknown to the caller.
	_, err = c.Do(t.Context(), http.MethodPost, "/x", nil, map[string]string{"a": "b"}, &out)
	require.ErrorIs(t, err, tango.ErrOutcomeUnknown)
	assert.Equal(t, int64(2), srv.hits.Load())
}

func TestDoEncodingFailureSendsNothing(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	c := newCoreClient(t, srv)
	_, err := c.Do(t.Context(), http.MethodPost, "/x", nil, map[string]any{"f": func() {}}, nil)
	require.Error(t, err)
	assert.Zero(t, srv.hits.Load())
}

func TestClientPrintsNoCredentials(t *testing.T) {
	c, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	assert.Contains(t, c.String(), "sandbox")
	assertNoSecret(t, c.String())
	assertNoSecret(t, c.GoString())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		assertNoSecret(t, fmt.Sprintf(verb, c))
		assertNoSecret(t, fmt.Sprintf(verb, *c))
	}
}

func TestClientConcurrentUse(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		// Every other attempt of a call fails, so retries and the budget run concurrently.
		id := r.URL.Query().Get("id")
		mu.Lock()
		seen[id]++
		n := seen[id]
		mu.Unlock()
		if n%2 == 1 {
			writeTangoError(w, r, http.StatusServiceUnavailable, "503.502", "Service temporarily unavailable")
			return
		}
		answerJSON(w, http.StatusOK, map[string]string{"id": id})
	})
	c := newCoreClient(t, srv, tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 3, InitialInterval: time.Millisecond, BudgetCapacity: 500}))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 5 {
				id := fmt.Sprintf("%d-%d", g, i)
				var out map[string]string
				resp, err := c.Do(context.Background(), http.MethodGet, "/x", url.Values{"id": {id}}, nil, &out)
				if assert.NoError(t, err) {
					assert.Equal(t, id, out["id"])
					assert.Equal(t, 2, resp.Attempts)
				}
			}
		})
	}
	wg.Wait()
}

func TestCloseIsIdempotent(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) { answerJSON(w, http.StatusOK, nil) })
	c := newCoreClient(t, srv)
	_, err := getPing(t.Context(), c)
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close())
}

func TestWithHTTPClientCookieJarIsIgnored(t *testing.T) {
	var cookies []string
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		cookies = append(cookies, r.Header.Values("Cookie")...)
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc"})
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	jar.SetCookies(u, []*http.Cookie{{Name: "planted", Value: "cookie"}})
	c := newCoreClient(t, srv, tango.WithHTTPClient(&http.Client{Jar: jar}))
	for range 2 {
		_, err = getPing(t.Context(), c)
		require.NoError(t, err)
	}
	assert.Empty(t, cookies, "the SDK never sends cookies")
}

// assertNoSecret fails when s holds one of the planted credentials.
func assertNoSecret(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{testAPIKey, basicHeaderValue()} {
		assert.NotContains(t, s, secret)
		assert.NotContains(t, s, hex.EncodeToString([]byte(secret)))
	}
}

func TestRefusesToBuildForBrowsers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package for js/wasm; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		//lint:ignore SA1019 only a fallback when go is not on PATH
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			t.Skip("no go tool found")
		}
	}
	cmd := exec.CommandContext(t.Context(), goTool, "build", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the package built for GOOS=js:\n%s", out)
	assert.Regexp(t, `GOOS_js|browsers`, string(out))
}

func BenchmarkDoGET(b *testing.B) {
	srv := newCoreServer(b, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{"name": "Ada"})
	})
	c := newCoreClient(b, srv)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var out map[string]string
		if _, err := c.Do(ctx, http.MethodGet, "/accounts/A-1", nil, nil, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDoGETParallel(b *testing.B) {
	srv := newCoreServer(b, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{"name": "Ada"})
	})
	c := newCoreClient(b, srv)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var out map[string]string
			if _, err := c.Do(context.Background(), http.MethodGet, "/accounts/A-1", nil, nil, &out); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// wrappedDefault stands for an APM agent that replaced http.DefaultTransport.
type wrappedDefault struct{ http.RoundTripper }

func TestNewClientDoesNotDependOnTheGlobalTransport(t *testing.T) {
	old := http.DefaultTransport
	http.DefaultTransport = wrappedDefault{old}
	t.Cleanup(func() { http.DefaultTransport = old })
	c, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey))
	require.NoError(t, err)
	require.NoError(t, c.Close())
}

// TestDoSendsSDKModels: Do encodes the SDK's own models as they are, contact
// data included, like a map with the same values.
func TestDoSendsSDKModels(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		answerJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	})
	c := newCoreClient(t, srv)
	_, err := c.Do(t.Context(), http.MethodPost, "/asyncOrders", nil, &tango.CreateOrderRequest{
		ExternalRefID: "async-1", CustomerIdentifier: "cust-00001", AccountIdentifier: "acct-00001", UTID: "U1",
		Amount: tango.MustParseAmount("5"), Recipient: &tango.Recipient{Email: "real.person@example.com", FirstName: "Real"},
	}, nil)
	require.NoError(t, err)
	_, err = c.Do(t.Context(), http.MethodPost, "/asyncOrders", nil, map[string]any{"recipient": map[string]string{"email": "real.person@example.com"}}, nil)
	require.NoError(t, err, "a map carries the real values")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 2)
	for _, b := range bodies {
		assert.Contains(t, b, `"email":"real.person@example.com"`)
		assert.NotContains(t, b, "[REDACTED]")
	}
}
