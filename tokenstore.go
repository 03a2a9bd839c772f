package tango

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tango-sdk/tango-go/internal/tokencache"
)

// TokenStore keeps OAuth 2.0 tokens outside a client, so that they outlive it: across
// restarts, across the runs of a cron job, across the replicas of a service that share
// a database or a cache. Tango limits how often a platform may obtain new tokens; a
// store is how a fleet stays under that limit.
//
// Keys are opaque strings the SDK derives from the token URL and the client id (and a
// service account's username) through SHA-256; they never contain a secret. Records
// carry a fingerprint of the credentials that obtained the token, so a token obtained
// with rotated-out credentials is not reused.
//
// Implementations must be safe for concurrent use. Load returns (nil, nil) when it
// holds nothing for key. An error from either method is logged by the client, which
// then carries on without the store: a broken store costs token requests, not calls.
// Adapters for Redis, a database or a secret manager are a few lines each; keep the
// access token encrypted at rest where you can, since it is a bearer credential.
type TokenStore interface {
	// Load returns the token saved under key, or nil if there is none.
	Load(ctx context.Context, key string) (*StoredToken, error)
	// Save records t under key, replacing what was there.
	Save(ctx context.Context, key string, t *StoredToken) error
}

// StoredToken is what a TokenStore keeps for one client: a bearer token and when it
// was obtained and expires. AccessToken is a Secret: it prints as [REDACTED], and a
// store writes it with AccessToken.Reveal().
type StoredToken struct {
	// AccessToken is the bearer token.
	AccessToken Secret
	// ObtainedAt is when the token endpoint issued it (by the client's clock).
	ObtainedAt time.Time
	// Expiry is when it stops being valid (ObtainedAt plus expires_in).
	Expiry time.Time
	// Fingerprint identifies the credentials that obtained the token, without
	// revealing them (an HMAC keyed with the secret).
	Fingerprint string
}

// tokenStoreKey derives the store key from public facts only.
func tokenStoreKey(tokenURL string, c Credentials) string {
	sum := sha256.Sum256([]byte("tango-go/token-key/v1\x00" + tokenURL + "\x00" + c.ID + "\x00" + c.Username))
	return "tango-go:" + hex.EncodeToString(sum[:])
}

// cacheStore adapts a TokenStore to the token cache (internal/tokencache), which
// knows tokens but not StoredToken. A nil store stays nil: no store.
func cacheStore(s TokenStore) tokencache.Store {
	if s == nil {
		return nil
	}
	return storeAdapter{s}
}

// storeAdapter is a TokenStore as the token cache sees it.
type storeAdapter struct{ s TokenStore }

// Load returns the stored token under key, or nil.
func (a storeAdapter) Load(ctx context.Context, key string) (*tokencache.Token, error) {
	st, err := a.s.Load(ctx, key)
	if err != nil || st == nil {
		return nil, err
	}
	return &tokencache.Token{Access: st.AccessToken, Obtained: st.ObtainedAt, Expiry: st.Expiry, Fingerprint: st.Fingerprint}, nil
}

// Save stores t under key. The cache holds only tokens the SDK made, whose
// Access is a Secret.
func (a storeAdapter) Save(ctx context.Context, key string, t *tokencache.Token) error {
	access, ok := t.Access.(Secret)
	if !ok {
		return fmt.Errorf("tango: token store: the access token is a %T, not a Secret", t.Access)
	}
	return a.s.Save(ctx, key, &StoredToken{AccessToken: access, ObtainedAt: t.Obtained, Expiry: t.Expiry, Fingerprint: t.Fingerprint})
}

// NewMemoryTokenStore returns a TokenStore in process memory. A client keeps its own
// token in memory already; share one memory store between several clients of the same
// platform in a process so that they share one token.
func NewMemoryTokenStore() TokenStore {
	return &memoryTokenStore{m: map[string]StoredToken{}}
}

type memoryTokenStore struct {
	mu sync.Mutex
	m  map[string]StoredToken
}

func (s *memoryTokenStore) Load(_ context.Context, key string) (*StoredToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[key]
	if !ok {
		return nil, nil
	}
	return &t, nil
}

