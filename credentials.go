package tango

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Credentials is one set of secrets that identifies a platform to Tango.
//
// For BasicAuth, ID is the platform name and Secret the API key. For OAuth2, ID is the
// client id and Secret the client secret; a service account adds Username and
// Password (grant_type=password). The secrets are [Secret] values, so a Credentials
// prints as [REDACTED] wherever it ends up.
type Credentials struct {
	// ID is the platform name (Basic) or the OAuth 2.0 client id.
	ID string
	// Secret is the API key (Basic) or the OAuth 2.0 client secret.
	Secret Secret
	// Username is the service account's user name (OAuth 2.0 password grant only).
	Username string
	// Password is the service account's password (OAuth 2.0 password grant only).
	Password Secret
	// IssuedAt, when set, is the day the secret was issued. Past the maximum age
	// (see WithMaxCredentialAge) the client logs a warning once, as a reminder to
	// rotate.
	IssuedAt time.Time
}

// String names the credential and hides its secrets.
func (c Credentials) String() string {
	s := "Credentials{ID: " + c.ID + ", Secret: " + redacted
	if c.Username != "" || !c.Password.IsZero() {
		s += ", Username: " + c.Username + ", Password: " + redacted
	}
	if !c.IssuedAt.IsZero() {
		s += ", IssuedAt: " + c.IssuedAt.UTC().Format(time.DateOnly)
	}
	return s + "}"
}

// GoString hides the secrets from %#v.
func (c Credentials) GoString() string { return "tango." + c.String() }

// Format prints the redacted form for every fmt verb.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(c.GoString()))
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// LogValue makes slog print the id and hide the secrets.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", c.ID), slog.String("secret", redacted))
}

// serviceAccount reports whether the credentials are for the password grant.
func (c Credentials) serviceAccount() bool { return c.Username != "" }

// check reports what is missing for the given use ("BasicAuth", "OAuth2").
func (c Credentials) check(use string) error {
	switch {
	case c.ID == "":
		return fmt.Errorf("tango: %s: credentials have no id (platform name or client id)", use)
	case c.Secret.IsZero():
		return fmt.Errorf("tango: %s: credentials for %q have no secret", use, c.ID)
	case c.Username != "" && c.Password.IsZero():
		return fmt.Errorf("tango: %s: service account %q has no password", use, c.Username)
	case c.Username == "" && !c.Password.IsZero():
		return fmt.Errorf("tango: %s: a password needs a service account username", use)
	}
	return nil
}

// fingerprint identifies the credentials without revealing them: an HMAC keyed with
// the secrets over the public parts. Two credentials with the same id but different
// secrets (a rotation) have different fingerprints. It is what a TokenStore record
// carries to tell which credentials obtained a token.
func (c Credentials) fingerprint() string {
	mac := hmac.New(sha256.New, []byte(c.Secret.Reveal()+"\x00"+c.Password.Reveal()))
	mac.Write([]byte("tango-go/credentials/v1\x00" + c.ID + "\x00" + c.Username))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}

// CredentialsProvider hands out the current credentials. OAuth2FromProvider consults
// it each time it needs a new token, and BasicAuthFromProvider on first use and after
// Tango refuses a key, so that a secret rotated in a vault, a file or the environment
// is picked up without a restart.
//
// A provider is called from several goroutines and must be safe for that. The
// context bounds the call (a token fetch's timeout); a provider should honour it.
type CredentialsProvider interface {
	Credentials(ctx context.Context) (Credentials, error)
}

// CredentialsProviderFunc adapts a function to CredentialsProvider.
type CredentialsProviderFunc func(ctx context.Context) (Credentials, error)

// Credentials calls f.
func (f CredentialsProviderFunc) Credentials(ctx context.Context) (Credentials, error) {
	return f(ctx)
}

// credSnapshot is one version of a set of credentials, with its fingerprint worked
// out once, when first asked for: Basic auth with a fixed key never needs it, and
// NewClient should not pay for it.
type credSnapshot struct {
	creds   Credentials
	version uint64

	fpOnce sync.Once
	fpVal  string

	basicOnce sync.Once
	basicVal  Secret // the Basic Authorization header value: as secret as the key
}

func newSnapshot(c Credentials, version uint64) *credSnapshot {
	return &credSnapshot{creds: c, version: version}
}

// basicHeader returns the Basic Authorization value of the snapshot's
// credentials, encoded once rather than on every request.
func (s *credSnapshot) basicHeader() string {
	s.basicOnce.Do(func() { s.basicVal = NewSecret(basicHeader(s.creds)) })
	return s.basicVal.Reveal()
}

// fp returns the fingerprint of the snapshot's credentials.
func (s *credSnapshot) fp() string {
	s.fpOnce.Do(func() { s.fpVal = s.creds.fingerprint() })
	return s.fpVal
}

