package tango

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/tango-sdk/tango-go/internal/tokencache"
)

// defaultTokenLifetime is assumed when the token endpoint does not say (Tango
// documents 86400 s).
const defaultTokenLifetime = 24 * time.Hour

// OAuth2 authenticates with OAuth 2.0 bearer tokens from Tango's client-credentials
// grant. Tokens are fetched from the environment's TokenURL through the client's
// pinned-TLS transport, one request per fetch with the credentials in the form body,
// and cached: see WithTokenStore, WithRefreshWindow and WithTokenFetchTimeout.
//
// Concurrent calls share one token and one fetch; a token is renewed in the
// background before it expires; a token Tango refuses (401) is replaced once and the
// call replayed. The secret prints as [REDACTED] wherever the Auth value is printed.
func OAuth2(clientID, clientSecret string, opts ...AuthOption) Auth {
	return oauth2Auth{
		fixed: &Credentials{ID: clientID, Secret: NewSecret(clientSecret)},
		opts:  opts,
		name:  "OAuth2",
	}
}

// OAuth2ServiceAccount authenticates with OAuth 2.0 bearer tokens from Tango's
// service-account flow (grant_type=password with a username and password, besides the
// client id and secret). It caches and renews tokens as OAuth2 does.
func OAuth2ServiceAccount(clientID, clientSecret, username, password string, opts ...AuthOption) Auth {
	return oauth2Auth{
		fixed: &Credentials{ID: clientID, Secret: NewSecret(clientSecret), Username: username, Password: NewSecret(password)},
		opts:  opts,
		name:  "OAuth2ServiceAccount",
	}
}

// OAuth2FromProvider authenticates with OAuth 2.0 bearer tokens, taking the client
// credentials from p each time it needs a token, so a secret rotated in a vault is
// used from the next token on. When p returns credentials other than those that
// obtained the cached token, that token is dropped. With a RotatingCredentials, a
// Rotate takes effect on the very next request. Credentials with a Username use the
// service-account flow.
func OAuth2FromProvider(p CredentialsProvider, opts ...AuthOption) Auth {
	return oauth2Auth{provider: p, opts: opts, name: "OAuth2FromProvider"}
}

// oauth2Auth is the Auth value; it holds credentials and options only.
type oauth2Auth struct {
	fixed    *Credentials
	provider CredentialsProvider
	opts     []AuthOption
	name     string
}

// String names the flow and the client id, and hides the secrets.
func (o oauth2Auth) String() string {
	if o.fixed != nil {
		return o.name + "(" + o.fixed.ID + ", " + redacted + ")"
	}
	return o.name + "(" + describeProvider(o.provider) + ")"
}

// GoString hides the secrets from %#v.
func (o oauth2Auth) GoString() string { return o.String() }

// Format prints the redacted form for every fmt verb.
func (o oauth2Auth) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(o.String())) }

func (o oauth2Auth) bind(d authDeps) (authenticator, error) {
	s, err := buildAuthSettings(o.opts)
	if err != nil {
		return nil, err
	}
	if err := checkTokenURL(d.env); err != nil {
		return nil, err
	}
	if d.httpClient == nil || d.clock == nil || d.logger == nil {
		return nil, errors.New("tango: " + o.name + ": client dependencies missing")
	}
	provider := o.provider
	if o.fixed != nil {
		c := *o.fixed
		if !s.issuedAt.IsZero() {
			c.IssuedAt = s.issuedAt
		}
		if err := c.check(o.name); err != nil {
			return nil, err
		}
		provider = staticCredentials{snap: newSnapshot(c, 0)}
	} else {
		if provider == nil {
			return nil, errors.New("tango: OAuth2FromProvider: nil provider")
		}
		if !s.issuedAt.IsZero() {
			return nil, errors.New("tango: OAuth2FromProvider: WithIssuedAt applies to fixed credentials; set Credentials.IssuedAt in the provider")
		}
	}
	a := &oauth2Authenticator{
		name:     o.name,
		env:      d.env,
		provider: provider,
		settings: s,
		hc:       tokenHTTPClient(d.httpClient, d.userAgent),
		clock:    d.clock,
		ages:     &ageWarner{maxAge: s.maxAge, clock: d.clock, logger: d.logger},
	}
	if snap, ok := provider.(snapshotter); ok {
		// Check what can be checked now, so NewClient fails on empty credentials
		// rather than the first call.
		if err := snap.snapshot().creds.check(o.name); err != nil {
			return nil, err
		}
		a.ages.check(snap.snapshot(), o.name)
	}
	a.cache = tokencache.New(tokencache.Config[*credSnapshot]{
		Source: a, Store: cacheStore(s.store), StoreTimeout: s.fetchTimeout,
		Clock: d.clock, Logger: d.logger, Window: s.window, MinWindow: MinRefreshWindow, Stale: a.stale,
		Closed: errAuthClosed, Quota: isTokenQuota, Transient: transientTokenError,
	})
	return a, nil
}

