package tangotest

import (
	"fmt"
	"time"
)

// Option configures a Server. Options are applied in order by NewServer or Start;
// an option given an invalid value makes Start return an error (NewServer panics).
type Option func(*config) error

// config is what the options set.
type config struct {
	tokenLifetime time.Duration
	now           func() time.Time
	seed          int64
	platformName  string
	platformKey   string
	clientID      string
	clientSecret  string
	saUser        string
	saPassword    string
	orderTPS      float64
	fixtures      bool
	maxRecorded   int
	gateway       bool          // WithForwardingGateway
	skew          time.Duration // WithClockSkew
	certLifetime  time.Duration // WithCertificateExpiresIn
}

func defaultConfig() config {
	return config{
		tokenLifetime: DefaultTokenLifetime,
		now:           time.Now,
		seed:          1,
		fixtures:      true,
		certLifetime:  defaultCertLifetime,
	}
}

// DefaultTokenLifetime is the lifetime of the access tokens the fake issues unless
// WithTokenLifetime says otherwise: Tango's 24 hours (expires_in 86400).
const DefaultTokenLifetime = 24 * time.Hour

// FiveMinuteTokenLifetime is the lifetime of a token requested with one of Tango's
// "fiveminute" audiences.
const FiveMinuteTokenLifetime = 5 * time.Minute

// WithTokenLifetime sets how long issued access tokens live (expires_in). It must be
// at least one second; the default is DefaultTokenLifetime.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Second {
			return fmt.Errorf("tangotest: token lifetime %v is shorter than one second", d)
		}
		c.tokenLifetime = d
		return nil
	}
}

// WithClock makes the fake read the time from now instead of the wall clock: token
// expiry, createdAt stamps, reference order IDs, the resend interval and the order rate
// limit all follow it. Tests move time forward by changing what now returns.
// The TLS certificate's validity still uses the wall clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("tangotest: WithClock needs a function")
		}
		c.now = now
		return nil
	}
}

// WithSeed seeds the random source that decides whether a Fault with a Probability
// fires, so that a test sees the same sequence on every run. The default seed is 1.
func WithSeed(seed int64) Option {
	return func(c *config) error {
		c.seed = seed
		return nil
	}
}

// WithCredentials sets the credentials the fake accepts: the platform name and key
// for HTTP Basic, and the OAuth client ID and secret for the token endpoint. Empty
// arguments keep the generated defaults (a random key, client ID and secret).
func WithCredentials(platformName, platformKey, clientID, clientSecret string) Option {
	return func(c *config) error {
		if platformName != "" {
			c.platformName = platformName
		}
		if platformKey != "" {
			c.platformKey = platformKey
		}
		if clientID != "" {
			c.clientID = clientID
		}
		if clientSecret != "" {
			c.clientSecret = clientSecret
		}
		return nil
	}
}

// WithServiceAccount enables the token endpoint's password grant (Tango's service
// accounts) for this username and password. Without it the password grant is refused
// with unauthorized_client.
func WithServiceAccount(username, password string) Option {
	return func(c *config) error {
		if username == "" || password == "" {
			return fmt.Errorf("tangotest: WithServiceAccount needs a username and a password")
		}
		c.saUser, c.saPassword = username, password
		return nil
	}
}

// WithOrderRateLimit makes POST /orders answer 429 (429.001) to requests that come
// faster than tps per second, as Tango's 1 TPS limit does. Time is read from the
// fake's clock (see WithClock). It is off by default.
func WithOrderRateLimit(tps float64) Option {
	return func(c *config) error {
		if !(tps > 0) || tps > 1e6 {
			return fmt.Errorf("tangotest: order rate limit %v must be a positive rate per second", tps)
		}
		c.orderTPS = tps
		return nil
	}
}

// WithoutFixtures starts the fake with no customers, accounts or catalog items, for
// tests that build their own state with AddCustomer, AddAccount and AddItem.
func WithoutFixtures() Option {
	return func(c *config) error {
		c.fixtures = false
		return nil
	}
}

// WithMaxRecordedRequests keeps only the last n requests for Requests (counts stay
// exact). Long-running fakes (cmd/tangotest) use it to bound memory. 0, the default,
// keeps every request.
func WithMaxRecordedRequests(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("tangotest: max recorded requests %d is negative", n)
		}
		c.maxRecorded = n
		return nil
	}
}
