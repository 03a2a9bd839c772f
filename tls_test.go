package tango_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
)

// readFingerprints parses a FINGERPRINTS.txt: "<file>  sha256=<hex>  subject=...".
func readFingerprints(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		fields := strings.Fields(line)
		require.GreaterOrEqual(t, len(fields), 2, "line %q", line)
		sum, ok := strings.CutPrefix(fields[1], "sha256=")
		require.True(t, ok, "line %q", line)
		out[fields[0]] = strings.ToLower(sum)
	}
	return out
}

// embeddedRoots parses every certs/*.pem file.
func embeddedRoots(t *testing.T) map[string]*x509.Certificate {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("certs", "*.pem"))
	require.NoError(t, err)
	out := map[string]*x509.Certificate{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		block, rest := pem.Decode(data)
		require.NotNil(t, block, f)
		require.Equal(t, "CERTIFICATE", block.Type, f)
		require.Empty(t, strings.TrimSpace(string(rest)), "%s holds one certificate", f)
		cert, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err, f)
		out[filepath.Base(f)] = cert
	}
	return out
}

func TestEmbeddedRootsMatchTheirFingerprints(t *testing.T) {
	roots := embeddedRoots(t)
	want := readFingerprints(t, filepath.Join("certs", "FINGERPRINTS.txt"))

	names := make([]string, 0, len(roots))
	for n := range roots {
		names = append(names, n)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"AmazonRootCA1.pem", "AmazonRootCA2.pem", "AmazonRootCA3.pem", "AmazonRootCA4.pem", "SFSRootCAG2.pem"}, names)
	require.Len(t, want, len(roots), "one fingerprint per certificate")

	for name, cert := range roots {
		sum := sha256.Sum256(cert.Raw)
		assert.Equal(t, want[name], hex.EncodeToString(sum[:]), name)
		assert.True(t, cert.IsCA, "%s is a CA", name)
		assert.Equal(t, cert.Subject.String(), cert.Issuer.String(), "%s is self-issued", name)
	}

	shared := "/work/shared/certs/FINGERPRINTS.txt"
	if _, err := os.Stat(shared); err != nil {
		t.Logf("skipping the comparison with %s: %v", shared, err)
		return
	}
	assert.Equal(t, readFingerprints(t, shared), want, "certs/FINGERPRINTS.txt differs from the reference copy")
}

func TestRootCAsHoldsExactlyTheFiveRoots(t *testing.T) {
	expected := x509.NewCertPool()
	for _, cert := range embeddedRoots(t) {
		expected.AddCert(cert)
	}
	pool := tango.RootCAs()
	require.True(t, pool.Equal(expected), "RootCAs differs from certs/*.pem")

	for name, cert := range embeddedRoots(t) {
		_, err := cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: cert.NotBefore.Add(time.Hour)})
		assert.NoError(t, err, "%s is trusted by RootCAs", name)
	}

	// A fresh pool each call: changing one changes no other.
	srv := newCoreServer(t, func(http.ResponseWriter, *http.Request) {})
	pool.AddCert(srv.Certificate())
	assert.True(t, tango.RootCAs().Equal(expected))
	assert.False(t, pool.Equal(expected))
	// Nor the pool a client with the default roots trusts, parsed once and shared.
	_, err := getPing(t.Context(), pinnedClient(t, srv, quickRetries(1)))
	assert.True(t, isUntrusted(err), "got %v", err)
}

// pinnedClient is a client with the default (Amazon) roots, aimed at srv.
func pinnedClient(t *testing.T, srv *coreServer, opts ...tango.Option) *tango.Client {
	t.Helper()
	base := []tango.Option{tango.WithClock(testclock.New(time.Now())), noPacing()}
	c, err := tango.NewClient(srv.env(), tango.BasicAuth(testPlatform, testAPIKey), append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// isUntrusted reports whether err says the server's certificate was not trusted.
func isUntrusted(err error) bool {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		verify   *tls.CertificateVerificationError
	)
	return errors.Is(err, tango.ErrUntrustedServer) || errors.As(err, &unknown) ||
		errors.As(err, &hostname) || errors.As(err, &verify)
}

func TestUntrustedServerIsRefusedWithoutRetry(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				answerJSON(w, http.StatusOK, map[string]string{})
			})
			c := pinnedClient(t, srv) // trusts the Amazon roots only
			_, err := c.Do(t.Context(), method, "/x", nil, map[string]string{"a": "b"}, nil)
			require.Error(t, err)
			assert.True(t, isUntrusted(err), "not a certificate error: %v", err)
			assert.NotErrorIs(t, err, tango.ErrOutcomeUnknown, "nothing was sent")
			assert.Equal(t, int64(1), srv.conns.Load(), "exactly one connection: certificate failures are never retried")
			assert.Zero(t, srv.hits.Load())
		})
	}
}

