package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// vars parses the KEY=value lines printed so far.
func vars(out string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

// start runs the command in the background and waits for its output.
func start(t *testing.T, ctx context.Context, args ...string) (map[string]string, *syncBuffer, chan int) {
	t.Helper()
	var stdout, stderr syncBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, args, &stdout, &stderr) }()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "TANGOTEST_UTID=") },
		5*time.Second, 5*time.Millisecond, "stderr: %s", stderr.String())
	return vars(stdout.String()), &stderr, code
}

func TestServesAndStopsOnContext(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env, stderr, code := start(t, ctx, "-addr", "127.0.0.1:0", "-ca-out", caFile, "-platform-name", "cli-platform", "-platform-key", "cli-key")

	assert.Equal(t, env["TANGOTEST_URL"]+"/raas/v2", env["TANGOTEST_API_BASE_URL"])
	assert.Equal(t, env["TANGOTEST_URL"]+"/oauth/token", env["TANGOTEST_TOKEN_URL"])
	assert.Equal(t, "cli-platform", env["TANGOTEST_PLATFORM_NAME"])
	assert.Equal(t, "cli-key", env["TANGOTEST_PLATFORM_KEY"])
	assert.NotEmpty(t, env["TANGOTEST_CLIENT_SECRET"])
	assert.Equal(t, caFile, env["TANGOTEST_CA_FILE"])

	pemBytes, err := os.ReadFile(caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	hc := &http.Client{Transport: tr}
	req, err := http.NewRequest(http.MethodGet, env["TANGOTEST_API_BASE_URL"]+"/accounts/"+env["TANGOTEST_ACCOUNT"], nil)
	require.NoError(t, err)
	req.SetBasicAuth(env["TANGOTEST_PLATFORM_NAME"], env["TANGOTEST_PLATFORM_KEY"])
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	tr.CloseIdleConnections()

	cancel()
	select {
	case c := <-code:
		assert.Equal(t, 0, c)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	assert.Contains(t, stderr.String(), "stopped")
}

func TestStopsOnSIGTERM(t *testing.T) {
	_, _, code := start(t, context.Background())
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	select {
	case c := <-code:
		assert.Equal(t, 0, c)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop on SIGTERM")
	}
}

func TestRefusesBadInvocations(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:0"},
		{"-addr", ":8443"},
		{"-token-lifetime", "1ms"},
		{"-order-tps", "-1"},
		{"-no-such-flag"},
		{"extra"},
	} {
		var stdout, stderr syncBuffer
		c := run(context.Background(), args, &stdout, &stderr)
		assert.Equal(t, 2, c, "%v", args)
		assert.Empty(t, stdout.String(), "nothing is served, so no credentials are printed")
		assert.NotEmpty(t, stderr.String())
	}
	var stdout, stderr syncBuffer
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, &stdout, &stderr))
}
