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
