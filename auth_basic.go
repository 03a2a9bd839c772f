package tango

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
)

// BasicAuth authenticates every call with HTTP Basic: Tango's platform name and API
// key. The key prints as [REDACTED] wherever the Auth value is printed. WithIssuedAt
// and WithMaxCredentialAge apply; token options do not.
//
// To swap keys on a live client, use BasicAuthFromProvider with a
// RotatingCredentials.
func BasicAuth(platformName, apiKey string, opts ...AuthOption) Auth {
	return basicAuth{fixed: &Credentials{ID: platformName, Secret: NewSecret(apiKey)}, opts: opts}
}

// BasicAuthFromProvider authenticates with HTTP Basic, taking the platform name and
// API key from p. With a RotatingCredentials every request reads the current key, so
// Rotate swaps keys on a live client with no failed call: a request that went out
// with the old key and was refused (401) after the rotation is replayed once with the
// new key. Any other provider is consulted on first use and again after Tango refuses
// a key, in which case the call is replayed once with what the provider returns.
func BasicAuthFromProvider(p CredentialsProvider, opts ...AuthOption) Auth {
	return basicAuth{provider: p, opts: opts}
}

type basicAuth struct {
	fixed    *Credentials
	provider CredentialsProvider
	opts     []AuthOption
}

func (b basicAuth) bind(d authDeps) (authenticator, error) {
	s, err := buildAuthSettings(b.opts)
	if err != nil {
		return nil, err
	}
	if len(s.tokenOnly) > 0 {
		return nil, fmt.Errorf("tango: BasicAuth: %s applies to OAuth2 only", strings.Join(s.tokenOnly, ", "))
	}
	if d.clock == nil || d.logger == nil {
		return nil, errors.New("tango: BasicAuth: client dependencies missing")
	}
	ages := &ageWarner{maxAge: s.maxAge, clock: d.clock, logger: d.logger}
	provider := b.provider
	if b.fixed != nil {
		c := *b.fixed
		if !s.issuedAt.IsZero() {
			c.IssuedAt = s.issuedAt
		}
		if err := c.check("BasicAuth"); err != nil {
			return nil, err
		}
		if c.serviceAccount() {
			return nil, errors.New("tango: BasicAuth: a service account needs OAuth2ServiceAccount")
		}
		provider = staticCredentials{snap: newSnapshot(c, 0)}
	} else {
		if provider == nil {
			return nil, errors.New("tango: BasicAuthFromProvider: nil provider")
		}
		if !s.issuedAt.IsZero() {
			return nil, errors.New("tango: BasicAuthFromProvider: WithIssuedAt applies to fixed credentials; set Credentials.IssuedAt in the provider")
		}
	}
	a := &basicAuthenticator{provider: provider, ages: ages, sem: make(chan struct{}, 1)}
	if sn, ok := provider.(snapshotter); ok {
		if err := sn.snapshot().creds.check("BasicAuth"); err != nil {
			return nil, err
		}
		ages.check(sn.snapshot(), "BasicAuth")
	}
	return a, nil
}

// String names the platform and hides the key.
func (b basicAuth) String() string {
	if b.fixed != nil {
		return "BasicAuth(" + b.fixed.ID + ", " + redacted + ")"
	}
	return "BasicAuthFromProvider(" + describeProvider(b.provider) + ")"
}

// GoString hides the key from %#v.
func (b basicAuth) GoString() string { return b.String() }

// Format prints the redacted form for every fmt verb.
func (b basicAuth) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(b.String())) }

// basicAuthenticator puts a Basic header on each request.
type basicAuthenticator struct {
	provider CredentialsProvider
	ages     *ageWarner
	checked  atomic.Uint64 // version of the rotating credentials last checked for age

	// For providers that are not snapshotters: the credentials last read, and a
	// one-slot semaphore so that one caller at a time consults the provider.
	sem chan struct{}
	cur *credSnapshot // guarded by sem
}

// basicUsed is what Authorize hands the pipeline: the credentials it used.
type basicUsed struct{ snap *credSnapshot }

func basicHeader(c Credentials) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(c.ID+":"+c.Secret.Reveal()))
}

func (a *basicAuthenticator) Authorize(ctx context.Context, req *http.Request) (any, error) {
	snap, err := a.current(ctx)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", snap.basicHeader())
	return basicUsed{snap}, nil
}

// current returns the credentials to use now.
func (a *basicAuthenticator) current(ctx context.Context) (*credSnapshot, error) {
	if sn, ok := a.provider.(snapshotter); ok {
		snap := sn.snapshot()
		if v := snap.version; v != 0 && a.checked.Swap(v) != v {
			// A rotated credential is checked for age on first use.
			a.ages.check(snap, "BasicAuth")
		}
		return snap, nil
	}
	select {
	case a.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-a.sem }()
	if a.cur != nil {
		return a.cur, nil
	}
	snap, err := readCredentials(ctx, a.provider, "BasicAuth")
	if err != nil {
		return nil, err
	}
	a.ages.check(snap, "BasicAuth")
	a.cur = snap
	return snap, nil
}

// invalidate is told that Tango refused the key used. Fixed keys are not replayed.
// With a RotatingCredentials the call is replayed if the key changed since; with any
// other provider the key is forgotten, the provider is consulted again, and the call
// replayed once.
func (a *basicAuthenticator) invalidate(used any) bool {
	u, ok := used.(basicUsed)
	if !ok || u.snap == nil {
		return false
	}
	switch p := a.provider.(type) {
	case staticCredentials:
		return false
	case snapshotter:
		return p.snapshot().fp() != u.snap.fp()
	}
	a.sem <- struct{}{}
	defer func() { <-a.sem }()
	if a.cur == u.snap {
		a.cur = nil
	}
	return true
}

func (a *basicAuthenticator) close() {}
