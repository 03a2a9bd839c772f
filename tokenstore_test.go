package tango_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// TestFileTokenStoreAcrossRuns runs two clients one after the other on the same file,
// as two runs of a cron job would: the second reuses the first one's token.
func TestFileTokenStoreAcrossRuns(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	path := filepath.Join(t.TempDir(), "tokens.json")
	ctx := context.Background()
	clock := newFakeClock()

	run := func() {
		c, err := tango.NewClient(s.env(), tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithTokenStore(tango.FileTokenStore(path))),
			tango.WithRootCAs(s.pool()), tango.WithClock(clock))
		require.NoError(t, err)
		defer func() { require.NoError(t, c.Close()) }()
		require.NoError(t, ping(ctx, c))
	}
	run()
	clock.Advance(time.Hour)
	run()
	assert.EqualValues(t, 1, s.tokenCount.Load(), "token requests over two runs")
	assert.EqualValues(t, 2, s.apiOK.Load())

	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary files left behind")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "client-secret-AAAA-1111", "the secret is never stored")
	assert.NotContains(t, string(raw), "client-1", "keys do not show the client id either")

	// Late in the token's life (inside the refresh window) a new run renews it.
	clock.Advance(22 * time.Hour)
	run()
	assert.EqualValues(t, 2, s.tokenCount.Load())
}