func (s *memoryTokenStore) Save(_ context.Context, key string, t *StoredToken) error {
	if t == nil {
		return errors.New("tango: memory token store: nil token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = *t
	return nil
}

// String describes the store without its content.
func (s *memoryTokenStore) String() string { return "MemoryTokenStore" }

// FileTokenStore returns a TokenStore that keeps tokens in the JSON file at path, for
// scripts run by cron and for single-host services. The file belongs to the store:
//
//   - It is written atomically (a temporary file in the same directory, synced, then
//     renamed over the old one) with mode 0600, so a crash never leaves half a file
//     and other users cannot read the tokens.
//   - A missing or empty file reads as empty. Anything else the store did not
//     write is refused, never overwritten: a symbolic link, a FIFO, a device or
//     any other non-regular file, a file larger than 1 MiB, content in another
//     format, and (on Unix) a file owned by another user or open to group or
//     others. Load and Save then return an error naming the reason, which the
//     client logs and carries on without the store: a refused file costs token
//     requests, never a call. Remove the file or choose another path.
//   - Load and Save honour their context: a call waiting for the store's lock
//     gives up when the context ends, and nothing blocks on a FIFO.
//   - One file can hold the tokens of several clients (keyed by token URL and client
//     id). Writers in one process are serialised; writers in separate processes may
//     lose each other's update, which costs one extra token request at worst.
//
// The directory must exist. The file holds bearer tokens: keep it on a private disk.
func FileTokenStore(path string) TokenStore {
	return &fileTokenStore{path: path, sem: make(chan struct{}, 1)}
}

type fileTokenStore struct {
	path string
	sem  chan struct{} // the store's lock, taken with lockCtx
}

// fileStoreFormat marks files written by this store.
const fileStoreFormat = "tango-go/token-store/v1"

// fileStoreDoc is the file's JSON shape.
type fileStoreDoc struct {
	Format string                     `json:"format"`
	Tokens map[string]fileStoreRecord `json:"tokens"`
}

type fileStoreRecord struct {
	AccessToken string    `json:"access_token"`
	ObtainedAt  time.Time `json:"obtained_at"`
	Expiry      time.Time `json:"expiry"`
	Fingerprint string    `json:"fingerprint"`
}

// String names the file, not its content.
func (s *fileTokenStore) String() string { return "FileTokenStore(" + s.path + ")" }

// GoString names the file, not its content.
func (s *fileTokenStore) GoString() string { return s.String() }

func (s *fileTokenStore) Load(ctx context.Context, key string) (*StoredToken, error) {
	if s.path == "" {
		return nil, errors.New("tango: FileTokenStore: empty path")
	}
	if err := s.lockCtx(ctx); err != nil {
		return nil, err
	}
	defer s.unlock()
	doc, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	r, ok := doc.Tokens[key]
	if !ok || r.AccessToken == "" || r.Expiry.IsZero() {
		return nil, nil
	}
	return &StoredToken{
		AccessToken: NewSecret(r.AccessToken),
		ObtainedAt:  r.ObtainedAt,
		Expiry:      r.Expiry,
		Fingerprint: r.Fingerprint,
	}, nil
}

func (s *fileTokenStore) Save(ctx context.Context, key string, t *StoredToken) error {
	if s.path == "" {
		return errors.New("tango: FileTokenStore: empty path")
	}
	if t == nil {
		return errors.New("tango: FileTokenStore: nil token")
	}
	if err := s.lockCtx(ctx); err != nil {
		return err
	}
	defer s.unlock()
	doc, err := s.read(ctx)
	if err != nil {
		return err
	}
	doc.Tokens[key] = fileStoreRecord{
		AccessToken: t.AccessToken.Reveal(),
		ObtainedAt:  t.ObtainedAt.UTC(),
		Expiry:      t.Expiry.UTC(),
		Fingerprint: t.Fingerprint,
	}
	return s.write(doc)
}

// read returns the file's tokens. A missing or empty file reads as empty; a file
// readTokenFile refuses, or whose content is not this store's, is an error.
func (s *fileTokenStore) read(ctx context.Context) (fileStoreDoc, error) {
	empty := fileStoreDoc{Format: fileStoreFormat, Tokens: map[string]fileStoreRecord{}}
	b, err := readTokenFile(ctx, s.path)
	if err != nil {
		return empty, fmt.Errorf("tango: FileTokenStore(%s): %w", s.path, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return empty, nil
	}
	var doc fileStoreDoc
	if json.Unmarshal(b, &doc) != nil || doc.Format != fileStoreFormat || doc.Tokens == nil {
		return empty, fmt.Errorf("tango: FileTokenStore(%s): %w: its content is not this store's format; remove it or choose another path", s.path, errForeignTokenFile)
	}
	return doc, nil
}

// write replaces the file atomically with mode 0600.
func (s *fileTokenStore) write(doc fileStoreDoc) (err error) {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("tango: FileTokenStore: %w", err)
	}
	dir, base := filepath.Split(s.path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("tango: FileTokenStore: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file 0600 already; Chmod states it and covers odd umasks.
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("tango: FileTokenStore: %w", err)
	}
	if _, err = tmp.Write(b); err != nil {
		return fmt.Errorf("tango: FileTokenStore: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("tango: FileTokenStore: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("tango: FileTokenStore: %w", err)
	}
	if err = os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("tango: FileTokenStore: %w", err)
	}
	return nil
}