// checkTokenURL refuses an environment without a usable token endpoint: it must be
// https, except on loopback hosts (fake servers in tests).
func checkTokenURL(env Environment) error {
	if env.TokenURL == "" {
		return fmt.Errorf("tango: OAuth2: environment %q has no TokenURL", env.Name)
	}
	u, err := url.Parse(env.TokenURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("tango: OAuth2: environment %q: TokenURL is not an absolute URL", env.Name)
	}
	if u.User != nil {
		return fmt.Errorf("tango: OAuth2: environment %q: TokenURL must not carry user info", env.Name)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
	}
	return fmt.Errorf("tango: OAuth2: environment %q: TokenURL must use https (http only on loopback)", env.Name)
}

// tokenHTTPClient wraps the client's pinned, non-redirecting http.Client (no
// middleware: the token request carries the client secret in its body) so that
// token requests carry the SDK's User-Agent and ask for JSON.
func tokenHTTPClient(hc *http.Client, userAgent string) *http.Client {
	return &http.Client{
		Transport:     tokenTransport{base: hc.Transport, userAgent: userAgent},
		CheckRedirect: hc.CheckRedirect,
		Timeout:       hc.Timeout,
	}
}

type tokenTransport struct {
	base      http.RoundTripper
	userAgent string
}

func (t tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("Accept", "application/json")
	if t.userAgent != "" {
		r.Header.Set("User-Agent", t.userAgent)
	}
	return t.base.RoundTrip(r)
}

// oauth2Authenticator is an OAuth2 Auth bound to one Client.
type oauth2Authenticator struct {
	name     string
	env      Environment
	provider CredentialsProvider
	settings authSettings
	hc       *http.Client
	clock    Clock
	ages     *ageWarner
	cache    *tokencache.Cache[*credSnapshot]
}

func (a *oauth2Authenticator) Authorize(ctx context.Context, req *http.Request) (any, error) {
	t, err := a.cache.Get(ctx)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+t.Access.Reveal())
	return t, nil
}

// ready obtains a token before the caller takes a turn in the client's pacing, so
// that a token fetch does not push the request it was for into the next turn.
func (a *oauth2Authenticator) ready(ctx context.Context) error {
	_, err := a.cache.Get(ctx)
	return err
}

func (a *oauth2Authenticator) invalidate(used any) bool {
	t, _ := used.(*tokencache.Token)
	return a.cache.Invalidate(t)
}

func (a *oauth2Authenticator) close() { a.cache.Close() }

// stale reports whether the credentials changed since t was obtained; only providers
// that can be read cheaply (RotatingCredentials) are checked on every request.
func (a *oauth2Authenticator) stale(t *tokencache.Token) bool {
	if s, ok := a.provider.(snapshotter); ok {
		return s.snapshot().fp() != t.Fingerprint
	}
	return false
}

// Credentials consults the provider, within the fetch timeout: the shared fetch
// must not hang on a slow vault.
func (a *oauth2Authenticator) Credentials(ctx context.Context) (*credSnapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, a.settings.fetchTimeout)
	defer cancel()
	snap, err := readCredentials(ctx, a.provider, a.name)
	if err != nil {
		return nil, err
	}
	a.ages.check(snap, a.name)
	return snap, nil
}

