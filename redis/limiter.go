package redis

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/tango-sdk/tango-go"
)

// paceMargin matches the core limiter's: turns are 2 % more than 1/rate apart.
const paceMargin = 1.02

// AIMD constants, as in the core limiter: a 429 cuts the rate to 0.7 (once per
// interval), down to a quarter; every success gives a tenth back.
const (
	throttleFactor  = 0.7
	minRateFactor   = 0.25
	recoveryPerCall = 0.1
)

// keyTTL is how long an endpoint's schedule outlives its last turn.
const keyTTL = time.Minute

// reserveScript books the next turn on an endpoint (GCRA with a burst of 1). The
// hash holds tat (the theoretical arrival time of the next turn, in ms) and f (the
// share of the configured rate in use). ARGV: now in ms (negative: use Redis's
// TIME), the configured interval in ms, the longest wait in ms, the key TTL in ms.
// It returns {booked, wait ms, f}, the numbers as strings.
var reserveScript = goredis.NewScript(`
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local interval = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'tat', 'f')
local tat = tonumber(h[1]) or now
local f = tonumber(h[2]) or 1
local at = math.max(tat, now)
local wait = at - now
if wait > maxwait then
  return {'0', tostring(wait), tostring(f)}
end
local next = at + interval / f
redis.call('HSET', KEYS[1], 'tat', tostring(next), 'f', tostring(f))
redis.call('PEXPIRE', KEYS[1], math.ceil(next - now) + tonumber(ARGV[4]))
return {'1', tostring(wait), tostring(f)}
`)

// throttleScript records a 429: no turn before now+pause, and the rate cut to
// beta once per interval of the lowered rate. ARGV: now in ms (negative: TIME),
// pause ms, configured interval ms, beta, min f, key TTL ms.
var throttleScript = goredis.NewScript(`
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local pause = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'tat', 'f', 'cut')
local tat = tonumber(h[1]) or now
local f = tonumber(h[2]) or 1
local cut = tonumber(h[3])
if now + pause > tat then tat = now + pause end
if cut == nil or now - cut >= interval / f then
  f = math.max(f * tonumber(ARGV[4]), tonumber(ARGV[5]))
  cut = now
end
redis.call('HSET', KEYS[1], 'tat', tostring(tat), 'f', tostring(f), 'cut', tostring(cut))
redis.call('PEXPIRE', KEYS[1], math.ceil(tat - now) + tonumber(ARGV[6]))
return tostring(f)
`)

// succeedScript lets a lowered rate climb back. ARGV: the step.
var succeedScript = goredis.NewScript(`
local f = tonumber(redis.call('HGET', KEYS[1], 'f'))
if f and f < 1 then
  f = math.min(1, f + tonumber(ARGV[1]))
  redis.call('HSET', KEYS[1], 'f', tostring(f))
end
return tostring(f or 1)
`)

// RateLimiter is a tango.RateLimiter shared through Redis by every client that
// uses the same Redis, environment and credential id: together they take turns
// 1/rate apart on each endpoint, and a 429 one of them meets pauses the endpoint
// for all. Give it to a client with tango.WithRateLimiter; the rates still come
// from tango.WithRateLimit. It is safe for concurrent use.
//
// When Redis fails (or takes longer than WithTimeout), it paces the process
// locally with tango.NewRateLimiter for WithRetryInterval, says so once in the
// log, and tries Redis again.
type RateLimiter struct {
	rdb    goredis.UniversalClient
	prefix string
	cfg    config
	local  tango.RateLimiter

	mu        sync.Mutex
	lowered   map[tango.Endpoint]bool // the endpoint's rate is below the configured one
	downUntil time.Time               // pace locally until then
	health    degraded
}

// NewRateLimiter returns a RateLimiter on rdb for the platform that credentialID
// names in env: the OAuth client id or the platform name, never the secret (it
// only goes into a hash that namespaces the keys).
func NewRateLimiter(rdb goredis.UniversalClient, env tango.Environment, credentialID string, opts ...Option) (*RateLimiter, error) {
	prefix, err := namespace(rdb, env, credentialID)
	if err != nil {
		return nil, err
	}
	cfg, err := build(opts)
	if err != nil {
		return nil, err
	}
	return &RateLimiter{
		rdb: rdb, prefix: prefix, cfg: cfg, local: tango.NewRateLimiter(),
		lowered: map[tango.Endpoint]bool{},
		health:  degraded{logger: cfg.logger, what: "pacing each process on its own (a fleet may exceed Tango's limit; 429s are handled)"},
	}, nil
}

