package tango_test

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
	"net/http"
	"net/http/httptest"
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
			return
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
