// Package redis lets a fleet of tango-go clients (the replicas of a service, the
// workers of a queue) share Tango's rate limit and one OAuth token through Redis.
//
// Tango limits a platform's requests (1 per second on each endpoint, by its
// documentation) and how often it may obtain tokens. Every tango.Client paces
// itself, but N replicas that pace themselves send N times the limit, and N
// replicas that start cold fetch N tokens. With this package they do neither:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"}) // github.com/redis/go-redis/v9
//	limiter, err := tangoredis.NewRateLimiter(rdb, tango.Production, clientID) // the id, never the secret
//	...
//	store, err := tangoredis.NewTokenStore(rdb, tango.Production, clientID)
//	...
//	c, err := tango.NewClient(tango.Production,
//		tango.OAuth2(clientID, clientSecret, tango.WithTokenStore(store)),
//		tango.WithRateLimiter(limiter))
//
// The RateLimiter keeps one GCRA schedule per endpoint in Redis (one Lua script per
// turn, on Redis's clock), so turns are spaced 1/rate apart across the fleet, and a
// 429 that one replica meets pauses the endpoint for all of them and lowers its
// rate for a while. The TokenStore keeps the token and takes a lock (SET NX with
// an expiry) before fetching one, so replicas that start together wait for the
// first one's token instead of fetching their own.
//
// When Redis cannot be reached both degrade rather than fail calls, and say so once
// in the log: the limiter paces each process locally (so a fleet of N may send N
// times the limit, and Tango's 429s are handled as usual), and the store lets each
// process fetch its own token, one at a time. They go back to Redis when it answers
// again.
//
// Keys start with a namespace: "tango-go:", the environment's name and a SHA-256 hash of the
// environment's URLs and the credential's public identifier (the OAuth client id
// or the platform name). No key or value holds a secret, except the token store's
// value, which is the bearer token itself: protect Redis (AUTH, TLS, a private
// network) as you would any credential store.
//
// A receiver of Tango's webhooks that runs on several replicas shares one record
// of processed events and applied revisions through NewWebhookStore, a
// webhook.Store on Redis; unlike the limiter and the token store it does not
// degrade when Redis is down: the handler answers 500 and Tango delivers again.
//
// This is a module of its own, so that tango-go itself does not depend on a Redis
// client.
package redis
