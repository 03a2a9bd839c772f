package tango_test

// Shared fixtures for the root package's tests: loopback TLS servers, clients wired
// to them, Tango-shaped error bodies and connection counters.

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
)

// Credentials planted in tests; none of them may ever show up in output.
const (
	testPlatform = "acme-platform"
	testAPIKey   = "sk-PLANTED-api-key-7f3c9a"
)

// apiRoot is the path prefix of every API call, as on Tango's hosts.
const apiRoot = "/raas/v2"

// coreServer is an httptest server that counts TCP connections and requests.
type coreServer struct {
	*httptest.Server
	pool  *x509.CertPool
	conns atomic.Int64 // TCP connections accepted
	hits  atomic.Int64 // requests that reached the handler
}

// newCoreServer starts a loopback TLS server running h. It counts every new TCP
// connection and every request, silences the server's error log (handshake
// failures are expected in some tests) and closes itself at the end of the test.
func newCoreServer(t testing.TB, h http.HandlerFunc) *coreServer {
	t.Helper()
	return startCoreServer(t, h, nil, true)
}

// startCoreServer starts a server on l (a fresh loopback listener when nil).
func startCoreServer(t testing.TB, h http.HandlerFunc, l net.Listener, useTLS bool) *coreServer {
	t.Helper()
	ts := &coreServer{}
	ts.Server = newUnstartedCounting(ts, h)
	if l != nil {
		_ = ts.Listener.Close()
		ts.Listener = l
	}
	if useTLS {
		ts.StartTLS()
		ts.pool = x509.NewCertPool()
		ts.pool.AddCert(ts.Certificate())
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	return ts
}

// newUnstartedCounting makes an unstarted server running h that counts requests
// and connections into ts and keeps quiet about handshake failures.
func newUnstartedCounting(ts *coreServer, h http.HandlerFunc) *httptest.Server {
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.hits.Add(1)
		h(w, r)
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			ts.conns.Add(1)
		}
	}
	return s
}

// env is an Environment whose API root is on the test server.
func (ts *coreServer) env() tango.Environment {
	return tango.Environment{Name: "test", APIBaseURL: ts.URL + apiRoot}
}

// newCoreClient returns a Basic-auth client for ts that trusts ts's certificate, using
// the fake clock (so that retries never sleep) unless opts set another. It is
// closed at the end of the test.
func newCoreClient(t testing.TB, ts *coreServer, opts ...tango.Option) *tango.Client {
	t.Helper()
	base := []tango.Option{tango.WithClock(testclock.New(time.Now())), noPacing()}
	if ts.pool != nil {
		base = append(base, tango.WithRootCAs(ts.pool))
	}
	c, err := tango.NewClient(ts.env(), tango.BasicAuth(testPlatform, testAPIKey), append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// noPacing turns the client's pacing (Tango's 1 TPS per endpoint by default) off:
// the shared fixtures test other things, and many make hundreds of calls on the
// wall clock. The pacing tests (ratelimit_test.go) set their own rates.
func noPacing() tango.Option { return tango.WithRateLimit(tango.Unlimited) }

// quickRetries retries with tiny backoff and no budget, for tests that count
// attempts rather than budgets.
func quickRetries(maxAttempts int) tango.Option {
	return tango.WithRetryPolicy(tango.RetryPolicy{
		MaxAttempts:     maxAttempts,
		InitialInterval: time.Millisecond,
		MaxInterval:     time.Millisecond,
		DisableBudget:   true,
	})
}

// wireErrorInfo is Tango's error body, as the API sends it.
type wireErrorInfo struct {
	Timestamp  string           `json:"timestamp"`
	RequestID  string           `json:"requestId"`
	Path       string           `json:"path"`
	HTTPCode   int              `json:"httpCode"`
	HTTPPhrase string           `json:"httpPhrase"`
	I18nKey    string           `json:"i18nKey,omitempty"`
	Message    string           `json:"message,omitempty"`
	Errors     []wireFieldError `json:"errors,omitempty"`
}

// wireFieldError is one entry of errors[], including the invalidValue the SDK must drop.
type wireFieldError struct {
	Path         string `json:"path"`
	I18nKey      string `json:"i18nKey"`
	Message      string `json:"message"`
	InvalidValue string `json:"invalidValue,omitempty"`
	Constraint   string `json:"constraint,omitempty"`
	Code         int    `json:"code,omitempty"`
}

// writeTangoError answers like Tango does: JSON ErrorInfo and X-REQUEST-ID.
func writeTangoError(w http.ResponseWriter, r *http.Request, status int, key, msg string, fields ...wireFieldError) {
	const reqID = "82b542f0-ed18-4021-8f8f-d176ae0982cd"
	body, _ := json.Marshal(wireErrorInfo{
		Timestamp:  "2020-03-26T19:19:28.564Z",
		RequestID:  reqID,
		Path:       r.URL.Path,
		HTTPCode:   status,
		HTTPPhrase: http.StatusText(status),
		I18nKey:    key,
		Message:    msg,
		Errors:     fields,
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-REQUEST-ID", reqID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// answerJSON answers 200 with v as JSON.
func answerJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-REQUEST-ID", "ok-request-id")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// resetConnection drops the connection under a request without answering (after the
// server has read the request, so the client has sent it).
func resetConnection(t testing.TB, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Errorf("response writer %T cannot hijack", w)
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		if tcp, ok := tc.NetConn().(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // RST rather than FIN
		}
	}
	_ = conn.Close()
}

// refusedLoopbackURL returns a loopback http URL on which nothing listens (dial refused).
func refusedLoopbackURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// getPing is the generic GET the tests use.
func getPing(ctx context.Context, c *tango.Client) (*tango.Response, error) {
	return c.Do(ctx, http.MethodGet, "/getPing", nil, nil, nil)
}

// dropFirstListener closes the first n connections it accepts, before any byte is
// exchanged: the client sees the connection fail during the TLS handshake, before
// its request was sent.
type dropFirstListener struct {
	net.Listener
	drop    atomic.Int64
	dropped atomic.Int64
}

func (l *dropFirstListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.drop.Add(-1) >= 0 {
			l.dropped.Add(1)
			_ = c.Close()
			continue
		}
		return c, nil
	}
}

// basicHeaderValue is the base64 credential BasicAuth sends; it is as secret as the key.
func basicHeaderValue() string {
	return base64.StdEncoding.EncodeToString([]byte(testPlatform + ":" + testAPIKey))
}

// itoa formats n for subtest names.
func itoa(n int) string { return strconv.Itoa(n) }
