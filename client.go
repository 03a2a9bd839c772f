package tango

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/tango-sdk/tango-go/internal/transport"
)

// Client talks to one Tango environment with one set of credentials. It is safe for
// concurrent use; several clients (sandbox and production, several platforms) can
// live side by side in one process, since the package keeps no shared state.
//
// Call Close when done with a client that uses OAuth2, so that a background token
// refresh does not outlive it.
type Client struct {
	env            Environment
	baseURL        string            // APIBaseURL without a trailing slash
	rt             http.RoundTripper // middleware, transport.Guard, pinned transport: API calls
	direct         *http.Client      // the pinned transport alone: token fetches, doctor probes
	pinned         *http.Transport   // verifies against roots in the handshake
	roots          *x509.CertPool
	auth           authenticator
	policy         RetryPolicy
	budget         *retryBudget
	rates          rateLimits // the configured paces; rates.limiter is never nil
	paced          bool       // some endpoint is paced
	attemptTimeout time.Duration
	logger         *slog.Logger
	clock          Clock
	userAgent      string
	maxBody        int64
	maxListCalls   int // list requests per All walk (WithMaxListRequests)
	headers        http.Header
	header         http.Header // what every attempt without a body sends, credentials aside
	bodyHeader     http.Header // the same with Content-Type, for attempts with a JSON body
	shareHeader    bool        // no middleware: attempts may send header and bodyHeader themselves
	accountGuard   AccountGuard
	common         service // the one value every service field points to; scopes use it even if a field is reassigned
	refuse         error   // non-nil: every call fails with it (an invalid AccountScope's client)

	// Orders places and reads orders.
	Orders *OrdersService
	// Customers manages customers.
	Customers *CustomersService
	// Accounts manages accounts and reads balances.
	Accounts *AccountsService
	// Catalog reads the reward catalog.
	Catalog *CatalogService
	// Funding registers credit cards, deposits and transfers money.
	Funding *FundingService
	// LineItems reads and acts on line items.
	LineItems *LineItemsService
	// Templates manages email templates.
	Templates *TemplatesService
	// LowBalanceAlerts manages low balance alerts.
	LowBalanceAlerts *LowBalanceAlertsService
	// Reference reads reference data (countries, exchange rates, ...).
	Reference *ReferenceService
	// AsyncOrders places and reads async (bulk) orders.
	AsyncOrders *AsyncOrdersService
	// Webhooks manages webhook subscriptions.
	Webhooks *WebhooksService
}

// NewClient returns a client for env that authenticates with auth.
//
// env must be Sandbox, Production or a complete custom Environment: the zero value is
// an error, so a forgotten setting never falls back to production. URLs must be
// https, except on loopback hosts (for fake servers). Options are applied in order
// and each one checks its input.
func NewClient(env Environment, auth Auth, opts ...Option) (*Client, error) {
	if env == (Environment{}) {
		return nil, errors.New("tango: NewClient: the Environment is empty; use tango.Sandbox, tango.Production or a complete tango.Environment")
	}
	base, err := checkEnvURL("APIBaseURL", env.APIBaseURL)
	if err != nil {
		return nil, err
	}
	if env.TokenURL != "" {
		if _, err := checkEnvURL("TokenURL", env.TokenURL); err != nil {
			return nil, err
		}
	}
	if auth == nil {
		return nil, errors.New("tango: NewClient: nil Auth; use tango.BasicAuth or tango.OAuth2")
	}
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("tango: NewClient: nil Option")
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	roots := cfg.roots
	if roots == nil {
		roots = embeddedRoots() // shared and never changed: the SDK only reads it
	}
	var baseRT http.RoundTripper
	var timeout time.Duration
	if cfg.httpClient != nil {
		// A nil Transport means net/http's defaults, which transport.Pinned
		// builds itself rather than take http.DefaultTransport.
		baseRT, timeout = cfg.httpClient.Transport, cfg.httpClient.Timeout
	}
	pinned, err := transport.Pinned(baseRT, roots)
	if err != nil {
		return nil, err
	}
	// API calls go through the caller's middleware, then the guard that sends only
	// to the environment's host and adds the credentials, then the pinned transport.
	var rt http.RoundTripper = transport.NewGuard(pinned, base.Scheme, base.Host, ErrUntrustedServer)
	for _, mw := range cfg.middleware {
		if rt = mw(rt); rt == nil {
			return nil, errors.New("tango: WithTransportMiddleware: the middleware returned a nil RoundTripper")
		}
	}
	noRedirect := func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // Tango never redirects; a 3xx is reported, not followed
	}
	// API calls go to rt directly, not through an http.Client: the SDK follows no
	// redirects and has no cookies, so a client would only copy every request's
	// header for redirects that never happen. Its Timeout becomes part of the
	// attempt's deadline instead.
	attemptTimeout := cfg.attemptTimeout
	if timeout > 0 {
		attemptTimeout = min(attemptTimeout, timeout)
	}
	// Token fetches and the doctor's probes skip the middleware: a token request
	// carries the client secret in its body.
	direct := &http.Client{Transport: pinned, Timeout: timeout, CheckRedirect: noRedirect}
	ua := "tango-go/" + Version + " go/" + strings.TrimPrefix(runtime.Version(), "go")
	if cfg.userAgentApp != "" {
		ua += " " + cfg.userAgentApp
	}
	c := &Client{
		env:            env,
		baseURL:        strings.TrimSuffix(base.String(), "/"),
		rt:             rt,
		direct:         direct,
		pinned:         pinned,
		roots:          roots,
		policy:         cfg.retry,
		budget:         newRetryBudget(cfg.retry),
		rates:          cfg.rates,
		paced:          !cfg.rates.off(),
		attemptTimeout: attemptTimeout,
		logger:         cfg.logger,
		clock:          cfg.clock,
		userAgent:      ua,
		maxBody:        cfg.maxBody,
		maxListCalls:   cfg.maxListCalls,
		headers:        cfg.headers,
		header:         requestHeader(cfg.headers, ua, false),
		bodyHeader:     requestHeader(cfg.headers, ua, true),
		shareHeader:    len(cfg.middleware) == 0,
		accountGuard:   cfg.accountGuard,
	}
	if c.rates.limiter == nil {
		c.rates.limiter = NewRateLimiter()
	}
	c.initServices()
	c.auth, err = auth.bind(authDeps{env: env, httpClient: direct, logger: cfg.logger, clock: cfg.clock, userAgent: ua})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// requestHeader builds the header a client's attempts start from, once: the
