package tango

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// Option configures a Client. Each option checks its input; NewClient returns the
// first error, so a misconfigured client never exists.
type Option func(*config) error

// config collects what the options set.
type config struct {
	roots          *x509.CertPool
	httpClient     *http.Client
	attemptTimeout time.Duration
	retry          RetryPolicy
	logger         *slog.Logger
	userAgentApp   string
	clock          Clock
	maxBody        int64
	maxListCalls   int
	headers        http.Header
	accountGuard   AccountGuard
	middleware     []func(http.RoundTripper) http.RoundTripper
	rates          rateLimits
}

// DefaultAttemptTimeout is how long one attempt may take unless
// WithAttemptTimeout says otherwise: Tango's guide asks clients to hold each
// attempt open 15 seconds.
const DefaultAttemptTimeout = 15 * time.Second

// Defaults that options can change (each option's doc states its value).
const (
	// defaultMaxResponseBytes caps how much of a response body the SDK reads. The
	// verbose catalog is the largest answer Tango gives; 32 MiB leaves it room.
	defaultMaxResponseBytes = 32 << 20
	// defaultMaxListRequests caps the list requests one All walk makes: at 100
	// rows a page, a million rows, or about three hours at Tango's 1 TPS.
	defaultMaxListRequests = 10000
)

func defaultConfig() config {
	return config{
		attemptTimeout: DefaultAttemptTimeout,
		retry:          DefaultRetryPolicy(),
		logger:         slog.New(slog.DiscardHandler),
		clock:          wallClock{},
		maxBody:        defaultMaxResponseBytes,
		maxListCalls:   defaultMaxListRequests,
		headers:        http.Header{},
		rates:          rateLimits{all: DefaultRate},
	}
}

// WithRootCAs replaces the embedded Amazon roots with pool: for tests against a fake
// server, or for a TLS-inspecting egress proxy whose CA your company trusts.
// Verification stays on; only the trusted roots change.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error {
		if pool == nil {
			return errors.New("tango: WithRootCAs: nil pool")
		}
		c.roots = pool
		return nil
	}
}

// WithHTTPClient makes the Client send through hc's Transport, for proxies or
// connection limits. The transport must be an *http.Transport: it is cloned and
// made to trust only the pinned roots. A transport that skips verification, has its
// own TLS dialer, or is any other RoundTripper is refused, since the SDK could not
// verify the server before sending credentials; wrap the SDK's transport with
// WithTransportMiddleware instead. From the transport the clone keeps dialing,
// pooling and proxy settings; it drops TLSNextProto (protocol upgrades such as
// x/net/http2.ConfigureTransports installs, which would hand connections to a
// pool the pin does not control) and uses net/http's own HTTP/2. The Proxy
// function still chooses the proxy, but is handed a bare request naming only the
// method, scheme and host: never headers, body, path or query. hc's Timeout, if
// set, still applies per attempt; its redirect policy and cookie jar are not
// used: the SDK never follows redirects.
//
// The transport's connection pool settings are used as they are. Without
// WithHTTPClient the SDK keeps up to 256 idle connections per host; net/http's
// zero MaxIdleConnsPerHost keeps 2, so a transport for concurrent callers should
// set it to at least their number. A ClientSessionCache in the transport's
// TLSClientConfig is kept, so TLS sessions resume across the transports sharing
// it; without one the client gets a cache of its own.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("tango: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTransportMiddleware wraps the SDK's pinned transport for API calls, for
// tracing, metrics or request logging (otelhttp.NewTransport, say). A middleware
// must call the RoundTripper it is given, with the request's URL unchanged, and
// return the answer it gets (it may wrap the body). Beneath it the SDK refuses a
// request for any other scheme or host, adds the credentials only there (a
// middleware sees neither them nor the request that carried them), and verifies
// the server against the pinned roots in the handshake; any other answer is
// refused (for a write, as an unknown outcome). Request bodies do pass through
// middleware: do not log them. Token requests skip
// middleware: they carry the client secret in their body. Several middlewares
// apply in order, the last one outermost.
func WithTransportMiddleware(mw func(http.RoundTripper) http.RoundTripper) Option {
	return func(c *config) error {
		if mw == nil {
			return errors.New("tango: WithTransportMiddleware: nil middleware")
		}
		c.middleware = append(c.middleware, mw)
		return nil
	}
}

