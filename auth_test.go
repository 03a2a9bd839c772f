package tango_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Secrets planted in the redaction tests; none may appear in any output.
const (
	plantedKey      = "PLANTED-api-key-ZZ91"
	plantedSecret   = "PLANTED-client-secret-QQ77"
	plantedPassword = "PLANTED-password-WW55"
	plantedJWT      = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEVEIn0.c2lnbmF0dXJl"
)

// allFormats prints v through every fmt verb a log line or error message might use.
func allFormats(v any) string {
	var b strings.Builder
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%T"} {
		fmt.Fprintf(&b, f+"\n", v)
	}
	return b.String()
}

// assertNoSecrets fails if out holds a planted secret or a token the server issued.
func assertNoSecrets(t *testing.T, what, out string) {
	t.Helper()
	for _, secret := range []string{plantedKey, plantedSecret, plantedPassword, plantedJWT, ".tok-1.sig", ".tok-2.sig",
		fmt.Sprintf("%x", plantedSecret), fmt.Sprintf("%x", plantedKey)} {
		assert.NotContains(t, out, secret, "%s leaks a secret", what)
	}
}

func TestAuthValuesPrintRedacted(t *testing.T) {
	creds := tango.Credentials{ID: "client-1", Secret: tango.NewSecret(plantedSecret), Username: "svc", Password: tango.NewSecret(plantedPassword), IssuedAt: time.Now()}
	values := map[string]any{
		"BasicAuth":             tango.BasicAuth("acme", plantedKey),
		"BasicAuthFromProvider": tango.BasicAuthFromProvider(tango.NewRotatingCredentials(creds)),
		"OAuth2":                tango.OAuth2("client-1", plantedSecret),
		"OAuth2ServiceAccount":  tango.OAuth2ServiceAccount("client-1", plantedSecret, "svc", plantedPassword),
		"OAuth2FromProvider":    tango.OAuth2FromProvider(tango.NewRotatingCredentials(creds)),
		"Credentials":           creds,
		"*Credentials":          &creds,
		"RotatingCredentials":   tango.NewRotatingCredentials(creds),
		"StoredToken":           tango.StoredToken{AccessToken: tango.NewSecret(plantedJWT), Expiry: time.Now()},
		"*StoredToken":          &tango.StoredToken{AccessToken: tango.NewSecret(plantedJWT)},
		"[]Auth":                []tango.Auth{tango.BasicAuth("acme", plantedKey), tango.OAuth2("client-1", plantedSecret)},
		"struct with auth":      struct{ A tango.Auth }{tango.OAuth2ServiceAccount("client-1", plantedSecret, "svc", plantedPassword)},
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			out := allFormats(v)
			assertNoSecrets(t, name, out)
			assert.Contains(t, out, "[REDACTED]")

			var logs strings.Builder
			slog.New(slog.NewJSONHandler(&logs, nil)).Info("value", "v", v)
			slog.New(slog.NewTextHandler(&logs, nil)).Info("value", "v", v)
			assertNoSecrets(t, name+" in slog", logs.String())
		})
	}
}