func TestWrongHostnameIsRefusedWithoutRetry(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	// The test certificate names example.com, 127.0.0.1 and ::1, not localhost.
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	env := tango.Environment{Name: "x", APIBaseURL: "https://localhost:" + u.Port() + apiRoot}
	c, err := tango.NewClient(env, tango.BasicAuth(testPlatform, testAPIKey), tango.WithRootCAs(srv.pool), tango.WithClock(testclock.New(time.Now())))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = getPing(t.Context(), c)
	require.Error(t, err)
	assert.True(t, isUntrusted(err), "not a certificate error: %v", err)
	assert.Equal(t, int64(1), srv.conns.Load())
	assert.Zero(t, srv.hits.Load())
}

func TestWithRootCAsTrustsTheTestServer(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	})
	c := newCoreClient(t, srv)
	var out map[string]string
	_, err := c.Do(t.Context(), http.MethodGet, "/x", nil, nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "yes", out["ok"])
}

func TestInsecureTransportIsRefused(t *testing.T) {
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	c, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey), tango.WithHTTPClient(hc))
	require.Error(t, err)
	assert.Nil(t, c)
	assert.Contains(t, err.Error(), "InsecureSkipVerify")
}

func TestWithHTTPClientTransportStillVerifies(t *testing.T) {
	// An *http.Transport with its own (permissive) roots is cloned onto the pinned pool.
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.pool}}}
	c := pinnedClient(t, srv, tango.WithHTTPClient(hc))
	_, err := getPing(t.Context(), c)
	require.Error(t, err)
	assert.True(t, isUntrusted(err), "the transport's own RootCAs must not replace the pinned pool: %v", err)
	assert.Zero(t, srv.hits.Load())
}

// wrapRT is a RoundTripper the SDK cannot look into.
type wrapRT struct{ base http.RoundTripper }

func (w wrapRT) RoundTrip(r *http.Request) (*http.Response, error) { return w.base.RoundTrip(r) }

func TestTransportsThatCouldSkipPinningAreRefused(t *testing.T) {
	skip := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	t.Cleanup(skip.CloseIdleConnections)
	tests := []struct {
		name string
		rt   http.RoundTripper
		want string
	}{
		{"a RoundTripper the SDK cannot look into", wrapRT{http.DefaultTransport}, "WithTransportMiddleware"},
		{"a wrapper around a transport that skips verification", wrapRT{skip}, "not an *http.Transport"},
		{"a transport with its own TLS dialer", &http.Transport{DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return tls.Dial(network, addr, &tls.Config{InsecureSkipVerify: true})
		}}, "DialTLSContext"},
		//lint:ignore SA1019 the deprecated hook is refused too
		{"a transport with DialTLS", &http.Transport{DialTLS: func(network, addr string) (net.Conn, error) {
			return tls.Dial(network, addr, &tls.Config{InsecureSkipVerify: true})
		}}, "DialTLS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey), tango.WithHTTPClient(&http.Client{Transport: tc.rt}))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTransportMiddlewareKeepsThePin(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	})
	var seen atomic.Int64
	mw := func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			seen.Add(1)
			return next.RoundTrip(r)
		})
	}

	// Against a server the pinned roots do not cover: refused in the handshake,
	// so the server never sees a request (nor the credentials it would carry).
	c := pinnedClient(t, srv, tango.WithTransportMiddleware(mw))
	_, err := c.Do(t.Context(), http.MethodGet, "/x", nil, nil, nil)
	require.Error(t, err)
	assert.True(t, isUntrusted(err), "%v", err)
	assert.Zero(t, srv.hits.Load(), "nothing reached the unpinned server")
	assert.Equal(t, int64(1), seen.Load(), "the middleware saw the attempt; not retried")

	// With roots that cover the server, the middleware sees every call.
	ok := newCoreClient(t, srv, tango.WithTransportMiddleware(mw))
	var out map[string]string
	_, err = ok.Do(t.Context(), http.MethodGet, "/x", nil, nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "yes", out["ok"])
	assert.Equal(t, int64(2), seen.Load())

	_, err = tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey),
		tango.WithTransportMiddleware(func(http.RoundTripper) http.RoundTripper { return nil }))
	require.ErrorContains(t, err, "nil RoundTripper")
	_, err = tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey), tango.WithTransportMiddleware(nil))
	require.ErrorContains(t, err, "nil middleware")
}

