package redis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tango-sdk/tango-go/webhook"
)

// Webhook store defaults.
const (
	// DefaultClaimTTL bounds how long a claim on an event outlives a receiver
	// that died while processing it; after that, Tango's next delivery runs.
	DefaultClaimTTL = 5 * time.Minute
	// DefaultDoneTTL is how long processed eventIds are remembered.
	DefaultDoneTTL = 7 * 24 * time.Hour
)

// claimScript: ARGV[1] claim TTL in ms. Returns 0 new claim, 1 done, 2 busy.
var claimScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], 'busy', 'PX', ARGV[1])
  return 0
elseif v == 'done' then
  return 1
end
return 2
`)

// releaseClaimScript drops a claim that is still a claim.
var releaseClaimScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == 'busy' then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// advanceScript raises the recorded revision to ARGV[1] when it is larger.
var advanceScript = goredis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur or tonumber(ARGV[1]) > tonumber(cur) then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0
`)

// WebhookStoreConfig configures a WebhookStore.
type WebhookStoreConfig struct {
	// Namespace separates the keys of different subscriptions or services
	// (such as the webhookId); required, printable, at most 128 characters.
	Namespace string
	// ClaimTTL and DoneTTL: DefaultClaimTTL and DefaultDoneTTL when zero.
	ClaimTTL, DoneTTL time.Duration
	// Timeout bounds each Redis operation (default 2 s).
	Timeout time.Duration
}

// WebhookStore is a webhook.Store on Redis, for a fleet of receivers behind
// one subscription: processed eventIds and per-entity revisions are shared, so
// a redelivery that lands on another replica is still dropped.
//
// Unlike the RateLimiter and TokenStore, it does not degrade when Redis cannot
// be reached: its errors make the webhook handler answer 500, so that Tango
// delivers again later, rather than process an event twice.
type WebhookStore struct {
	rdb               goredis.UniversalClient
	prefix            string
	claimTTL, doneTTL time.Duration
	timeout           time.Duration
}

var _ webhook.Store = (*WebhookStore)(nil)

// NewWebhookStore returns a WebhookStore on rdb.
func NewWebhookStore(rdb goredis.UniversalClient, cfg WebhookStoreConfig) (*WebhookStore, error) {
	if rdb == nil {
		return nil, errors.New("tango redis: NewWebhookStore: nil Redis client")
	}
	ns := cfg.Namespace
	if ns == "" || len(ns) > 128 || strings.ContainsFunc(ns, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return nil, errors.New("tango redis: NewWebhookStore: Namespace must be 1 to 128 printable characters")
	}
	s := &WebhookStore{rdb: rdb, prefix: "tango-go:webhook:" + ns + ":", claimTTL: cfg.ClaimTTL, doneTTL: cfg.DoneTTL, timeout: cfg.Timeout}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"ClaimTTL", &s.claimTTL, DefaultClaimTTL}, {"DoneTTL", &s.doneTTL, DefaultDoneTTL}, {"Timeout", &s.timeout, 2 * time.Second}} {
		switch {
		case *d.v == 0:
			*d.v = d.def
		case *d.v < time.Millisecond || *d.v > 365*24*time.Hour:
			return nil, fmt.Errorf("tango redis: NewWebhookStore: %s %v is out of range", d.name, *d.v)
		}
	}
	return s, nil
}

// key hashes an outside value (eventId, entity) into a bounded key.
func (s *WebhookStore) key(kind, v string) string {
	sum := sha256.Sum256([]byte(v))
	return s.prefix + kind + ":" + hex.EncodeToString(sum[:16])
}

func (s *WebhookStore) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// Claim implements webhook.Store.
func (s *WebhookStore) Claim(ctx context.Context, eventID string) (webhook.Claim, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	n, err := claimScript.Run(ctx, s.rdb, []string{s.key("event", eventID)}, s.claimTTL.Milliseconds()).Int()
	if err != nil {
		return 0, fmt.Errorf("tango redis: webhook claim: %w", err)
	}
	switch n {
	case 0:
		return webhook.ClaimNew, nil
	case 1:
		return webhook.ClaimDone, nil
	}
	return webhook.ClaimBusy, nil
}

// Release implements webhook.Store.
func (s *WebhookStore) Release(ctx context.Context, eventID string) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	if err := releaseClaimScript.Run(ctx, s.rdb, []string{s.key("event", eventID)}).Err(); err != nil {
		return fmt.Errorf("tango redis: webhook release: %w", err)
	}
	return nil
}

// Complete implements webhook.Store.
func (s *WebhookStore) Complete(ctx context.Context, eventID string) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	if err := s.rdb.Set(ctx, s.key("event", eventID), "done", s.doneTTL).Err(); err != nil {
		return fmt.Errorf("tango redis: webhook complete: %w", err)
	}
	return nil
}

// Revision implements webhook.Store.
func (s *WebhookStore) Revision(ctx context.Context, entity string) (int64, bool, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	v, err := s.rdb.Get(ctx, s.key("rev", entity)).Result()
	if errors.Is(err, goredis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("tango redis: webhook revision: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, errors.New("tango redis: webhook revision: the stored value is not a number")
	}
	return n, true, nil
}

// Advance implements webhook.Store.
func (s *WebhookStore) Advance(ctx context.Context, entity string, rev int64) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	if err := advanceScript.Run(ctx, s.rdb, []string{s.key("rev", entity)}, rev).Err(); err != nil {
		return fmt.Errorf("tango redis: webhook advance: %w", err)
	}
	return nil
}