// StoreKey is the TokenStore key for creds.
func (a *oauth2Authenticator) StoreKey(creds *credSnapshot) string {
	return tokenStoreKey(a.env.TokenURL, creds.creds)
}

// Fingerprint identifies creds without revealing them.
func (a *oauth2Authenticator) Fingerprint(creds *credSnapshot) string { return creds.fp() }

// Exchange makes one request to the token endpoint through x/oauth2, on a context of
// its own (derived from the cache's, with the fetch timeout), never one captured
// earlier.
func (a *oauth2Authenticator) Exchange(ctx context.Context, creds *credSnapshot) (*tokencache.Token, error) {
	ctx, cancel := context.WithTimeout(ctx, a.settings.fetchTimeout)
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, a.hc)

	c := creds.creds
	params := url.Values{"audience": {a.settings.audience}}
	if c.serviceAccount() {
		params.Set("grant_type", "password")
		params.Set("username", c.Username)
		params.Set("password", c.Password.Reveal())
	}
	cfg := clientcredentials.Config{
		ClientID:       c.ID,
		ClientSecret:   c.Secret.Reveal(),
		TokenURL:       a.env.TokenURL,
		Scopes:         []string{tokenScope},
		EndpointParams: params,
		// Credentials in the body, as Tango documents; an explicit style also stops
		// x/oauth2 from probing with a second request when the first fails.
		AuthStyle: oauth2.AuthStyleInParams,
	}
	start := a.clock.Now()
	tok, err := cfg.Token(ctx)
	if err != nil {
		return nil, a.tokenError(err, c)
	}
	if tt := tok.TokenType; tt != "" && !strings.EqualFold(tt, "bearer") {
		s := newScrubber(c.Secret.Reveal(), c.Password.Reveal(), tok.AccessToken)
		return nil, &TokenError{Environment: a.env.Name, StatusCode: http.StatusOK,
			Description: "unsupported token_type " + strconv.Quote(s.clean(tt)) + " (want Bearer)"}
	}
	return &tokencache.Token{
		Access:      NewSecret(tok.AccessToken),
		Obtained:    start,
		Expiry:      start.Add(tokenLifetime(tok)),
		Fingerprint: creds.fp(),
	}, nil
}

// tokenLifetime reads expires_in. Expiry is measured from when the request started,
// by the client's clock, so a slow answer errs on the early side.
func tokenLifetime(tok *oauth2.Token) time.Duration {
	if tok.ExpiresIn > 0 {
		return time.Duration(tok.ExpiresIn) * time.Second
	}
	if !tok.Expiry.IsZero() {
		if d := time.Until(tok.Expiry); d > 0 {
			return d
		}
	}
	return defaultTokenLifetime
}

// tokenError turns what x/oauth2 returned into a *TokenError without secrets.
// RetrieveError's own text holds the raw body, so only its parsed fields are kept,
// and those are scrubbed.
func (a *oauth2Authenticator) tokenError(err error, c Credentials) error {
	s := newScrubber(c.Secret.Reveal(), c.Password.Reveal())
	te := &TokenError{Environment: a.env.Name}
	var re *oauth2.RetrieveError
	var ue *url.Error
	switch {
	case errors.As(err, &re):
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
		}
		te.Code = s.clean(re.ErrorCode)
		te.Description = s.clean(re.ErrorDescription)
		if te.Code == "" && te.Description == "" {
			te.Description = s.clean(string(re.Body))
		}
		te.quota = isQuotaAnswer(te.StatusCode, re.ErrorCode, re.ErrorDescription+" "+string(re.Body))
	case errors.As(err, &ue):
		// No answer: a transport failure. Its text names the token URL only.
		te.Err = markUntrusted(err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		te.Err = err
	default:
		// x/oauth2's own complaints about the answer (unparseable, no access_token).
		te.StatusCode = http.StatusOK
		te.Description = s.clean(err.Error())
	}
	return te
}
