package tango_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

func basicOf(platform, key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(platform+":"+key))
}

func TestBasicAuthSendsKeyAndDoesNotReplayFixedKey(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.allowBasic("acme", "key-one-1111", true)
	var seen []string
	var mu sync.Mutex
	s.setHook(func(auth string) { mu.Lock(); seen = append(seen, auth); mu.Unlock() })

	c := newTestClient(t, s, tango.BasicAuth("acme", "key-one-1111"))
	require.NoError(t, ping(context.Background(), c))
	wrong := newTestClient(t, s, tango.BasicAuth("acme", "key-wrong-2222"))
	err := ping(context.Background(), wrong)
	require.ErrorIs(t, err, tango.ErrUnauthorized)

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{basicOf("acme", "key-one-1111"), basicOf("acme", "key-wrong-2222")}, seen,
		"a refused fixed key is not replayed")
	assert.EqualValues(t, 0, s.tokenCount.Load())
}

// TestBasicRotationNoFailedCall swaps the key of a live client while calls run,
// then revokes the old key while a call that carries it is on the wire: that call is
// refused, replayed with the new key, and succeeds. No call fails.
func TestBasicRotationNoFailedCall(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.allowBasic("acme", "key-old-1111", true)
	s.allowBasic("acme", "key-new-2222", true)
	creds := tango.NewRotatingCredentials(tango.Credentials{ID: "acme", Secret: tango.NewSecret("key-old-1111")})
	c := newTestClient(t, s, tango.BasicAuthFromProvider(creds))
	ctx := context.Background()

	// One call with the old key is held at the server until the rotation is done
	// and the old key revoked.
	held := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	s.setHook(func(auth string) {
		if auth == basicOf("acme", "key-old-1111") {
			once.Do(func() { close(held); <-release })
		}
	})
	heldErr := make(chan error, 1)
	go func() { heldErr <- ping(ctx, c) }()
	<-held

	// Meanwhile, steady traffic from other goroutines across the rotation.
	var failed atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := ping(ctx, c); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, creds.Rotate(tango.Credentials{ID: "acme", Secret: tango.NewSecret("key-new-2222")}))
	time.Sleep(20 * time.Millisecond)
	s.allowBasic("acme", "key-old-1111", false)
	close(release)
	require.NoError(t, <-heldErr, "the call on the wire during the revocation was replayed with the new key")
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()

	assert.Zero(t, failed.Load(), "no call failed across the rotation")
	assert.GreaterOrEqual(t, s.api401.Load(), int64(1), "the held call was refused once")
	before := s.api401.Load()
	require.NoError(t, ping(ctx, c))
	assert.Equal(t, before, s.api401.Load(), "after the rotation only the new key is sent")
}

func TestRotatingCredentialsRefusesEmpty(t *testing.T) {
	creds := tango.NewRotatingCredentials(tango.Credentials{ID: "acme", Secret: tango.NewSecret("key-old-1111")})
	require.Error(t, creds.Rotate(tango.Credentials{ID: "acme"}))
	require.Error(t, creds.Rotate(tango.Credentials{Secret: tango.NewSecret("x-key-1111")}))
	got, err := creds.Credentials(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "key-old-1111", got.Secret.Reveal(), "a refused rotation leaves the current credentials")
}

// TestBasicProviderConsultedAgainAfter401: a provider that is not a
// RotatingCredentials is read on first use and re-read after a refusal.
func TestBasicProviderConsultedAgainAfter401(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.allowBasic("acme", "key-new-2222", true)
	var calls atomic.Int64
	vault := tango.CredentialsProviderFunc(func(context.Context) (tango.Credentials, error) {
		key := "key-old-1111"
		if calls.Add(1) > 1 {
			key = "key-new-2222"
		}
		return tango.Credentials{ID: "acme", Secret: tango.NewSecret(key)}, nil
	})
	c := newTestClient(t, s, tango.BasicAuthFromProvider(vault))
	ctx := context.Background()
	require.NoError(t, ping(ctx, c), "old key refused, provider consulted, call replayed with the new key")
	require.NoError(t, ping(ctx, c))
	assert.EqualValues(t, 2, calls.Load(), "provider read on first use and once after the 401")
	assert.EqualValues(t, 1, s.api401.Load())
}