// String describes the limiter without its keys.
func (l *RateLimiter) String() string { return "tango-go/redis.RateLimiter" }

// key is the Redis key of an endpoint's schedule.
func (l *RateLimiter) key(ep tango.Endpoint) string {
	return l.prefix + ":pace:" + ep.Method + " " + ep.Path
}

// nowArg is the time argument of the scripts: the client's, or -1 for Redis's.
func (l *RateLimiter) nowArg(t tango.Turn) string {
	if !l.cfg.clientClock {
		return "-1"
	}
	return ms(t.Now.Sub(time.Unix(0, 0)))
}

// useRedis reports whether Redis should be tried now.
func (l *RateLimiter) useRedis() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !time.Now().Before(l.downUntil)
}

// result records the outcome of a Redis call and reports whether it failed.
func (l *RateLimiter) result(err error) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.health.failed(err)
		l.downUntil = time.Now().Add(l.cfg.retryRedis)
		return true
	}
	l.health.recovered()
	return false
}

// Reserve implements tango.RateLimiter.
func (l *RateLimiter) Reserve(ctx context.Context, t tango.Turn) (time.Duration, bool, error) {
	if !l.useRedis() {
		return l.local.Reserve(ctx, t)
	}
	maxWait := "1e18"
	if t.MaxWait < time.Duration(math.MaxInt64) {
		maxWait = ms(t.MaxWait)
	}
	rctx, cancel := context.WithTimeout(ctx, l.cfg.opTimeout)
	defer cancel()
	res, err := reserveScript.Run(rctx, l.rdb, []string{l.key(t.Endpoint)},
		l.nowArg(t), ms(interval(t.Rate)), maxWait, ms(keyTTL)).StringSlice()
	if err == nil && len(res) != 3 {
		err = fmt.Errorf("unexpected answer %q", res)
	}
	var booked bool
	var wait time.Duration
	if err == nil {
		booked = res[0] == "1"
		wait, err = parseMS(res[1])
	}
	if err == nil {
		err = l.noteFactor(t.Endpoint, res[2])
	}
	if l.result(err) {
		if ctx.Err() != nil {
			return 0, false, ctx.Err()
		}
		return l.local.Reserve(ctx, t)
	}
	return max(wait, 0), booked, nil
}

// Throttled implements tango.RateLimiter.
func (l *RateLimiter) Throttled(ctx context.Context, t tango.Turn, pause time.Duration) {
	l.local.Throttled(ctx, t, pause) // ready for a fallback, and cheap
	if !l.useRedis() {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, l.cfg.opTimeout)
	defer cancel()
	f, err := throttleScript.Run(rctx, l.rdb, []string{l.key(t.Endpoint)},
		l.nowArg(t), ms(pause), ms(interval(t.Rate)),
		strconv.FormatFloat(throttleFactor, 'f', -1, 64), strconv.FormatFloat(minRateFactor, 'f', -1, 64), ms(keyTTL)).Text()
	if err == nil {
		err = l.noteFactor(t.Endpoint, f)
	}
	l.result(err)
}

// Succeeded implements tango.RateLimiter. It goes to Redis only while the
// endpoint's rate is lowered.
func (l *RateLimiter) Succeeded(ctx context.Context, t tango.Turn) {
	l.local.Succeeded(ctx, t)
	l.mu.Lock()
	lowered := l.lowered[t.Endpoint]
	l.mu.Unlock()
	if !lowered || !l.useRedis() {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, l.cfg.opTimeout)
	defer cancel()
	f, err := succeedScript.Run(rctx, l.rdb, []string{l.key(t.Endpoint)}, strconv.FormatFloat(recoveryPerCall, 'f', -1, 64)).Text()
	if err == nil {
		err = l.noteFactor(t.Endpoint, f)
	}
	l.result(err)
}

// noteFactor remembers whether an endpoint's rate is lowered.
func (l *RateLimiter) noteFactor(ep tango.Endpoint, f string) error {
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		return fmt.Errorf("unexpected rate share %q", f)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if v < 1 {
		l.lowered[ep] = true
	} else {
		delete(l.lowered, ep)
	}
	return nil
}

// interval is the spacing of turns at r, margin included.
func interval(r tango.Rate) time.Duration {
	return time.Duration(float64(time.Second) * paceMargin / float64(r))
}

// ms formats d in milliseconds, with microsecond precision.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64)
}

// parseMS reads milliseconds.
func parseMS(s string) (time.Duration, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("unexpected wait %q", s)
	}
	return time.Duration(v * float64(time.Millisecond)), nil
}
