package tango_test

// Shared fixtures for the root package's tests: loopback TLS servers, clients wired
// to them, Tango-shaped error bodies and connection counters.

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

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

// checkLeaks fails the test if goroutines it started outlive it. The check runs after
// every other cleanup (servers closed, clients closed).
func checkLeaks(t *testing.T) {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// newFakeClock returns the shared test clock, started at a fixed instant. Sleep
// advances it and returns at once.
func newFakeClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
}

// tokenRequest is what the fake token endpoint received.
type tokenRequest struct {
	Form   map[string]string
	Header http.Header
}

// authServer is a loopback TLS server with a token endpoint and an API that checks
// Authorization. Tests steer it through its fields.
type authServer struct {
	srv *httptest.Server

	tokenCount atomic.Int64
	apiCount   atomic.Int64
	apiOK      atomic.Int64
	api401     atomic.Int64

	mu        sync.Mutex
	clients   map[string]string // client id -> secret
	users     map[string]string // service account username -> password
	basicKeys map[string]string // "platform:key" -> "" (accepted Basic pairs)
	valid     map[string]bool   // issued, unrevoked tokens
	seqOf     map[string]int    // token -> its sequence number
	lastSeq   int               // sequence number of the last bearer token the API accepted
	lifetime  int               // expires_in
	seq       int
	requests  []tokenRequest

	// tokenGate, when set, is received from before the token endpoint answers.
	tokenGate chan struct{}
	// tokenFail, when set, answers the token request instead of issuing a token.
	tokenFail func(w http.ResponseWriter, r *http.Request) bool
	// apiHook, when set, runs first in the API handler.
	apiHook func(auth string)
}

func newAuthServer(t testing.TB) *authServer {
	t.Helper()
	s := &authServer{
		clients:   map[string]string{"client-1": "client-secret-AAAA-1111"},
		users:     map[string]string{},
		basicKeys: map[string]string{},
		valid:     map[string]bool{},
		seqOf:     map[string]int{},
		lifetime:  86400,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.token)
	mux.HandleFunc("/raas/v2/", s.api)
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // closed connections at the end of tests are expected
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)
	return s
}

func (s *authServer) env() tango.Environment {
	return tango.Environment{Name: "fake", APIBaseURL: s.srv.URL + "/raas/v2", TokenURL: s.srv.URL + "/oauth/token"}
}

func (s *authServer) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.srv.Certificate())
	return p
}

func (s *authServer) setClient(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = secret
}

func (s *authServer) removeClient(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, id)
}

func (s *authServer) allowBasic(platform, key string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		s.basicKeys[platform+":"+key] = ""
	} else {
		delete(s.basicKeys, platform+":"+key)
	}
}

// revokeAll makes every token issued so far invalid.
func (s *authServer) revokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.valid = map[string]bool{}
}

// revokeAllBut leaves only the token with sequence number seq valid.
func (s *authServer) revokeAllBut(seq int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.valid {
		if s.seqOf[tok] != seq {
			delete(s.valid, tok)
		}
	}
}

// lastBearerSeq is the sequence number of the last token the API accepted.
func (s *authServer) lastBearerSeq() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastSeq
}

func (s *authServer) setLifetime(sec int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = sec
}

func (s *authServer) setGate(g chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenGate = g
}

func (s *authServer) setHook(h func(auth string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiHook = h
}

func (s *authServer) setFail(f func(w http.ResponseWriter, r *http.Request) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenFail = f
}

func (s *authServer) tokenRequests() []tokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tokenRequest(nil), s.requests...)
}

func (s *authServer) token(w http.ResponseWriter, r *http.Request) {
	s.tokenCount.Add(1)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	form := map[string]string{}
	for k, v := range r.PostForm {
		form[k] = strings.Join(v, ",")
	}
	s.mu.Lock()
	s.requests = append(s.requests, tokenRequest{Form: form, Header: r.Header.Clone()})
	gate, fail := s.tokenGate, s.tokenFail
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			// The client gave up (its transport sent TLS close_notify before
			// closing the socket). A hung endpoint never answers, so the
			// connection is dropped without one: returning would make net/http
			// send an implicit empty 200, which the client can still read in the
			// moment before its socket closes (a response racing the cancellation
			// wins in net/http's transport) and report as an unparseable token.
			panic(http.ErrAbortHandler)
		}
	}
	if fail != nil && fail(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, ok := s.clients[form["client_id"]]
	if !ok || secret != form["client_secret"] {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "access_denied", "error_description": "Unauthorized"})
		return
	}
	if form["grant_type"] == "password" {
		if pw, ok := s.users[form["username"]]; !ok || pw != form["password"] {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "invalid_grant", "error_description": "Wrong email or password."})
			return
		}
	}
	s.seq++
	tok := fmt.Sprintf("eyJhbGciOiJSUzI1NiJ9.tok-%d.sig", s.seq)
	s.valid[tok] = true
	s.seqOf[tok] = s.seq
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "scope": "raas.all", "expires_in": s.lifetime, "token_type": "Bearer"})
}

func (s *authServer) api(w http.ResponseWriter, r *http.Request) {
	s.apiCount.Add(1)
	auth := r.Header.Get("Authorization")
	s.mu.Lock()
	hook := s.apiHook
	s.mu.Unlock()
	if hook != nil {
		hook(auth)
	}
	s.mu.Lock()
	ok := false
	switch {
	case strings.HasPrefix(auth, "Bearer "):
		tok := strings.TrimPrefix(auth, "Bearer ")
		ok = s.valid[tok]
		if ok {
			s.lastSeq = s.seqOf[tok]
		}
	case strings.HasPrefix(auth, "Basic "):
		b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
		_, ok = s.basicKeys[string(b)]
		ok = ok && err == nil
	}
	s.mu.Unlock()
	if !ok {
		s.api401.Add(1)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"httpCode": 401, "i18nKey": "401.001", "message": "Unauthorized", "requestId": "req-401"})
		return
	}
	s.apiOK.Add(1)
	writeJSON(w, http.StatusOK, map[string]string{"seen": auth[:6]})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newTestClient builds a client for s; it is closed when the test ends.
func newTestClient(t *testing.T, s *authServer, auth tango.Auth, opts ...tango.Option) *tango.Client {
	t.Helper()
	opts = append([]tango.Option{
		tango.WithRootCAs(s.pool()),
		tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}),
		noPacing(),
	}, opts...)
	c, err := tango.NewClient(s.env(), auth, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// ping makes one authenticated API call.
func ping(ctx context.Context, c *tango.Client) error {
	_, err := c.Do(ctx, http.MethodGet, "/ping", nil, nil, nil)
	return err
}

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// debugLogger logs everything as JSON into a buffer.
func debugLogger() (*slog.Logger, *lockedBuffer) {
	buf := &lockedBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}