// WithAttemptTimeout sets how long each attempt may take (default 15 s). The
// caller's context still bounds the whole call, retries and waits included.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 || d > 10*time.Minute {
			return fmt.Errorf("tango: WithAttemptTimeout: %v is not in (0, 10m]", d)
		}
		c.attemptTimeout = d
		return nil
	}
}

// WithRetryPolicy changes how often and how patiently calls are retried. Zero
// fields of p keep their defaults.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		p = p.withDefaults()
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithRateLimit sets the pace of the endpoints listed, or of every endpoint when
// none is, to r requests per second (burst 1: turns are spaced 1/r apart). The
// default is DefaultRate, Tango's documented 1 request per second per endpoint;
// raise it when Tango raises your platform's limit, and pass Unlimited to turn
// pacing off (against tangotest, for example). Endpoints are written "METHOD
// /path", with {id} (or any {name}) for path parameters: "POST /orders",
// "GET /orders/{id}". Later options win; an endpoint's own rate wins over the
// rate for all.
//
// A call waits for its turn before every attempt, bounded by its context: when its
// turn would come after the context's deadline it fails at once, before sending,
// with a *RateLimitWaitError (matching ErrRateLimited). Waiting costs no attempt
// and no retry budget.
func WithRateLimit(r Rate, endpoints ...string) Option {
	return func(c *config) error {
		if r != Unlimited && (math.IsNaN(float64(r)) || r <= 0 || r > 1e6) {
			return fmt.Errorf("tango: WithRateLimit: %v is not a rate in (0, 1e6] per second; use tango.Unlimited to turn pacing off", float64(r))
		}
		if len(endpoints) == 0 {
			c.rates.all, c.rates.by = r, nil
			return nil
		}
		for _, s := range endpoints {
			ep, err := parseEndpoint(s)
			if err != nil {
				return fmt.Errorf("tango: WithRateLimit: %w", err)
			}
			if c.rates.by == nil {
				c.rates.by = map[Endpoint]Rate{}
			}
			c.rates.by[ep] = r
		}
		return nil
	}
}

// WithRateLimiter makes the Client take its turns from l instead of a limiter of
// its own: give one NewRateLimiter to every client of the same platform in a
// process, or a Redis limiter (github.com/tango-sdk/tango-go/redis) to every
// replica of a service, so that together they keep to Tango's limit and a 429 one
// of them meets pauses them all. The rates still come from WithRateLimit.
func WithRateLimiter(l RateLimiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("tango: WithRateLimiter: nil limiter")
		}
		c.rates.limiter = l
		return nil
	}
}

// WithLogger sends the SDK's debug records to l: one per attempt (method, path,
// status, attempt, duration, request id, externalRefID) and one per retry decision
// (reason, delay). Without it the SDK is silent. No record ever holds a secret, a
// token, a reward credential or recipient contact data; query strings are not
// logged because filters can hold email addresses. The SDK logs through
// [RedactingHandler] wrapped around l's handler, so that holds whichever
// handler l has.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("tango: WithLogger: nil logger")
		}
		c.logger = slog.New(RedactingHandler(l.Handler()))
		return nil
	}
}

// WithUserAgent appends app (such as "rewards-service/2.3") to the User-Agent
// "tango-go/<version> go/<version>", so Tango's support can tell your calls apart.
func WithUserAgent(app string) Option {
	return func(c *config) error {
		app = strings.TrimSpace(app)
		if app == "" || len(app) > 200 || strings.ContainsFunc(app, isControl) {
			return errors.New("tango: WithUserAgent: want 1 to 200 printable characters")
		}
		c.userAgentApp = app
		return nil
	}
}

// WithClock replaces the wall clock, for tests that check retry delays and token
// lifetimes without waiting.
func WithClock(clock Clock) Option {
	return func(c *config) error {
		if clock == nil {
			return errors.New("tango: WithClock: nil clock")
		}
		c.clock = clock
		return nil
	}
}

// WithMaxResponseBytes caps how much of a response the SDK reads (default 32 MiB).
// A larger answer fails the call rather than exhausting memory.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1024 {
			return fmt.Errorf("tango: WithMaxResponseBytes: %d is below 1024", n)
		}
		c.maxBody = n
		return nil
	}
}

