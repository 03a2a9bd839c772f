package tangotest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	tango "github.com/tango-sdk/tango-go"
)

// Paths of the fake, for Fault.Path and RequestCount.
const (
	// APIPrefix is the root of every RaaS endpoint.
	APIPrefix = "/raas/v2"
	// PathToken is the OAuth 2.0 token endpoint.
	PathToken = "/oauth/token"
	// PathOrders is POST /orders (create) and GET /orders (list).
	PathOrders = APIPrefix + "/orders"
	// PathCatalogs is GET /catalogs.
	PathCatalogs = APIPrefix + "/catalogs"
)

// DefaultPlatformName is the platform name the fake accepts for HTTP Basic unless
// WithCredentials sets another.
const DefaultPlatformName = "tangotest-platform"

// Server is a fake Tango RaaS v2 API on loopback, served over HTTPS with a
// certificate from its own test CA. It keeps customers, accounts with balances, a
// catalog and orders in memory, issues OAuth tokens, and can be told to misbehave
// (see Inject). All methods are safe for concurrent use.
//
// A Server is like an httptest.Server: start it with NewServer, point a client at
// Environment() with RootCAs(), and Close it when the test ends.
type Server struct {
	cfg config
	ca  *testCA

	ln        net.Listener
	srv       *http.Server
	url       string
	baseCtx   context.Context
	cancel    context.CancelFunc
	handlers  tracker
	holds     holds // requests Latency faults held, and those abandoned (holds.go)
	conns     tracker
	serveDone chan struct{}
	closeOnce sync.Once
	routes    []route
	hooks     *webhooks // webhook subscriptions (webhooks.go)

	// mu guards everything below.
	mu           sync.Mutex
	rng          *mrand.Rand
	customers    map[string]*customer
	customerList []*customer
	accounts     map[string]*account
	accountList  []*account
	accountSeq   int
	items        map[string]*item
	itemList     []*item
	rates        map[string]rate
	orders       []*order
	ordersByRef  map[string]*order
	ordersByKey  map[orderKey]*order
	inFlight     map[orderKey]bool
	orderSeq     int
	resendSeq    int64
	lastOrderAt  time.Time
	tokens       map[string]*token
	tokenSeq     uint64
	revokedUpTo  uint64
	faults       []*injected
	requests     []Request
	counts       map[string]int
	async        asyncStore // asyncorders.go
}

// NewServer starts a fake on 127.0.0.1 with a random port. Like httptest.NewServer it
// panics when it cannot start (no free port, an invalid option): a test cannot go on
// without it.
func NewServer(opts ...Option) *Server {
	s, err := Start("127.0.0.1:0", opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Start starts a fake on addr, which must be a loopback address ("127.0.0.1:0",
// "[::1]:8443", "localhost:9000"): the fake never listens where other machines can
// reach it. It returns an error instead of panicking, for programs such as
// cmd/tangotest.
func Start(addr string, opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if err := fillCredentials(&cfg); err != nil {
		return nil, err
	}
	listenAddr, err := loopbackAddr(addr)
	if err != nil {
		return nil, err
	}
	ca, err := newTestCA(cfg.certLifetime)
	if err != nil {
		return nil, err
	}

	s := &Server{
		cfg:         cfg,
		ca:          ca,
		serveDone:   make(chan struct{}),
		rng:         mrand.New(mrand.NewPCG(uint64(cfg.seed), 0x7a6e676f)),
		customers:   map[string]*customer{},
		accounts:    map[string]*account{},
		items:       map[string]*item{},
		rates:       map[string]rate{},
		ordersByRef: map[string]*order{},
		ordersByKey: map[orderKey]*order{},
		inFlight:    map[orderKey]bool{},
		tokens:      map[string]*token{},
		counts:      map[string]int{},
	}
	s.routes = s.apiRoutes()
	if cfg.fixtures {
		if err := s.loadFixtures(); err != nil {
			return nil, err
		}
	}

	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", listenAddr)
	if err != nil {
		return nil, fmt.Errorf("tangotest: listen on %s: %w", listenAddr, err)
	}
	s.ln = ln
	s.url = "https://" + ln.Addr().String()
	s.baseCtx, s.cancel = context.WithCancel(context.Background())
	s.srv = &http.Server{
		Handler: s.edge(),
		TLSConfig: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{ca.leaf},
			NextProtos:   []string{"http/1.1"},
		},
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.baseCtx },
		ConnState:         s.connState,
		// TLS handshake failures of clients that do not trust the fake are expected.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.serveDone)
		_ = s.srv.Serve(tls.NewListener(ln, s.srv.TLSConfig))
	}()
	return s, nil
}

// loopbackAddr checks that addr names a loopback host and returns the address to
// listen on.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("tangotest: address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("tangotest: address %q is not a loopback address; the fake only listens on 127.0.0.1, ::1 or localhost", addr)
	}
	return addr, nil
}

