package tango

// What the doctor may learn about OAuth 2.0 tokens: where the current one came
// from, its lifetime and how long it has left. Never the token itself.

import (
	"context"
	"time"
)

// tokenFacts describes a token without holding it.
type tokenFacts struct {
	source   string // "endpoint", "cache" or "store"
	obtained time.Time
	expiry   time.Time
	lifetime time.Duration
}

// diagnoseToken makes sure a token is available, the way any call would (from the
// cache, the store, or the endpoint), and says where it came from. It does not force
// a fetch when a good token is cached: that would spend Tango's token quota.
func (a *oauth2Authenticator) diagnoseToken(ctx context.Context) (tokenFacts, error) {
	before := a.cache.Current()
	start := a.clock.Now()
	t, err := a.cache.Get(ctx)
	if err != nil {
		return tokenFacts{}, err
	}
	src := "endpoint"
	switch {
	case t == before:
		src = "cache"
	case a.cache.HasStore() && t.Obtained.Before(start):
		// Obtained before this call began, yet not cached: loaded from the store.
		src = "store"
	}
	return tokenFacts{source: src, obtained: t.Obtained, expiry: t.Expiry, lifetime: t.Lifetime()}, nil
}