// TestTokenEndpointErrorsAreScrubbed makes the token endpoint echo the secrets and a
// token in every shape x/oauth2 parses: the error and the logs must hold none.
func TestTokenEndpointErrorsAreScrubbed(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name        string
		contentType string
		status      int
		body        string
		unmarked    bool // the message quotes nothing of the body
	}{
		{"json rfc6749", "application/json", 401, `{"error":"invalid_client","error_description":"bad client_secret ` + plantedSecret + ` for password ` + plantedPassword + `"}`, false},
		{"json token in description", "application/json", 400, `{"error":"invalid_request","error_description":"previous token ` + plantedJWT + ` still valid"}`, false},
		{"plain echo of the form", "text/plain", 400, "client_id=client-1&client_secret=" + plantedSecret + "&password=" + plantedPassword, false},
		{"plain prose", "text/plain", 400, "Client acme client-1 sent " + plantedSecret + " and has exceeded the daily rate limit", false},
		{"html", "text/html", 403, "<html><body>denied " + plantedSecret + " " + plantedJWT + "</body></html>", false},
		{"form encoded error", "application/x-www-form-urlencoded", 400, "error=invalid_grant&error_description=" + plantedPassword, false},
		{"200 with access token and error", "application/json", 200, `{"access_token":"` + plantedJWT + `","error":"server_error","error_description":"` + plantedSecret + `"}`, false},
		{"200 unparseable", "application/json", 200, `{"access_token":"` + plantedJWT + `",`, true},
		{"200 wrong token type", "application/json", 200, `{"access_token":"` + plantedJWT + `","token_type":"` + plantedSecret + `","expires_in":60}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(t)
			s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
				return true
			})
			logger, logs := debugLogger()
			c := newTestClient(t, s, tango.OAuth2ServiceAccount("client-1", plantedSecret, "svc", plantedPassword), tango.WithLogger(logger))
			err := ping(context.Background(), c)
			require.Error(t, err)
			var te *tango.TokenError
			require.ErrorAs(t, err, &te)
			assertNoSecrets(t, "error", allFormats(err))
			assertNoSecrets(t, "TokenError", allFormats(te))
			assertNoSecrets(t, "logs", logs.String())
			assertNoSecrets(t, "client", allFormats(c))
			if tt.status != 200 {
				assert.Equal(t, tt.status, te.StatusCode)
			}
			if !tt.unmarked {
				assert.Contains(t, err.Error(), "[REDACTED]", "the secret's place is marked")
			}
		})
	}
}

// TestSuccessfulFlowLeaksNothing runs OAuth2 and Basic calls, a refresh and a 401
// with a debug logger, and scans everything printable for the secrets and tokens.
func TestSuccessfulFlowLeaksNothing(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.setClient("client-1", plantedSecret)
	s.allowBasic("acme", plantedKey, true)
	logger, logs := debugLogger()
	clock := newFakeClock()
	ctx := context.Background()

	oc := newTestClient(t, s, tango.OAuth2("client-1", plantedSecret, tango.WithIssuedAt(clock.Now().Add(-365*24*time.Hour))),
		tango.WithLogger(logger), tango.WithClock(clock))
	require.NoError(t, ping(ctx, oc))
	s.revokeAll()
	require.NoError(t, ping(ctx, oc)) // 401, invalidate, new token, replay
	clock.Advance(23 * time.Hour)
	require.NoError(t, ping(ctx, oc)) // background refresh
	require.Eventually(t, func() bool { return s.tokenCount.Load() == 3 }, 5*time.Second, time.Millisecond)

	bc := newTestClient(t, s, tango.BasicAuth("acme", plantedKey), tango.WithLogger(logger))
	require.NoError(t, ping(ctx, bc))
	wrong := newTestClient(t, s, tango.BasicAuth("acme", "PLANTED-api-key-ZZ91-wrong"), tango.WithLogger(logger))
	err := ping(ctx, wrong)
	require.Error(t, err)

	assert.Contains(t, logs.String(), "rotation age", "the age warning was logged")
	assertNoSecrets(t, "logs", logs.String())
	assertNoSecrets(t, "error", allFormats(err))
	assert.NotContains(t, allFormats(err), "PLANTED-api-key-ZZ91-wrong")
	assertNoSecrets(t, "clients", allFormats(oc)+allFormats(bc))
}

// FuzzTokenErrorScrubbing has the token endpoint answer with arbitrary status,
// content type and body around the planted secret: the error never holds it.
func FuzzTokenErrorScrubbing(f *testing.F) {
	f.Add(400, "application/json", `{"error":"invalid_client","error_description":"`, `"}`)
	f.Add(401, "text/plain", "client_secret=", "&x=1")
	f.Add(200, "application/json", `{"access_token":"`, `"}`)
	f.Add(500, "text/html", "<p>", "</p>")
	f.Add(429, "application/x-www-form-urlencoded", "error=slow_down&error_description=", "")
	f.Add(403, "", "\x00\xff", "\n\r")
	s := newAuthServer(f)
	var answer atomic.Value
	s.setFail(func(w http.ResponseWriter, _ *http.Request) bool {
		a := answer.Load().([3]string)
		w.Header().Set("Content-Type", a[0])
		var status int
		_, _ = fmt.Sscan(a[2], &status)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(a[1]))
		return true
	})
	f.Fuzz(func(t *testing.T, status int, contentType, before, after string) {
		if status < 200 || status > 599 {
			status = 400
		}
		answer.Store([3]string{contentType, before + plantedSecret + after, fmt.Sprint(status)})
		c, err := tango.NewClient(s.env(), tango.OAuth2("client-1", plantedSecret), tango.WithRootCAs(s.pool()),
			tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		defer c.Close()
		err = ping(context.Background(), c)
		if err == nil {
			return // the fuzzer made a valid token answer
		}
		assert.NotContains(t, allFormats(err), plantedSecret)
	})
}

// These tests run the authenticators against tangotest, the fake Tango, whose token
// endpoint and API are written independently of the SDK.

func fakeClient(t *testing.T, srv *tangotest.Server, auth tango.Auth, opts ...tango.Option) *tango.Client {
	t.Helper()
	opts = append([]tango.Option{tango.WithRootCAs(srv.RootCAs()), tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}), noPacing()}, opts...)
	c, err := tango.NewClient(srv.Environment(), auth, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func listAccounts(ctx context.Context, c *tango.Client) error {
	_, err := c.Do(ctx, http.MethodGet, "/accounts", nil, nil, nil)
	return err
}

func TestAuthAgainstTangotest(t *testing.T) {
	checkLeaks(t)
	srv := tangotest.NewServer(tangotest.WithServiceAccount("svc-user", "svc-password-1234"))
	t.Cleanup(srv.Close)
	tests := []struct {
		name       string
		auth       tango.Auth
		wantTokens int
	}{
		{"basic", tango.BasicAuth(srv.PlatformName(), srv.PlatformKey()), 0},
		{"oauth2", tango.OAuth2(srv.ClientID(), srv.ClientSecret()), 1},
		{"service account", tango.OAuth2ServiceAccount(srv.ClientID(), srv.ClientSecret(), "svc-user", "svc-password-1234"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.TokenRequests()
			c := fakeClient(t, srv, tt.auth)
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() { assert.NoError(t, listAccounts(context.Background(), c)) })
			}
			wg.Wait()
			assert.Equal(t, tt.wantTokens, srv.TokenRequests()-before)
		})
	}
}

func TestTangotestTokenFaults(t *testing.T) {
	checkLeaks(t)
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()

	// Quota: typed, not the credentials' fault, and asked once.
	remove := srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Action: tangotest.TokenQuotaExceeded()})
	c := fakeClient(t, srv, tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 6}))
	for range 5 {
		err := listAccounts(ctx, c)
		require.ErrorIs(t, err, tango.ErrTokenQuota)
		require.NotErrorIs(t, err, tango.ErrUnauthorized)
	}
	assert.Equal(t, 1, srv.TokenRequests())
	remove()

	// Revoked tokens: one new token, each call replayed once.
	c2 := fakeClient(t, srv, tango.OAuth2(srv.ClientID(), srv.ClientSecret()))
	require.NoError(t, listAccounts(ctx, c2))
	srv.ExpireTokens()
	require.NoError(t, listAccounts(ctx, c2))
	assert.Equal(t, 3, srv.TokenRequests())
}

// TestTangotestRefreshAndOutage runs the fake and the client on one fake clock: a
// token endpoint outage during the refresh window does not fail calls, and the token
// is renewed once the endpoint is back.
func TestTangotestRefreshAndOutage(t *testing.T) {
	checkLeaks(t)
	clock := newFakeClock()
	srv := tangotest.NewServer(tangotest.WithClock(clock.Now), tangotest.WithTokenLifetime(time.Hour))
	t.Cleanup(srv.Close)
	logger, logs := debugLogger()
	c := fakeClient(t, srv, tango.OAuth2(srv.ClientID(), srv.ClientSecret()), tango.WithClock(clock), tango.WithLogger(logger))
	ctx := context.Background()
	require.NoError(t, listAccounts(ctx, c))

	remove := srv.Inject(tangotest.Fault{Path: tangotest.PathToken, Action: tangotest.TokenOutage()})
	clock.Advance(55 * time.Minute) // inside the 6-minute window
	for range 5 {
		require.NoError(t, listAccounts(ctx, c))
	}
	// Wait until the client has recorded the failure (and its backoff).
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "refresh failed") }, 5*time.Second, time.Millisecond)
	assert.Equal(t, 4, srv.TokenRequests(), "the failing refresh asked three times (a 503 is transient)")
	remove()

	clock.Advance(2 * time.Second) // past the first backoff
	require.NoError(t, listAccounts(ctx, c))
	require.Eventually(t, func() bool { return srv.TokensIssued() == 2 }, 5*time.Second, time.Millisecond)
	clock.Advance(6 * time.Minute) // the first token has expired at the fake
	require.NoError(t, listAccounts(ctx, c))
	assert.Equal(t, 5, srv.TokenRequests())
}

func TestTangotestFileStoreSharedByTwoClients(t *testing.T) {
	checkLeaks(t)
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "tokens.json")
	for range 2 {
		c, err := tango.NewClient(srv.Environment(),
			tango.OAuth2(srv.ClientID(), srv.ClientSecret(), tango.WithTokenStore(tango.FileTokenStore(path))),
			tango.WithRootCAs(srv.RootCAs()))
		require.NoError(t, err)
		require.NoError(t, listAccounts(context.Background(), c))
		require.NoError(t, c.Close())
	}
	assert.Equal(t, 1, srv.TokenRequests())
}
