//go:build unix

package tango_test

// FileTokenStore refuses what is not a private regular file of the current user,
// never blocks on a FIFO, and honours its context.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// validTokenFile is a token file this store would write, with one record.
const validTokenFile = `{"format":"tango-go/token-store/v1","tokens":{"k":{"access_token":"planted-token","obtained_at":"2030-01-01T00:00:00Z","expiry":"2030-01-01T01:00:00Z","fingerprint":"fp"}}}`

func TestFileTokenStoreRefusesUnsafeFiles(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
	}{
		{"symbolic link", func(t *testing.T, path string) {
			target := filepath.Join(filepath.Dir(path), "elsewhere.json")
			require.NoError(t, os.WriteFile(target, []byte(validTokenFile), 0o600))
			require.NoError(t, os.Symlink(target, path))
		}},
		{"fifo", func(t *testing.T, path string) { require.NoError(t, syscall.Mkfifo(path, 0o600)) }},
		{"directory", func(t *testing.T, path string) { require.NoError(t, os.Mkdir(path, 0o700)) }},
		{"group readable", func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte(validTokenFile), 0o600))
			require.NoError(t, os.Chmod(path, 0o640))
		}},
		{"too large", func(t *testing.T, path string) {
			big := bytes.Repeat([]byte(" "), 2<<20)
			require.NoError(t, os.WriteFile(path, append(big, validTokenFile...), 0o600))
		}},
		{"another user's", func(t *testing.T, path string) {
			if os.Geteuid() != 0 {
				t.Skip("needs root to give the file to another user")
			}
			require.NoError(t, os.WriteFile(path, []byte(validTokenFile), 0o600))
			require.NoError(t, os.Chown(path, 4242, 4242))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tokens.json")
			tc.prepare(t, path)
			before, _ := os.Lstat(path)
			store := tango.FileTokenStore(path)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			got, err := store.Load(ctx, "k")
			require.Error(t, err)
			assert.Nil(t, got)
			assert.NotContains(t, err.Error(), "planted-token")
			err = store.Save(ctx, "k", &tango.StoredToken{AccessToken: tango.NewSecret("new-token"), Expiry: time.Now().Add(time.Hour)})
			require.Error(t, err, "never overwritten")
			require.NoError(t, ctx.Err(), "refused at once, not after blocking")

			after, err := os.Lstat(path)
			require.NoError(t, err)
			assert.Equal(t, before.Mode(), after.Mode(), "left as it was")
			assert.Equal(t, before.ModTime(), after.ModTime())
		})
	}
}

// TestFileTokenStoreHonoursContext: a done context ends Load and Save at once.
func TestFileTokenStoreHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	require.NoError(t, os.WriteFile(path, []byte(validTokenFile), 0o600))
	store := tango.FileTokenStore(path)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := store.Load(ctx, "k")
	require.ErrorIs(t, err, context.Canceled)
	err = store.Save(ctx, "k", &tango.StoredToken{AccessToken: tango.NewSecret("x"), Expiry: time.Now()})
	require.ErrorIs(t, err, context.Canceled)

	got, err := store.Load(context.Background(), "k")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, "planted-token", got.AccessToken.Reveal())
}