// snapshotter is implemented by providers whose current value is cheap to read on
// every call (RotatingCredentials and the static provider). Authenticators check it on
// each request, so a rotation takes effect at once.
type snapshotter interface {
	snapshot() *credSnapshot
}

// staticCredentials is the provider behind BasicAuth(id, key) and OAuth2(id, secret).
type staticCredentials struct{ snap *credSnapshot }

func (s staticCredentials) Credentials(context.Context) (Credentials, error) {
	return s.snap.creds, nil
}
func (s staticCredentials) snapshot() *credSnapshot { return s.snap }

// RotatingCredentials holds credentials that can be replaced while clients use them:
// the way to rotate a key or a client secret with no downtime. Pass it to
// BasicAuthFromProvider or OAuth2FromProvider; after Rotate, the next request of every
// client built on it uses the new credentials, and OAuth2 clients drop the tokens the
// old ones obtained. Requests already on the wire finish with the old credentials; if
// Tango refuses one of them (401) it is replayed once with the new ones.
//
// Tango lets a platform hold two active keys (or OAuth clients) at once, so the usual
// cut-over is: create the new credential at Tango, Rotate, then revoke the old one.
// A RotatingCredentials is safe for concurrent use.
type RotatingCredentials struct {
	cur     atomic.Pointer[credSnapshot]
	mu      sync.Mutex // serialises Rotate, so versions grow in order
	version uint64
}

// NewRotatingCredentials starts with c. Missing fields are reported when a client is
// built on it (NewClient returns the error).
func NewRotatingCredentials(c Credentials) *RotatingCredentials {
	r := &RotatingCredentials{}
	r.cur.Store(newSnapshot(c, 0))
	return r
}

// Rotate makes c the current credentials. It refuses credentials without an id or a
// secret, and leaves the current ones in place in that case.
func (r *RotatingCredentials) Rotate(c Credentials) error {
	if err := c.check("Rotate"); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.version++
	r.cur.Store(newSnapshot(c, r.version))
	return nil
}

// Credentials returns the current credentials.
func (r *RotatingCredentials) Credentials(context.Context) (Credentials, error) {
	return r.cur.Load().creds, nil
}

// String hides the credentials.
func (r *RotatingCredentials) String() string {
	return "RotatingCredentials(" + r.cur.Load().creds.String() + ")"
}

// GoString hides the credentials from %#v.
func (r *RotatingCredentials) GoString() string { return r.String() }

func (r *RotatingCredentials) snapshot() *credSnapshot { return r.cur.Load() }

// describeProvider names a provider for String methods: the redacted credentials of a
// RotatingCredentials, the type of any other (whose own String might not redact).
func describeProvider(p CredentialsProvider) string {
	if r, ok := p.(*RotatingCredentials); ok && r != nil {
		return r.String()
	}
	return fmt.Sprintf("%T", p)
}

// readCredentials consults p and checks the answer.
func readCredentials(ctx context.Context, p CredentialsProvider, use string) (*credSnapshot, error) {
	if s, ok := p.(snapshotter); ok {
		snap := s.snapshot()
		if err := snap.creds.check(use); err != nil {
			return nil, err
		}
		return snap, nil
	}
	c, err := p.Credentials(ctx)
	if err != nil {
		return nil, fmt.Errorf("tango: %s: credentials provider: %w", use, err)
	}
	if err := c.check(use); err != nil {
		return nil, err
	}
	return newSnapshot(c, 0), nil
}

// ageWarner logs, once per credential, that a credential is past its rotation age.
type ageWarner struct {
	maxAge time.Duration
	clock  Clock
	logger *slog.Logger

	mu     sync.Mutex
	warned map[string]bool // by fingerprint
}

func (w *ageWarner) check(s *credSnapshot, use string) {
	issued := s.creds.IssuedAt
	if issued.IsZero() || w.maxAge <= 0 {
		return
	}
	age := w.clock.Now().Sub(issued)
	if age <= w.maxAge {
		return
	}
	w.mu.Lock()
	seen := w.warned[s.fp()]
	if w.warned == nil {
		w.warned = map[string]bool{}
	}
	w.warned[s.fp()] = true
	w.mu.Unlock()
	if seen {
		return
	}
	w.logger.Warn("tango: credentials are past their rotation age; issue new ones and rotate",
		slog.String("auth", use),
		slog.String("id", s.creds.ID),
		slog.Time("issued_at", issued),
		slog.Int("age_days", int(age/(24*time.Hour))),
		slog.Int("max_age_days", int(w.maxAge/(24*time.Hour))))
}

// errAuthClosed is returned by an authenticator after its Client was closed.
var errAuthClosed = errors.New("tango: client is closed")
