package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tango-sdk/tango-go"
)

// releaseScript deletes a lock only if it still holds our value.
var releaseScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// TokenStore is a tango.TokenStore in Redis, shared by the replicas of a service.
// Give it to tango.OAuth2 with tango.WithTokenStore.
//
// Load returns the stored token while it is fresh. When there is none, or it is
// due for renewal, one replica takes a lock (SET NX with WithLockTTL's expiry) and
// gets nil back, so it fetches a token; the others wait (polling every 50 ms,
// within the SDK's store timeout) for the token it saves. So N replicas that start
// cold, or reach the renewal time together, fetch one token between them.
//
// When Redis fails, Load reports no token and Save does nothing, so each process
// fetches its own token (one at a time: the SDK's single flight); the first
// failure is logged, and the next success too. It is safe for concurrent use.
type TokenStore struct {
	rdb    goredis.UniversalClient
	prefix string
	cfg    config

	mu     sync.Mutex
	locks  map[string]string // Redis key -> the value of the lock we hold on it
	health degraded
}

// NewTokenStore returns a TokenStore on rdb for the platform that credentialID
// names in env: the OAuth client id, never the secret (it only goes into a hash
// that namespaces the keys).
func NewTokenStore(rdb goredis.UniversalClient, env tango.Environment, credentialID string, opts ...Option) (*TokenStore, error) {
	prefix, err := namespace(rdb, env, credentialID)
	if err != nil {
		return nil, err
	}
	cfg, err := build(opts)
	if err != nil {
		return nil, err
	}
	return &TokenStore{
		rdb: rdb, prefix: prefix, cfg: cfg, locks: map[string]string{},
		health: degraded{logger: cfg.logger, what: "each process fetches its own OAuth token"},
	}, nil
}

// String describes the store without its content.
func (s *TokenStore) String() string { return "tango-go/redis.TokenStore" }

// GoString describes the store without its content.
func (s *TokenStore) GoString() string { return s.String() }

// record is a stored token as JSON.
type record struct {
	AccessToken string    `json:"access_token"`
	ObtainedAt  time.Time `json:"obtained_at"`
	Expiry      time.Time `json:"expiry"`
	Fingerprint string    `json:"fingerprint"`
}

// key is the Redis key for the SDK's store key (itself a hash of public facts).
func (s *TokenStore) key(k string) string { return s.prefix + ":token:" + k }

// Load implements tango.TokenStore.
func (s *TokenStore) Load(ctx context.Context, key string) (*tango.StoredToken, error) {
	rk := s.key(key)
	lock := rk + ":lock"
	for {
		st, err := s.get(ctx, rk)
		if err != nil {
			s.failed(ctx, err)
			return nil, nil // a Redis failure costs a token request, not the call: the SDK fetches its own
		}
		if st != nil && s.fresh(st) {
			s.ok()
			return st, nil
		}
		mine, err := s.lock(ctx, rk, lock)
		if err != nil {
			s.failed(ctx, err)
			return nil, nil // as above: this process fetches its own token
		}
		s.ok()
		if mine {
			return nil, nil // this process fetches; Save releases the lock
		}
		t := time.NewTimer(s.cfg.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			// Waited as long as the SDK allows: let this process fetch.
			return nil, nil
		case <-t.C:
		}
	}
}

// Save implements tango.TokenStore.
func (s *TokenStore) Save(ctx context.Context, key string, t *tango.StoredToken) error {
	if t == nil {
		return errors.New("tango redis: TokenStore: nil token")
	}
	rk := s.key(key)
	b, err := json.Marshal(record{AccessToken: t.AccessToken.Reveal(), ObtainedAt: t.ObtainedAt.UTC(), Expiry: t.Expiry.UTC(), Fingerprint: t.Fingerprint})
	if err != nil {
		return err
	}
	ttl := t.Expiry.Sub(s.cfg.now())
	if ttl <= 0 {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, s.cfg.opTimeout)
	defer cancel()
	if err := s.rdb.Set(rctx, rk, b, ttl).Err(); err != nil {
		s.failed(ctx, err)
		return nil // an unsaved token costs the other replicas a token request, not a call
	}
	s.ok()
	s.mu.Lock()
	v, held := s.locks[rk]
	delete(s.locks, rk)
	s.mu.Unlock()
	if held {
		_ = releaseScript.Run(rctx, s.rdb, []string{rk + ":lock"}, v).Err()
	}
	return nil
}

// get reads the record at rk; nil when there is none or it is unreadable.
func (s *TokenStore) get(ctx context.Context, rk string) (*tango.StoredToken, error) {
	rctx, cancel := context.WithTimeout(ctx, s.cfg.opTimeout)
	defer cancel()
	b, err := s.rdb.Get(rctx, rk).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r record
	if json.Unmarshal(b, &r) != nil || r.AccessToken == "" || !r.Expiry.After(r.ObtainedAt) {
		return nil, nil
	}
	return &tango.StoredToken{AccessToken: tango.NewSecret(r.AccessToken), ObtainedAt: r.ObtainedAt, Expiry: r.Expiry, Fingerprint: r.Fingerprint}, nil
}

// lock tries to take the fetch lock for rk.
func (s *TokenStore) lock(ctx context.Context, rk, lock string) (bool, error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	v := hex.EncodeToString(b[:])
	rctx, cancel := context.WithTimeout(ctx, s.cfg.opTimeout)
	defer cancel()
	ok, err := s.rdb.SetNX(rctx, lock, v, s.cfg.lockTTL).Result()
	if err != nil || !ok {
		return false, err
	}
	s.mu.Lock()
	s.locks[rk] = v
	s.mu.Unlock()
	return true, nil
}

// fresh reports whether st is not yet due for renewal, by the SDK's default
// rule or WithRefreshWindow.
func (s *TokenStore) fresh(st *tango.StoredToken) bool {
	life := st.Expiry.Sub(st.ObtainedAt)
	w := s.cfg.window
	if w == 0 {
		w = max(life/10, tango.MinRefreshWindow)
	}
	w = min(w, life/2)
	return s.cfg.now().Before(st.Expiry.Add(-w))
}

// failed logs a Redis failure once and turns it into "no token": the process
// fetches its own. A cancelled ctx is the caller's, not Redis's.
func (s *TokenStore) failed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	s.mu.Lock()
	s.health.failed(err)
	s.mu.Unlock()
}

// ok records that Redis answered.
func (s *TokenStore) ok() {
	s.mu.Lock()
	s.health.recovered()
	s.mu.Unlock()
}
