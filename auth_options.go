package tango

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Defaults of the OAuth 2.0 token handling, changed with AuthOptions.
const (
	// DefaultTokenFetchTimeout bounds one request to the token endpoint.
	DefaultTokenFetchTimeout = 15 * time.Second
	// DefaultAudience is the audience Tango documents for API tokens.
	DefaultAudience = "https://api.tangocard.com/"
	// MinRefreshWindow is the shortest default refresh window: a token is renewed at
	// least this long before it expires (the default window is the last 10 % of a
	// token's lifetime, and never less than this).
	MinRefreshWindow = 5 * time.Minute
)

// tokenScope is the only scope Tango issues.
const tokenScope = "raas.all"

// AuthOption tunes an Auth built by BasicAuth, OAuth2 and their variants. Options are
// checked when the Auth is handed to NewClient, which returns the first error. Options
// about tokens (WithTokenStore, WithRefreshWindow, WithTokenFetchTimeout, WithAudience)
// apply to OAuth2 only; giving one to BasicAuth is an error.
type AuthOption func(*authSettings) error

// authSettings collects what the options set.
type authSettings struct {
	store        TokenStore
	window       time.Duration // 0: the proportional default
	issuedAt     time.Time
	maxAge       time.Duration
	fetchTimeout time.Duration
	audience     string
	tokenOnly    []string // names of the token options used, to refuse them for Basic
}

func defaultAuthSettings() authSettings {
	return authSettings{
		maxAge:       DefaultMaxCredentialAge,
		fetchTimeout: DefaultTokenFetchTimeout,
		audience:     DefaultAudience,
	}
}

// buildAuthSettings applies opts to the defaults.
func buildAuthSettings(opts []AuthOption) (authSettings, error) {
	s := defaultAuthSettings()
	for _, o := range opts {
		if o == nil {
			return s, errors.New("tango: nil AuthOption")
		}
		if err := o(&s); err != nil {
			return s, err
		}
	}
	return s, nil
}

// WithTokenStore keeps OAuth 2.0 tokens in s, so that a restarted service or the next
// run of a cron job reuses the token instead of spending Tango's token quota. The
// client loads from s before it asks the token endpoint and saves every token it
// gets. Without it, tokens live in the client's memory only. See FileTokenStore and
// NewMemoryTokenStore.
func WithTokenStore(s TokenStore) AuthOption {
	return func(a *authSettings) error {
		if s == nil {
			return errors.New("tango: WithTokenStore: nil store")
		}
		a.store = s
		a.tokenOnly = append(a.tokenOnly, "WithTokenStore")
		return nil
	}
}

// WithRefreshWindow makes the client renew a token once it has less than d left: the
// first call inside the window starts a refresh in the background and every caller
// keeps using the current token meanwhile (no timer runs between calls; a client that
// is idle through the whole window fetches when it is next used). The default is the last
// 10 % of the token's lifetime and at least MinRefreshWindow (2 h 24 min for Tango's
// 24-hour tokens). The window never exceeds half a token's lifetime, so a short-lived
// token is not refreshed on every call.
func WithRefreshWindow(d time.Duration) AuthOption {
	return func(a *authSettings) error {
		if d <= 0 || d > 7*24*time.Hour {
			return fmt.Errorf("tango: WithRefreshWindow: %v is not in (0, 168h]", d)
		}
		a.window = d
		a.tokenOnly = append(a.tokenOnly, "WithRefreshWindow")
		return nil
	}
}

// WithTokenFetchTimeout bounds each request to the token endpoint (default 15 s). A
// token fetch is shared by every caller waiting for it, so no caller's context
// cancels it; this timeout does.
func WithTokenFetchTimeout(d time.Duration) AuthOption {
	return func(a *authSettings) error {
		if d <= 0 || d > 5*time.Minute {
			return fmt.Errorf("tango: WithTokenFetchTimeout: %v is not in (0, 5m]", d)
		}
		a.fetchTimeout = d
		a.tokenOnly = append(a.tokenOnly, "WithTokenFetchTimeout")
		return nil
	}
}

// WithAudience replaces the audience sent to the token endpoint (default
// "https://api.tangocard.com/"), for Tango's short-lived test tokens.
func WithAudience(audience string) AuthOption {
	return func(a *authSettings) error {
		u, err := url.Parse(audience)
		if err != nil || audience == "" || u.Host == "" {
			return fmt.Errorf("tango: WithAudience: %q is not an absolute URL", audience)
		}
		a.audience = audience
		a.tokenOnly = append(a.tokenOnly, "WithAudience")
		return nil
	}
}

// WithIssuedAt records when the credentials given to BasicAuth, OAuth2 or
// OAuth2ServiceAccount were issued. Past the maximum age (WithMaxCredentialAge,
// default 180 days) the client logs a warning once. Credentials from a provider carry
// their own Credentials.IssuedAt instead.
func WithIssuedAt(t time.Time) AuthOption {
	return func(a *authSettings) error {
		if t.IsZero() {
			return errors.New("tango: WithIssuedAt: zero time")
		}
		a.issuedAt = t
		return nil
	}
}

// WithMaxCredentialAge sets the age past which credentials are reported as due for
// rotation (default DefaultMaxCredentialAge, 180 days). It needs an issue date, from
// WithIssuedAt or Credentials.IssuedAt.
func WithMaxCredentialAge(d time.Duration) AuthOption {
	return func(a *authSettings) error {
		if d <= 0 {
			return fmt.Errorf("tango: WithMaxCredentialAge: %v is not positive", d)
		}
		a.maxAge = d
		return nil
	}
}
