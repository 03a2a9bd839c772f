package tokencache

import "time"

// Access is an access token's value as the SDK holds it (a tango.Secret): it
// prints as [REDACTED] and is read only where it goes on a request.
type Access interface {
	// Reveal returns the token itself.
	Reveal() string
	// IsZero reports an empty token.
	IsZero() bool
}

// Token is one access token as the cache holds it. Its pointer identity is what
// Get hands the caller and Invalidate gets back, so a 401 drops exactly the token
// that was refused (compare-and-swap).
type Token struct {
	Access      Access
	Obtained    time.Time
	Expiry      time.Time
	Fingerprint string // of the credentials that obtained it
}

// Lifetime is how long the token was issued for.
func (t *Token) Lifetime() time.Duration { return t.Expiry.Sub(t.Obtained) }

// usableUntil is when callers stop using the token and wait for a new one: a little
// before expiry, so that a request sent just before it does not arrive just after.
func (t *Token) usableUntil() time.Time {
	margin := min(30*time.Second, t.Lifetime()/10)
	return t.Expiry.Add(-margin)
}