// WithHeader headers, Accept, User-Agent and, for a JSON body, Content-Type.
// transport.Guard adds the credentials to a copy, so the result is never changed.
func requestHeader(extra http.Header, userAgent string, jsonBody bool) http.Header {
	h := make(http.Header, len(extra)+3)
	for k, vs := range extra {
		h[k] = slices.Clone(vs)
	}
	h["Accept"] = []string{"application/json"}
	h["User-Agent"] = []string{userAgent}
	if jsonBody {
		h["Content-Type"] = []string{"application/json"}
	}
	return h
}

// checkEnvURL parses an Environment URL and refuses what could leak credentials:
// plain http to anything but loopback, user info, query strings.
func checkEnvURL(field, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// The parse error quotes the URL, which may hold a password: say less.
		return nil, fmt.Errorf("tango: Environment.%s is not a valid URL", field)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("tango: Environment.%s %q is not an absolute http(s) URL", field, u.Redacted())
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("tango: Environment.%s must not carry user info, a query or a fragment", field)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("tango: Environment.%s uses plain http on %s; only loopback hosts may skip TLS", field, u.Hostname())
	}
	return u, nil
}

// isLoopbackHost reports whether host is localhost or a loopback address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Environment returns the environment the client talks to.
func (c *Client) Environment() Environment { return c.env }

// String names the client's environment; it never shows credentials.
func (c *Client) String() string { return "tango.Client(" + c.env.String() + ")" }

// GoString hides the client's internals (and credentials) from %#v.
func (c *Client) GoString() string { return c.String() }

// Close stops background work (a token refresh in progress) and closes idle
// connections. The client must not be used afterwards.
func (c *Client) Close() error {
	c.auth.close()
	c.pinned.CloseIdleConnections()
	return nil
}

// Response describes the HTTP answer behind a successful call.
type Response struct {
	// StatusCode is the HTTP status (200 and 201 differ for orders: see Order.Replayed).
	StatusCode int
	// Header is the response header.
	Header http.Header
	// RequestID is Tango's X-REQUEST-ID, to quote to Tango's support.
	RequestID string
	// Attempts is how many attempts the call took.
	Attempts int
}

// Do calls an endpoint the SDK has no method for yet (async orders, webhooks).
// path is relative to the environment's API root ("/webhooks"; escape path
// parameters with url.PathEscape); query may be nil; body, if not nil, is sent as
// JSON; out, if not nil, receives the decoded JSON answer.
//
// GET and HEAD are retried like every read. Any other method is treated as a write
// that is retried only when Tango certainly did nothing (the request never left, or
// a 429); when its fate is unknown the error is an *OutcomeUnknownError.
//
// body may be one of the SDK's own models: they encode to JSON as they are
// (personal data included, see Private), except Secret values (card numbers,
// security codes, credentials), which encode as "[REDACTED]".
//
// The account guard (WithAccountGuard) is asked about every customer and account
// the call names: in the path (.../customers/{c}/accounts/{a}), in the query and
// in the JSON body's customerIdentifier and accountIdentifier members (of the
// body object, or of each object of a body array). A call that names none, such
// as one addressed by an order id, is not vetted: with a guard installed, use
// the typed methods for those.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) (*Response, error) {
	mode := retryUnsafe
	if method == http.MethodGet || method == http.MethodHead {
		mode = retryRead
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#") || hasDotSegment(path) {
		return nil, fmt.Errorf("tango: Do: path %q must start with / and carry no query, fragment or dot segment", path)
	}
	req, err := newRequest(method, path, query, body, mode)
	if err != nil {
		return nil, err
	}
	if c.accountGuard != nil {
		for _, p := range doOwners(path, query, req.body) {
			if err := c.vetOwner(ctx, method, path, p[0], p[1]); err != nil {
				return nil, err
			}
		}
	}
	return c.send(ctx, req, out)
}

// hasDotSegment reports a "." or ".." segment, which would step outside the API root.
func hasDotSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") { // runs on every request: no slice
		if u, err := url.PathUnescape(seg); err != nil || u == "." || u == ".." {
			return true
		}
	}
	return false
}
