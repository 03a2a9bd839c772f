package tango_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// Planted secrets besides the API key: none may reach a log line or an error.
const (
	plantedRecipient = "grace.recipient+planted@example.com"
	plantedToken     = "tok_live_PLANTED_9f8e7d6c5b4a"
)

// logBuffer is a bytes.Buffer safe for concurrent writers (log handlers).
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *logBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *logBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// records parses the JSON lines of buf.
func (s *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		out = append(out, m)
	}
	return out
}

// debugJSONLogger logs everything at Debug and above into a buffer, as JSON.
func debugJSONLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func TestLoggerGetsOneRecordPerAttemptAndPerRetry(t *testing.T) {
	var n atomic.Int64
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeTangoError(w, r, http.StatusServiceUnavailable, "503.502", "Service temporarily unavailable")
			return
		}
		answerJSON(w, http.StatusOK, map[string]string{})
	})
	logger, buf := debugJSONLogger()
	c := newCoreClient(t, srv, tango.WithLogger(logger), quickRetries(3))
	_, err := c.Do(t.Context(), http.MethodGet, "/accounts/A-1", url.Values{"x": {"1"}}, nil, nil)
	require.NoError(t, err)

	recs := buf.records(t)
	require.Len(t, recs, 3, buf.String())

	first, retry, second := recs[0], recs[1], recs[2]
	assert.Equal(t, "tango attempt", first["msg"])
	assert.Equal(t, "DEBUG", first["level"])
	assert.Equal(t, "GET", first["method"])
	assert.Equal(t, "/accounts/A-1", first["path"], "the path without the query")
	assert.EqualValues(t, 503, first["status"])
	assert.EqualValues(t, 1, first["attempt"])
	assert.Contains(t, first, "duration")
	assert.Equal(t, "82b542f0-ed18-4021-8f8f-d176ae0982cd", first["request_id"])

	assert.Equal(t, "tango retry", retry["msg"])
	assert.Equal(t, "GET", retry["method"])
	assert.EqualValues(t, 1, retry["attempt"])
	assert.Contains(t, retry["reason"], "503")
	assert.Contains(t, retry, "delay")

	assert.Equal(t, "tango attempt", second["msg"])
	assert.EqualValues(t, 200, second["status"])
	assert.EqualValues(t, 2, second["attempt"])
	assert.Equal(t, "ok-request-id", second["request_id"])
}

func TestSilentByDefault(t *testing.T) {
	// Catch anything written to the process-wide loggers.
	var global logBuffer
	oldSlog, oldOut, oldFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(slog.New(slog.NewTextHandler(&global, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() {
		slog.SetDefault(oldSlog)
		log.SetOutput(oldOut)
		log.SetFlags(oldFlags)
	})

	var n atomic.Int64
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			writeTangoError(w, r, http.StatusServiceUnavailable, "503.502", "Service temporarily unavailable")
		case 2:
			resetConnection(t, w)
		default:
			writeTangoError(w, r, http.StatusNotFound, "404.005", "Order not found")
		}
	})
	c := newCoreClient(t, srv)
	_, err := getPing(t.Context(), c)
	require.ErrorIs(t, err, tango.ErrNotFound)
	assert.Empty(t, global.String(), "the SDK wrote to a global logger")
}

func TestNoSecretsInLogsOrErrors(t *testing.T) {
	planted := []string{
		testAPIKey, basicHeaderValue(), plantedRecipient, url.QueryEscape(plantedRecipient), plantedToken,
	}
	query := url.Values{"recipientEmail": {plantedRecipient}, "token": {plantedToken}}
	body := map[string]any{
		"recipient":        map[string]string{"email": plantedRecipient},
		"authorizationKey": plantedToken,
	}
	hang := func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices a gone client only after the body
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
			t.Error("the client never abandoned a hanging attempt")
		}
		panic(http.ErrAbortHandler)
	}

	var flaky atomic.Int64
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case apiRoot + "/flaky": // 503, then success
			if flaky.Add(1) == 1 {
				writeTangoError(w, r, http.StatusServiceUnavailable, "503.502", "Service temporarily unavailable")
				return
			}
			answerJSON(w, http.StatusOK, map[string]string{"token": plantedToken})
		case apiRoot + "/reset":
			resetConnection(t, w)
		case apiRoot + "/hang":
			hang(w, r)
		case apiRoot + "/fail":
			writeTangoError(w, r, http.StatusInternalServerError, "500.001", "unexpected")
		case apiRoot + "/invalid":
			writeTangoError(w, r, http.StatusBadRequest, "", "",
				wireFieldError{Path: "recipient.email", I18nKey: "422.134", Message: "not a well-formed email address", InvalidValue: plantedRecipient})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	logger, buf := debugJSONLogger()
	c := newCoreClient(t, srv, tango.WithLogger(logger), tango.WithAttemptTimeout(100*time.Millisecond), quickRetries(2))
	insecure := newCoreClient(t, srv, tango.WithLogger(logger), quickRetries(2),
		tango.WithRootCAs(tango.RootCAs())) // the server's chain is not pinned: refused in the handshake
	refused, err := tango.NewClient(tango.Environment{Name: "x", APIBaseURL: refusedLoopbackURL(t) + apiRoot},
		tango.BasicAuth(testPlatform, testAPIKey), tango.WithLogger(logger), quickRetries(2))
	require.NoError(t, err)
	t.Cleanup(func() { _ = refused.Close() })

	var errs []error
	do := func(c *tango.Client, method, path string, body any) {
		var out map[string]string
		_, err := c.Do(t.Context(), method, path, query, body, &out)
		errs = append(errs, err)
	}
	do(c, http.MethodGet, "/flaky", nil)
	do(c, http.MethodGet, "/reset", nil)
	do(c, http.MethodGet, "/hang", nil)
	do(c, http.MethodPost, "/hang", body)
	do(c, http.MethodPost, "/fail", body)
	do(c, http.MethodPost, "/invalid", body)
	do(c, http.MethodPost, "/reset", body)
	do(insecure, http.MethodPost, "/fail", body)
	do(refused, http.MethodGet, "/orders", nil)
	do(refused, http.MethodPost, "/orders", body)

	require.NoError(t, errs[0])
	for i, err := range errs[1:] {
		require.Error(t, err, "call %d", i+2)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out := fmt.Sprintf(verb, err)
			for _, p := range planted {
				assert.NotContains(t, out, p, "call %d leaks in its error (%s)", i+2, verb)
			}
		}
	}
	logs := buf.String()
	require.NotEmpty(t, logs)
	for _, p := range planted {
		assert.NotContains(t, logs, p, "the logs leak")
	}
	for _, cl := range []*tango.Client{c, insecure, refused} {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			out := fmt.Sprintf(verb, cl)
			for _, p := range planted {
				assert.NotContains(t, out, p)
			}
		}
	}
}