func TestOAuth2RotationDropsCachedToken(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.setClient("client-1", "client-secret-AAAA-1111")
	creds := tango.NewRotatingCredentials(tango.Credentials{ID: "client-1", Secret: tango.NewSecret("client-secret-AAAA-1111")})
	c := newTestClient(t, s, tango.OAuth2FromProvider(creds))
	ctx := context.Background()
	require.NoError(t, ping(ctx, c))
	require.NoError(t, ping(ctx, c))
	require.EqualValues(t, 1, s.tokenCount.Load())

	// Tango holds both secrets during the cut-over.
	s.setClient("client-2", "client-secret-BBBB-2222")
	require.NoError(t, creds.Rotate(tango.Credentials{ID: "client-2", Secret: tango.NewSecret("client-secret-BBBB-2222")}))
	require.NoError(t, ping(ctx, c))
	require.EqualValues(t, 2, s.tokenCount.Load(), "the rotation dropped the old token")
	reqs := s.tokenRequests()
	assert.Equal(t, "client-2", reqs[1].Form["client_id"])
	assert.Equal(t, "client-secret-BBBB-2222", reqs[1].Form["client_secret"])
	assert.Equal(t, 2, s.lastBearerSeq(), "calls use the token of the new credentials")

	s.removeClient("client-1")
	require.NoError(t, ping(ctx, c))
	assert.EqualValues(t, 2, s.tokenCount.Load())
}

// TestOAuth2ProviderConsultedAtRefresh: a vault-like provider is read each time a
// token is needed; when it hands out a new secret, the cached token from the old
// one is not kept.
func TestOAuth2ProviderConsultedAtRefresh(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	s.setLifetime(3600)
	s.setClient("client-1", "client-secret-BBBB-2222")
	var secret atomic.Value
	secret.Store("client-secret-AAAA-1111")
	var reads atomic.Int64
	vault := tango.CredentialsProviderFunc(func(ctx context.Context) (tango.Credentials, error) {
		reads.Add(1)
		if _, ok := ctx.Deadline(); !ok {
			return tango.Credentials{}, errors.New("provider called without a deadline")
		}
		return tango.Credentials{ID: "client-1", Secret: tango.NewSecret(secret.Load().(string))}, nil
	})
	clock := newFakeClock()
	c := newTestClient(t, s, tango.OAuth2FromProvider(vault), tango.WithClock(clock))
	ctx := context.Background()

	// The old secret no longer works at Tango: the fetch fails with a typed error.
	err := ping(ctx, c)
	require.ErrorIs(t, err, tango.ErrUnauthorized)
	// The vault gets the new secret; after the backoff the next fetch reads it.
	secret.Store("client-secret-BBBB-2222")
	clock.Advance(2 * time.Second)
	require.NoError(t, ping(ctx, c))
	require.NoError(t, ping(ctx, c))
	assert.EqualValues(t, 2, reads.Load(), "consulted once per token fetch, not per call")
	assert.EqualValues(t, 2, s.tokenCount.Load())
}

func TestProviderErrorIsReturned(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	boom := errors.New("vault sealed")
	vault := tango.CredentialsProviderFunc(func(context.Context) (tango.Credentials, error) {
		return tango.Credentials{}, boom
	})
	for _, auth := range []tango.Auth{tango.OAuth2FromProvider(vault), tango.BasicAuthFromProvider(vault)} {
		c := newTestClient(t, s, auth)
		err := ping(context.Background(), c)
		require.ErrorIs(t, err, boom)
		assert.Contains(t, err.Error(), "credentials provider")
	}
	assert.EqualValues(t, 0, s.tokenCount.Load())
	assert.EqualValues(t, 0, s.apiCount.Load())
}