// fillCredentials generates the credentials the options left empty.
func fillCredentials(c *config) error {
	gen := func(dst *string, prefix string, n int) error {
		if *dst != "" {
			return nil
		}
		b := make([]byte, n)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("tangotest: random credentials: %w", err)
		}
		*dst = prefix + hex.EncodeToString(b)
		return nil
	}
	if c.platformName == "" {
		c.platformName = DefaultPlatformName
	}
	for _, g := range []struct {
		dst    *string
		prefix string
		n      int
	}{{&c.platformKey, "ttkey-", 16}, {&c.clientID, "ttclient-", 8}, {&c.clientSecret, "ttsecret-", 20}} {
		if err := gen(g.dst, g.prefix, g.n); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the server: it refuses new connections, cancels the context of every
// request in flight (held latency faults end at once), closes every connection and
// waits until all handlers and connection goroutines have returned. It is safe to
// call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.handlers.close()
		s.cancel()
		s.conns.close()
		_ = s.srv.Close()
		s.handlers.wait()
		s.conns.wait()
		<-s.serveDone
	})
}

// connState counts connections so that Close can wait for every one to end.
func (s *Server) connState(nc net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		if !s.conns.enter() {
			// Accepted while Close ran: count it (its StateClosed follows) and end it.
			s.conns.forceEnter()
			_ = nc.Close()
		}
	case http.StateClosed, http.StateHijacked:
		s.conns.leave()
	}
}

// URL returns the server's root, https://127.0.0.1:PORT.
func (s *Server) URL() string { return s.url }

// Environment returns a tango.Environment that points at the fake: Name "tangotest",
// APIBaseURL URL()+"/raas/v2", TokenURL URL()+"/oauth/token".
func (s *Server) Environment() tango.Environment {
	return tango.Environment{Name: "tangotest", APIBaseURL: s.url + APIPrefix, TokenURL: s.url + PathToken}
}

// RootCAs returns a pool that trusts the fake's CA; pass it to tango.WithRootCAs or
// to a tls.Config. Each call returns a new pool.
func (s *Server) RootCAs() *x509.CertPool { return s.ca.pool.Clone() }

// CACertPEM returns the fake's CA certificate in PEM form.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.ca.certPEM...) }

// Client returns an *http.Client that trusts the fake's CA and nothing else, for
// tests that speak to the fake without the SDK.
func (s *Server) Client() *http.Client {
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: s.RootCAs(), MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: false,
	}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// PlatformName returns the platform name the fake accepts for HTTP Basic.
func (s *Server) PlatformName() string { return s.cfg.platformName }

// PlatformKey returns the platform key (API key) the fake accepts for HTTP Basic.
func (s *Server) PlatformKey() string { return s.cfg.platformKey }

// ClientID returns the OAuth client ID the token endpoint accepts.
func (s *Server) ClientID() string { return s.cfg.clientID }

// ClientSecret returns the OAuth client secret the token endpoint accepts.
func (s *Server) ClientSecret() string { return s.cfg.clientSecret }

// BasicAuth returns tango.BasicAuth(PlatformName(), PlatformKey()).
func (s *Server) BasicAuth() tango.Auth {
	return tango.BasicAuth(s.cfg.platformName, s.cfg.platformKey)
}

// String names the server by URL; it never prints credentials or state.
func (s *Server) String() string { return "tangotest.Server(" + s.url + ")" }

// GoString is String, so that %#v does not dump the credentials either.
func (s *Server) GoString() string { return s.String() }

// Format prints String for every verb, so that no fmt verb reaches the fields.
func (s *Server) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// now reads the configured clock, moved by WithClockSkew.
func (s *Server) now() time.Time { return s.cfg.now().Add(s.cfg.skew) }