// TestFileTokenStoreRefusesForeignFiles: content the store did not write is
// refused and left as it is, never overwritten; the calls still succeed (a
// refused store costs a token request). An empty file is the store's to fill.
func TestFileTokenStoreRefusesForeignFiles(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name    string
		content string
	}{
		{name: "corrupt", content: `{"format":"tango-go/token-store/v1","tokens":{"`},
		{name: "foreign json", content: `{"tokens":{"x":{"access_token":"eyJ.foreign.x"}},"other":1}`},
		{name: "not json", content: "access_token=eyJ.foreign.x\n"},
		{name: "empty", content: ""},
		{name: "wrong types", content: `{"format":"tango-go/token-store/v1","tokens":[1,2,3]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(t)
			path := filepath.Join(t.TempDir(), "tokens.json")
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithTokenStore(tango.FileTokenStore(path))))
			require.NoError(t, ping(context.Background(), c))
			assert.EqualValues(t, 1, s.tokenCount.Load())

			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			if tt.content != "" {
				assert.Equal(t, tt.content, string(raw), "a foreign file is left as it was")
				_, err := tango.FileTokenStore(path).Load(context.Background(), "k")
				require.Error(t, err)
				return
			}
			var doc struct {
				Format string                     `json:"format"`
				Tokens map[string]json.RawMessage `json:"tokens"`
			}
			require.NoError(t, json.Unmarshal(raw, &doc), "the file was replaced by a valid store")
			assert.Equal(t, "tango-go/token-store/v1", doc.Format)
			assert.Len(t, doc.Tokens, 1)
		})
	}
}

// TestTokenStoreRecordsAreChecked: a stored token obtained with other credentials
// (a rotated secret), or refused by Tango, is not used.
func TestTokenStoreRecordsAreChecked(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	store := tango.NewMemoryTokenStore()
	ctx := context.Background()

	a := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithTokenStore(store)))
	require.NoError(t, ping(ctx, a))
	b := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithTokenStore(store)))
	require.NoError(t, ping(ctx, b))
	assert.EqualValues(t, 1, s.tokenCount.Load(), "two clients in one process share the stored token")

	s.setClient("client-1", "client-secret-BBBB-2222")
	rotated := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-BBBB-2222", tango.WithTokenStore(store)))
	require.NoError(t, ping(ctx, rotated))
	assert.EqualValues(t, 2, s.tokenCount.Load(), "a token from the old secret is not reused")

	// Tango refuses the stored token: the client fetches a new one instead of
	// reloading the refused one from the store.
	s.revokeAll()
	require.NoError(t, ping(ctx, rotated))
	assert.EqualValues(t, 3, s.tokenCount.Load())
}

// brokenStore fails every operation.
type brokenStore struct{}

func (brokenStore) Load(context.Context, string) (*tango.StoredToken, error) {
	return nil, errors.New("disk on fire")
}

func (brokenStore) Save(context.Context, string, *tango.StoredToken) error {
	return errors.New("disk on fire")
}

func TestBrokenTokenStoreDoesNotFailCalls(t *testing.T) {
	checkLeaks(t)
	s := newAuthServer(t)
	logger, logs := debugLogger()
	c := newTestClient(t, s, tango.OAuth2("client-1", "client-secret-AAAA-1111", tango.WithTokenStore(brokenStore{})), tango.WithLogger(logger))
	require.NoError(t, ping(context.Background(), c))
	assert.Contains(t, logs.String(), "disk on fire")
}

func TestFileTokenStoreRoundTripAndConcurrency(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	store := tango.FileTokenStore(path)
	ctx := context.Background()

	got, err := store.Load(ctx, "missing")
	require.NoError(t, err)
	assert.Nil(t, got)

	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			st := &tango.StoredToken{AccessToken: tango.NewSecret("tok-" + string(rune('a'+i))), ObtainedAt: now, Expiry: now.Add(time.Hour), Fingerprint: "fp"}
			assert.NoError(t, store.Save(ctx, "key-"+string(rune('a'+i)), st))
		})
	}
	wg.Wait()
	for i := range 20 {
		got, err := store.Load(ctx, "key-"+string(rune('a'+i)))
		require.NoError(t, err)
		require.NotNil(t, got, "writers in one process do not lose each other's records")
		assert.Equal(t, "tok-"+string(rune('a'+i)), got.AccessToken.Reveal())
		assert.True(t, got.Expiry.Equal(now.Add(time.Hour)))
		assert.Equal(t, "fp", got.Fingerprint)
	}
	assert.NotContains(t, store.(interface{ String() string }).String(), "tok-")

	require.Error(t, tango.FileTokenStore("").Save(ctx, "k", &tango.StoredToken{}))
	require.Error(t, store.Save(ctx, "k", nil))
	require.Error(t, tango.FileTokenStore(filepath.Join(t.TempDir(), "no", "such", "dir", "t.json")).
		Save(ctx, "k", &tango.StoredToken{AccessToken: tango.NewSecret("x"), Expiry: now}))
}

// FuzzFileTokenStoreLoad feeds arbitrary file content to the store: a load returns
// nil or a well-formed record, or refuses content that is not the store's, in
// which case a save refuses too and leaves the file as it was.
func FuzzFileTokenStoreLoad(f *testing.F) {
	f.Add([]byte(`{"format":"tango-go/token-store/v1","tokens":{"k":{"access_token":"a","expiry":"2030-01-01T00:00:00Z"}}}`))
	f.Add([]byte(`{"format":"tango-go/token-store/v1","tokens":{"k":{"access_token":"","expiry":"2030-01-01T00:00:00Z"}}}`))
	f.Add([]byte(`{"format":"other","tokens":{}}`))
	f.Add([]byte(`{"format":"tango-go/token-store/v1","tokens":{"k":{"expiry":"not a time"}}}`))
	f.Add([]byte("\x00\xff{"))
	f.Add([]byte(`null`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content []byte) {
		path := filepath.Join(dir, "tokens.json")
		require.NoError(t, os.WriteFile(path, content, 0o600))
		store := tango.FileTokenStore(path)
		got, err := store.Load(context.Background(), "k")
		if err != nil {
			require.Error(t, store.Save(context.Background(), "k2", &tango.StoredToken{AccessToken: tango.NewSecret("t"), Expiry: time.Unix(1, 0)}))
			raw, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			require.Equal(t, content, raw, "a refused file is never overwritten")
			return
		}
		if got != nil {
			assert.False(t, got.AccessToken.IsZero())
			assert.False(t, got.Expiry.IsZero())
		}
		require.NoError(t, store.Save(context.Background(), "k2", &tango.StoredToken{AccessToken: tango.NewSecret("t"), Expiry: time.Unix(1, 0)}))
		again, err := store.Load(context.Background(), "k2")
		require.NoError(t, err)
		require.NotNil(t, again)
		assert.Equal(t, "t", again.AccessToken.Reveal())
		assert.False(t, strings.Contains(again.Fingerprint, "\x00"))
	})
}