// rtFunc adapts a function to http.RoundTripper.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestServersBelowTLS12AreRefused(t *testing.T) {
	ts := newTLSVersionServer(t, tls.VersionTLS11)

	// The server does work, for a client that accepts TLS 1.1.
	old := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ts.pool, MinVersion: tls.VersionTLS10}}
	t.Cleanup(old.CloseIdleConnections)
	resp, err := (&http.Client{Transport: old}).Get(ts.URL + apiRoot + "/ping")
	require.NoError(t, err, "the TLS 1.1 server must work for a lenient client")
	assert.Equal(t, uint16(tls.VersionTLS11), resp.TLS.Version)
	_ = resp.Body.Close()
	hitsBefore := ts.hits.Load()

	c := newCoreClient(t, ts, quickRetries(2))
	_, err = getPing(t.Context(), c)
	require.Error(t, err)
	assert.Contains(t, strings.ToLower(err.Error()), "version")
	assert.Equal(t, hitsBefore, ts.hits.Load(), "no request reached the TLS 1.1 server")
}

// newTLSVersionServer starts a TLS server that speaks at most maxVersion.
func newTLSVersionServer(t *testing.T, maxVersion uint16) *coreServer {
	ts := &coreServer{}
	ts.Server = newUnstartedCounting(ts, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	ts.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: maxVersion}
	ts.StartTLS()
	ts.pool = x509.NewCertPool()
	ts.pool.AddCert(ts.Certificate())
	t.Cleanup(ts.Close)
	return ts
}

// connectProxy is a minimal HTTP CONNECT proxy on loopback that counts tunnels.
type connectProxy struct {
	l       net.Listener
	tunnels atomic.Int64
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   []net.Conn
	closed  bool
}

func newConnectProxy(t *testing.T) *connectProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &connectProxy{l: l}
	p.wg.Go(p.serve)
	t.Cleanup(p.close)
	return p
}

func (p *connectProxy) URL() *url.URL { return &url.URL{Scheme: "http", Host: p.l.Addr().String()} }

func (p *connectProxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			return
		}
		p.wg.Go(func() { p.handle(c) })
	}
}

// track remembers c so that close can end it; it refuses once the proxy is closed.
func (p *connectProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return false
	}
	p.conns = append(p.conns, c)
	return true
}

func (p *connectProxy) handle(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	if req.Method != http.MethodConnect {
		_, _ = io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
		return
	}
	up, err := net.Dial("tcp", req.Host)
	if err != nil {
		_, _ = io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	if !p.track(up) {
		return
	}
	defer up.Close()
	p.tunnels.Add(1)
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(up, br)
		_ = up.Close()
	}()
	_, _ = io.Copy(c, up)
	_ = c.Close()
	<-done
}

func (p *connectProxy) close() {
	_ = p.l.Close()
	p.mu.Lock()
	p.closed = true
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func TestProxyFromWithHTTPClientIsUsedAndVerificationStaysPinned(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	})
	proxy := newConnectProxy(t)
	hc := func() *http.Client {
		return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy.URL())}}
	}

	c := newCoreClient(t, srv, tango.WithHTTPClient(hc()))
	for range 3 {
		_, err := getPing(t.Context(), c)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), proxy.tunnels.Load(), "the calls went through one tunnel of the proxy")
	assert.Equal(t, int64(3), srv.hits.Load())

	// Through the same proxy, the pinned Amazon roots still decide.
	pinned := pinnedClient(t, srv, tango.WithHTTPClient(hc()))
	_, err := getPing(t.Context(), pinned)
	require.Error(t, err)
	assert.True(t, isUntrusted(err), "not a certificate error: %v", err)
	assert.Equal(t, int64(2), proxy.tunnels.Load(), "one more tunnel, and no retry")
	assert.Equal(t, int64(3), srv.hits.Load())
}

// What a caller's *http.Transport (WithHTTPClient) brings along must never see
// credentials or choose a connection the pinned handshake did not verify.

// TestCallerTLSNextProtoIsNotUsed: protocol upgrades registered on the caller's
// transport (as x/net/http2.ConfigureTransports does for "h2") are never handed
// a pinned connection or a credentialed request; net/http's own HTTP/2 is used.
func TestCallerTLSNextProtoIsNotUsed(t *testing.T) {
	ts := &coreServer{}
	ts.Server = newUnstartedCounting(ts, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{"proto": r.Proto})
	})
	ts.EnableHTTP2 = true
	ts.StartTLS()
	ts.pool = x509.NewCertPool()
	ts.pool.AddCert(ts.Certificate())
	t.Cleanup(ts.Close)

	var upgrades atomic.Int64
	var seenAuth atomic.Value
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{NextProtos: []string{"h2", "http/1.1"}},
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{
			"h2": func(string, *tls.Conn) http.RoundTripper {
				upgrades.Add(1)
				return rtFunc(func(r *http.Request) (*http.Response, error) {
					seenAuth.Store(r.Header.Get("Authorization"))
					return nil, errors.New("the caller's HTTP/2 transport")
				})
			},
		},
	}
	c := newCoreClient(t, ts, tango.WithHTTPClient(&http.Client{Transport: tr}), quickRetries(1))
	var out struct{ Proto string }
	_, err := c.Do(t.Context(), http.MethodGet, "/ping", nil, nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "HTTP/2.0", out.Proto, "net/http's own HTTP/2 served the call")
	assert.Zero(t, upgrades.Load(), "the caller's upgrade never got a connection")
	assert.Nil(t, seenAuth.Load())
}