func TestCredentialAgeWarning(t *testing.T) {
	checkLeaks(t)
	const day = 24 * time.Hour
	tests := []struct {
		name     string
		auth     func(now time.Time) tango.Auth
		wantWarn bool
	}{
		{name: "basic 200 days", auth: func(now time.Time) tango.Auth {
			return tango.BasicAuth("acme", "key-one-1111", tango.WithIssuedAt(now.Add(-200*day)))
		}, wantWarn: true},
		{name: "basic 100 days", auth: func(now time.Time) tango.Auth {
			return tango.BasicAuth("acme", "key-one-1111", tango.WithIssuedAt(now.Add(-100*day)))
		}},
		{name: "basic no date", auth: func(time.Time) tango.Auth { return tango.BasicAuth("acme", "key-one-1111") }},
		{name: "oauth2 60 days, max 30", auth: func(now time.Time) tango.Auth {
			return tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithIssuedAt(now.Add(-60*day)), tango.WithMaxCredentialAge(30*day))
		}, wantWarn: true},
		{name: "oauth2 provider 181 days", auth: func(now time.Time) tango.Auth {
			return tango.OAuth2FromProvider(tango.NewRotatingCredentials(tango.Credentials{
				ID: "client-1", Secret: tango.NewSecret("client-secret-AAAA-1111"), IssuedAt: now.Add(-181 * day)}))
		}, wantWarn: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(t)
			s.allowBasic("acme", "key-one-1111", true)
			clock := newFakeClock()
			logger, logs := debugLogger()
			c := newTestClient(t, s, tt.auth(clock.Now()), tango.WithClock(clock), tango.WithLogger(logger))
			for range 3 {
				require.NoError(t, ping(context.Background(), c))
			}
			n := strings.Count(logs.String(), "rotation age")
			if tt.wantWarn {
				assert.Equal(t, 1, n, "warned exactly once")
			} else {
				assert.Zero(t, n)
			}
		})
	}
}

func TestAuthOptionsValidate(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	noToken := s.env()
	noToken.TokenURL = ""
	plainToken := s.env()
	plainToken.TokenURL = "http://auth.example.com/oauth/token"
	tests := []struct {
		name string
		env  tango.Environment
		auth tango.Auth
		want string
	}{
		{"basic empty key", s.env(), tango.BasicAuth("acme", ""), "no secret"},
		{"basic empty platform", s.env(), tango.BasicAuth("", "key-one-1111"), "no id"},
		{"basic with token store", s.env(), tango.BasicAuth("acme", "key-one-1111", tango.WithTokenStore(tango.NewMemoryTokenStore())), "OAuth2 only"},
		{"oauth2 empty secret", s.env(), tango.OAuth2("client-1", ""), "no secret"},
		{"oauth2 no token url", noToken, tango.OAuth2("client-1", "client-secret-AAAA-1111"), "TokenURL"},
		{"oauth2 plain http token url", plainToken, tango.OAuth2("client-1", "client-secret-AAAA-1111"), "http"},
		{"service account no password", s.env(), tango.OAuth2ServiceAccount("client-1", "client-secret-AAAA-1111", "svc", ""), "no password"},
		{"nil store", s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithTokenStore(nil)), "nil store"},
		{"negative window", s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithRefreshWindow(-time.Second)), "WithRefreshWindow"},
		{"zero fetch timeout", s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithTokenFetchTimeout(0)), "WithTokenFetchTimeout"},
		{"bad audience", s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithAudience("raas")), "WithAudience"},
		{"zero issued at", s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithIssuedAt(time.Time{})), "WithIssuedAt"},
		{"zero max age", s.env(), tango.BasicAuth("acme", "key-one-1111", tango.WithMaxCredentialAge(0)), "WithMaxCredentialAge"},
		{"nil option", s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111", nil), "nil AuthOption"},
		{"nil provider", s.env(), tango.OAuth2FromProvider(nil), "nil provider"},
		{"issued at with provider", s.env(), tango.BasicAuthFromProvider(tango.NewRotatingCredentials(tango.Credentials{ID: "a", Secret: tango.NewSecret("key-one-1111")}), tango.WithIssuedAt(time.Now())), "Credentials.IssuedAt"},
		{"empty rotating credentials", s.env(), tango.OAuth2FromProvider(tango.NewRotatingCredentials(tango.Credentials{})), "no id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tango.NewClient(tt.env, tt.auth, tango.WithRootCAs(s.pool()))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