// forbiddenHeader says why WithHeader refuses a header: the SDK sets it itself, or
// it makes a call look like it came from a browser, which Tango refuses (403.001).
func forbiddenHeader(k string) (why string, bad bool) {
	switch k {
	case "Authorization":
		return "set by the Auth", true
	case "Content-Type", "Content-Length", "Accept":
		return "set by the SDK", true
	case "Host":
		return "comes from the Environment", true
	case "User-Agent":
		return "use WithUserAgent", true
	case "Origin", "Referer", "Cookie":
		return "marks a browser call, which Tango refuses", true
	case "Proxy-Authorization":
		return "it would travel through the TLS tunnel to Tango; put proxy credentials in the proxy URL", true
	case "Forwarded":
		return "Tango's load balancer reads X-Forwarded-For; set that instead, and it is normalised", true
	}
	if strings.HasPrefix(k, "Sec-") {
		return "browser fetch headers mark a browser call, which Tango refuses", true
	}
	return "", false
}

// WithHeader adds a header to every request, such as one an egress gateway needs.
// X-Forwarded-For is rewritten by NormalizeForwardedFor (and dropped if nothing
// valid remains). Headers the SDK owns (Authorization, Accept, Content-Type,
// User-Agent, Host), headers that mark a browser call (Origin, Referer, Sec-Fetch-*, Cookie),
// Proxy-Authorization (it would reach Tango through the tunnel) and Forwarded (use
// X-Forwarded-For) are refused.
func WithHeader(key, value string) Option {
	return func(c *config) error {
		k := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(key))
		if k == "" || strings.ContainsFunc(k, isControl) || strings.ContainsFunc(value, isControl) {
			return errors.New("tango: WithHeader: empty name or control characters")
		}
		if !isHeaderToken(k) {
			// net/http would refuse every request carrying it, and the SDK
			// would retry each as if the network had failed.
			return fmt.Errorf("tango: WithHeader: %q is not a valid header name (letters, digits and !#$%%&'*+-.^_`|~ only)", k)
		}
		if why, bad := forbiddenHeader(k); bad {
			return fmt.Errorf("tango: WithHeader: %s is not allowed: %s", k, why)
		}
		if k == "X-Forwarded-For" {
			value = NormalizeForwardedFor(value)
			if value == "" {
				return nil
			}
		}
		c.headers.Add(k, value)
		return nil
	}
}

// isControl reports ASCII control characters, which have no place in a header.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// WithMaxListRequests caps the list requests one All walk (any service's All,
// Orders.All with its window splitting included) may make; default 10,000 (at
// 100 rows a page, a million rows, or about three hours at Tango's 1 TPS). A broken or hostile server that keeps handing out new
// pages, cursors or over-full windows would otherwise keep a walk going
// forever; past the cap the walk ends with ErrListTooLong. n must be 1 to
// 1,000,000.
func WithMaxListRequests(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 1_000_000 {
			return fmt.Errorf("tango: WithMaxListRequests: %d is not in 1..1000000", n)
		}
		c.maxListCalls = n
		return nil
	}
}

// WithAccountGuard installs guard on the calls AccountGuard lists.
func WithAccountGuard(guard AccountGuard) Option {
	return func(c *config) error {
		if guard == nil {
			return errors.New("tango: WithAccountGuard: nil guard")
		}
		c.accountGuard = guard
		return nil
	}
}

// Options of an Auth. BasicAuth, OAuth2 and their variants take AuthOptions (token
// storage, refresh, the token endpoint's timeout and audience, credential age); they
// live here with the client's options so that every option is found in one file.

// Defaults of the OAuth 2.0 token handling, changed with AuthOptions (each
// option's doc states its value).
const (
	// defaultTokenFetchTimeout bounds one request to the token endpoint.
	defaultTokenFetchTimeout = 15 * time.Second
	// defaultAudience is the audience Tango documents for API tokens.
	defaultAudience = "https://api.tangocard.com/"
	// defaultMaxCredentialAge is how old a credential may grow before the client
	// warns that it is due for rotation. Tango's security guide asks for a
	// rotation at least every six months.
	defaultMaxCredentialAge = 180 * 24 * time.Hour
)

// MinRefreshWindow is the shortest default refresh window: a token is renewed
// at least this long before it expires (the default window is the last 10 % of
// a token's lifetime, and never less than this). A shared TokenStore that
// decides when a stored token is due (the redis module's) applies the same
// rule with it.
const MinRefreshWindow = 5 * time.Minute

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
		maxAge:       defaultMaxCredentialAge,
		fetchTimeout: defaultTokenFetchTimeout,
		audience:     defaultAudience,
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
// rotation (default 180 days: Tango's security guide asks for a rotation at
// least every six months). It needs an issue date, from
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