// TestCallerProxySeesOnlyTheDestination: the caller's Proxy function still
// decides where requests go, but is handed neither headers (credentials) nor
// bodies (the token request's client secret) nor paths and queries.
func TestCallerProxySeesOnlyTheDestination(t *testing.T) {
	type seen struct{ auth, body, path, query string }
	var (
		mu    sync.Mutex
		calls []seen
	)
	proxy := func(r *http.Request) (*url.URL, error) {
		s := seen{auth: r.Header.Get("Authorization"), path: r.URL.Path, query: r.URL.RawQuery}
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			s.body = string(b)
		}
		mu.Lock()
		calls = append(calls, s)
		mu.Unlock()
		return nil, nil // direct
	}
	hc := func() *http.Client { return &http.Client{Transport: &http.Transport{Proxy: proxy}} }

	t.Run("basic", func(t *testing.T) {
		srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
			answerJSON(w, http.StatusOK, map[string]any{"page": map[string]any{}, "orders": []any{}})
		})
		c := newCoreClient(t, srv, tango.WithHTTPClient(hc()))
		_, err := c.Orders.List(t.Context(), &tango.ListOrdersParams{RecipientEmail: ordRecipientEmail})
		require.NoError(t, err)
	})
	t.Run("oauth2", func(t *testing.T) {
		srv := ordFake(t)
		c, err := tango.NewClient(srv.Environment(), tango.OAuth2(srv.ClientID(), srv.ClientSecret()),
			tango.WithRootCAs(srv.RootCAs()), tango.WithHTTPClient(hc()))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		_, err = c.Accounts.List(t.Context(), nil)
		require.NoError(t, err)
	})

	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, calls, "the caller's proxy function was consulted")
	for _, s := range calls {
		assert.Empty(t, s.auth, "no credentials")
		assert.Empty(t, s.body, "no body")
		assert.Empty(t, s.query, "no query")
		assert.Contains(t, []string{"", "/"}, s.path, "no path")
	}
}

// TestCallerLowerTLSMinimumIsRaised: a caller's TLS config that allows TLS 1.0
// does not lower the SDK's TLS 1.2 minimum.
func TestCallerLowerTLSMinimumIsRaised(t *testing.T) {
	ts := newTLSVersionServer(t, tls.VersionTLS11)
	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}
	c := newCoreClient(t, ts, tango.WithHTTPClient(&http.Client{Transport: tr}), quickRetries(1))
	_, err := getPing(t.Context(), c)
	require.Error(t, err)
	assert.Contains(t, strings.ToLower(err.Error()), "version")
	assert.Zero(t, ts.hits.Load(), "no request reached the TLS 1.1 server")
}

// TestUntrustedChainMatchesErrUntrustedServer: a real unknown-authority failure,
// for an API call and for a token fetch, matches ErrUntrustedServer and keeps
// the x509 error reachable.
func TestUntrustedChainMatchesErrUntrustedServer(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	t.Run("api call", func(t *testing.T) {
		c := pinnedClient(t, srv)
		_, err := getPing(t.Context(), c)
		require.ErrorIs(t, err, tango.ErrUntrustedServer)
		var verr *tls.CertificateVerificationError
		assert.ErrorAs(t, err, &verr)
	})
	t.Run("token fetch", func(t *testing.T) {
		env := srv.env()
		env.TokenURL = srv.URL + "/oauth/token"
		c, err := tango.NewClient(env, tango.OAuth2("client-1", "client-secret-PLANTED"), quickRetries(1))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		_, err = getPing(t.Context(), c)
		require.ErrorIs(t, err, tango.ErrUntrustedServer)
		assert.NotContains(t, err.Error(), "client-secret-PLANTED")
	})
}

// The transport under concurrent callers: connections are kept for reuse, TLS
// sessions resume, and a session cache shared with other transports never lets a
// connection skip the pinned roots.

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
