package redis

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tango-sdk/tango-go"
)

// Option configures a RateLimiter or a TokenStore. Each option checks its input.
type Option func(*config) error

// config is what the options set.
type config struct {
	logger      *slog.Logger
	opTimeout   time.Duration
	retryRedis  time.Duration
	clientClock bool
	now         func() time.Time
	lockTTL     time.Duration
	poll        time.Duration
	window      time.Duration
}

func defaultConfig() config {
	return config{
		logger:     slog.Default(),
		opTimeout:  500 * time.Millisecond,
		retryRedis: 5 * time.Second,
		now:        time.Now,
		lockTTL:    30 * time.Second,
		poll:       50 * time.Millisecond,
	}
}

// WithLogger sends the one warning a RateLimiter or TokenStore writes when Redis
// cannot be reached (and the note when it answers again) to l. The default is
// slog.Default(). Nothing logged holds a key's secret part or a token.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("tango redis: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithTimeout bounds each Redis operation (default 500 ms), so that a slow Redis
// delays a call by at most that much before the fallback takes over.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 || d > time.Minute {
			return fmt.Errorf("tango redis: WithTimeout: %v is not in (0, 1m]", d)
		}
		c.opTimeout = d
		return nil
	}
}

// WithRetryInterval sets how long the RateLimiter paces locally after Redis failed
// before it tries Redis again (default 5 s).
func WithRetryInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 || d > 10*time.Minute {
			return fmt.Errorf("tango redis: WithRetryInterval: %v is not in (0, 10m]", d)
		}
		c.retryRedis = d
		return nil
	}
}

// WithClientClock makes the RateLimiter schedule turns by the clients' clock (the
// time tango.Client passes in each tango.Turn) instead of Redis's TIME, and the
// TokenStore judge tokens by now. It is for tests with a fake clock shared by the
// clients and a fake server; in production Redis's clock is the one every replica
// agrees on.
func WithClientClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("tango redis: WithClientClock: nil clock")
		}
		c.clientClock, c.now = true, now
		return nil
	}
}

// WithLockTTL sets how long the TokenStore's fetch lock lives (default 30 s): the
// longest other replicas wait for a replica that took the lock and died.
func WithLockTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < 100*time.Millisecond || d > 5*time.Minute {
			return fmt.Errorf("tango redis: WithLockTTL: %v is not in [100ms, 5m]", d)
		}
		c.lockTTL = d
		return nil
	}
}

// WithRefreshWindow tells the TokenStore when a stored token is due for renewal:
// window before its expiry. Set it to what the clients' tango.WithRefreshWindow
// says, if they set one; by default the store uses the SDK's default rule (a tenth
// of the token's lifetime, at least tango.MinRefreshWindow, at most half).
func WithRefreshWindow(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("tango redis: WithRefreshWindow: %v is not positive", d)
		}
		c.window = d
		return nil
	}
}

// build applies opts.
func build(opts []Option) (config, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			return cfg, errors.New("tango redis: nil option")
		}
		if err := o(&cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// namespace derives the key prefix of a platform in an environment from public
// facts only: "tango-go:<environment name>:<hash>", where the hash covers the
// environment's URLs and the credential's public identifier.
func namespace(rdb goredis.UniversalClient, env tango.Environment, credentialID string) (string, error) {
	switch {
	case rdb == nil:
		return "", errors.New("tango redis: nil Redis client")
	case env.APIBaseURL == "":
		return "", errors.New("tango redis: the Environment has no APIBaseURL")
	case strings.TrimSpace(credentialID) == "":
		return "", errors.New("tango redis: empty credential id (the OAuth client id or the platform name; never the secret)")
	}
	sum := sha256.Sum256([]byte("tango-go/redis/v1\x00" + env.APIBaseURL + "\x00" + env.TokenURL + "\x00" + credentialID))
	name := strings.Map(func(r rune) rune {
		if r <= ' ' || r == ':' || r == '{' || r == '}' || r > '~' {
			return '_'
		}
		return r
	}, env.Name)
	if name == "" {
		name = "env"
	}
	return "tango-go:" + name + ":" + hex.EncodeToString(sum[:12]), nil
}

// degraded logs once when Redis fails and once when it answers again.
type degraded struct {
	logger *slog.Logger
	what   string // what happens instead, for the warning
	down   bool   // guarded by the owner's mutex
}

// failed records a failure; it logs only on the first of a run.
func (d *degraded) failed(err error) {
	if d.down {
		return
	}
	d.down = true
	d.logger.Warn("tango redis: Redis is unreachable; "+d.what, slog.String("error", err.Error()))
}

// recovered records a success; it logs only after a failure.
func (d *degraded) recovered() {
	if !d.down {
		return
	}
	d.down = false
	d.logger.Info("tango redis: Redis answers again; sharing through it")
}
