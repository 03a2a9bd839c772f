package tango

// Credentials: the OAuth 2.0 token, an authenticated read and what its 401 or 403
// means, and whether the credentials belong to the environment the client uses.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tango-sdk/tango-go/doctor"
	"github.com/tango-sdk/tango-go/internal/transport"
)

// checkToken obtains a token the way a call would and describes it.
func (dr *checkup) checkToken(ctx context.Context) doctor.Check {
	a, ok := dr.c.auth.(*oauth2Authenticator)
	if !ok {
		return skipped(doctor.CheckToken, "not run: "+dr.d.Auth+" sends the credentials with every call; there is no token endpoint")
	}
	eps := dr.endpointsList()
	if tok := eps[len(eps)-1]; !tok.connected { // the token host, or the API host they share
		why := "the " + tok.label() + " is unreachable (see dns and tcp)"
		dr.tokenErr = errors.New(why) // the checks that need a token skip too
		return skipped(doctor.CheckToken, "not run: "+why)
	}
	facts, err := a.diagnoseToken(ctx)
	if err != nil {
		dr.tokenErr = err
		return explainTokenError(err)
	}
	left := facts.expiry.Sub(dr.c.clock.Now())
	dr.d.Token = &doctor.TokenReport{
		Source:           facts.source,
		LifetimeSeconds:  int64(facts.lifetime.Round(time.Second) / time.Second),
		RemainingSeconds: int64(left.Round(time.Second) / time.Second),
		Expiry:           facts.expiry,
	}
	from := map[string]string{
		"endpoint": "a token was fetched from the token endpoint",
		"cache":    "the client already holds a token (not fetched again, to spare Tango's token quota)",
		"store":    "a token was loaded from the TokenStore",
	}[facts.source]
	return passed(fmt.Sprintf("%s; lifetime %v, %v left; the token itself is never shown", from,
		facts.lifetime.Round(time.Second), left.Round(time.Second)))
}

// explainTokenError turns a failed token fetch into a check.
func explainTokenError(err error) doctor.Check {
	var te *TokenError
	switch {
	case errors.Is(err, ErrTokenQuota):
		return failed("the token endpoint refused to issue a token: quota exceeded ("+err.Error()+")",
			"Wait for the quota to reset (Tango's older limit is one token per 20 hours). Keep tokens in a TokenStore (WithTokenStore) so that restarts and scripts reuse them.")
	case errors.Is(err, ErrUnauthorized):
		return failed("the token endpoint refused the client credentials: "+err.Error(),
			"Check the client id and secret. Sandbox credentials work only with the sandbox token endpoint (sandbox-auth.tangocard.com) and production ones with production's (auth.tangocard.com); OAuth must also be enabled for your platform (ask Tango).")
	case errors.As(err, &te) && te.Err != nil:
		return failed("the token endpoint did not answer: "+err.Error(),
			"See the dns and tcp checks for the token host; a certificate error means a proxy re-signs traffic (see tls).")
	case errors.As(err, &te):
		return failed("the token endpoint answered with an error: "+err.Error(),
			"Quote this answer to Tango support; the token endpoint may be degraded.")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return failed("no token before the deadline: "+err.Error(), "Run again with more time; see the token host's dns and tcp checks.")
	}
	return failed("could not obtain a token: "+err.Error(), "Check the credentials provider the Auth reads from.")
}

// checkRead makes a cheap authenticated read (one row of the account list) through
// the normal pipeline, so a refused OAuth token is replaced and the call replayed
// once, as for any call.
func (dr *checkup) checkRead(ctx context.Context) doctor.Check {
	if ok, why := dr.reachable(); !ok {
		return skipped(doctor.CheckRead, why)
	}
	if dr.tokenErr != nil {
		return skipped(doctor.CheckRead, "not run: no OAuth token (see token)")
	}
	dr.readRan = true
	start := time.Now()
	page, err := dr.c.accountsService().List(ctx, &ListAccountsParams{CursorParams: CursorParams{MaxResults: 1}})
	dr.readErr = err
	if err != nil {
		return dr.explainReadError(err)
	}
	return passed(fmt.Sprintf("listing accounts (GET /accounts, one row) succeeded in %v; %d account(s) on the first page", roundLatency(time.Since(start)), len(page.Items)),
		"request id "+page.RequestID)
}

// explainReadError says what a failed authenticated read means.
func (dr *checkup) explainReadError(err error) doctor.Check {
	var (
		gw  *GatewayError
		api *APIError
	)
	if errors.As(err, &gw) {
		return failed(fmt.Sprintf("%d from the load balancer (Server: %s), not from the Tango API: the request was refused before Tango saw it", gw.StatusCode, gw.Server),
			"Most often a proxy or API gateway (Azure API Management, MuleSoft, nginx) appends ip:port to X-Forwarded-For: confirm it with doctor.BehindProxy (tango doctor --behind-proxy) and make the gateway send bare IPs or drop the header (tango.NormalizeForwardedFor does this for Go gateways). Other causes: an expired token, browser headers (Origin, Sec-Fetch-*) added on the way, the wrong environment.",
			requestIDLine(gw.RequestID)...)
	}
	if !errors.As(err, &api) {
		if errors.Is(err, ErrUntrustedServer) || transport.IsCertificateError(err) {
			return failed("the API host's certificate was refused: "+err.Error(), "See the tls check.")
		}
		return failed("no answer to GET /accounts: "+err.Error(),
			"See the dns, tcp and tls checks. A timeout means the host is slow or a firewall drops packets; run again, and check Tango's status page.")
	}
	what := fmt.Sprintf("GET /accounts answered %d", api.StatusCode)
	if api.I18nKey != "" {
		what += " (" + api.I18nKey + ")"
	}
	if api.Message != "" {
		what += " " + api.Message
	}
	ids := requestIDLine(api.RequestID)
	switch {
	case api.StatusCode == http.StatusUnauthorized && dr.d.TokenURL != "":
		return failed(what+": Tango refused the bearer token, even a freshly fetched one",
			"The token endpoint and the API belong to different environments (see environment), or OAuth is not enabled for this platform in this environment: ask Tango to enable it, or use BasicAuth.", ids...)
	case api.StatusCode == http.StatusUnauthorized:
		return failed(what+": Tango refused the platform name and key",
			"Check the platform name and API key. Sandbox and production keys differ: a sandbox key is refused by production and the reverse (see environment).", ids...)
	case api.StatusCode == http.StatusForbidden && api.I18nKey == "403.001":
		return failed(what+": Tango's answer to browser-originated calls",
			"Calls must come from a server. Something on the path adds browser headers (Origin, Referer, Sec-Fetch-*): remove them in the proxy or gateway. If nothing does, the platform lacks access to this resource: ask Tango support, quoting the request id.", ids...)
	case api.StatusCode == http.StatusForbidden:
		return failed(what+": Tango refused the platform",
			"Platform verification or status (403.017, 403.018, 403.020) blocks calls: contact Tango support, quoting the request id.", ids...)
	case api.StatusCode == http.StatusNotFound:
		return failed(what+": the API root is wrong",
			"APIBaseURL must end in /raas/v2 (https://api.tangocard.com/raas/v2 or https://integration-api.tangocard.com/raas/v2), or your gateway must map its URL there.", ids...)
	case api.StatusCode == http.StatusTooManyRequests:
		return warned(what+": rate limited", "Wait and run again; Tango limits calls per second per platform.", ids...)
	case api.StatusCode >= 500:
		return failed(what+": a server-side problem at Tango (or a gateway in front of it)",
			"Check Tango's status page and run again later; quote the request id to Tango support.", ids...)
	}
	return failed(what, "Quote the request id to Tango support.", ids...)
}

// requestIDLine is the details line naming a request id, if there is one.
func requestIDLine(id string) []string {
	if id == "" {
		return nil
	}
	return []string{"request id " + id}
}

// envKind describes the client's environment for the report.
func (dr *checkup) envKind() string {
	switch {
	case dr.c.env.APIBaseURL == Sandbox.APIBaseURL:
		return "Tango's sandbox"
	case dr.c.env.APIBaseURL == Production.APIBaseURL:
		return "Tango's production environment"
	case isLoopbackHost(dr.host):
		return "a server on this machine (such as a tangotest fake)"
	}
	return "a custom environment (a gateway or proxy in front of Tango?)"
}

// checkEnvironment tells credentials refused by this environment apart from other
// failures: sandbox credentials against production, and the reverse, look like 401s.
func (dr *checkup) checkEnvironment(context.Context) doctor.Check {
	kind := dr.envKind()
	where := fmt.Sprintf("%s at %s", kind, dr.c.baseURL)
	mismatch := fmt.Sprintf("Sandbox and production are separate: each has its own credentials and hosts, and the credentials of one are refused by the other with a 401. This client uses %s: check that TANGO_ENVIRONMENT (or the Environment given to NewClient) is the one your credentials were issued for.", where)
	var (
		api *APIError
		gw  *GatewayError
	)
	switch {
	case dr.tokenErr != nil && errors.Is(dr.tokenErr, ErrUnauthorized):
		return failed("the token endpoint of "+kind+" refused the client credentials", mismatch)
	case errors.As(dr.readErr, &api) && api.StatusCode == http.StatusUnauthorized && dr.d.TokenURL != "":
		return failed(fmt.Sprintf("the API at %s refused a token issued by %s", dr.c.baseURL, dr.d.TokenURL),
			"The API and the token endpoint must belong to the same environment: sandbox pairs integration-api.tangocard.com with sandbox-auth.tangocard.com, production pairs api.tangocard.com with auth.tangocard.com. "+mismatch)
	case errors.As(dr.readErr, &api) && api.StatusCode == http.StatusUnauthorized:
		return failed(kind+" refused the credentials (401)", mismatch)
	case errors.As(dr.readErr, &gw):
		return warned("the load balancer refused the call, so the credentials were never judged", "Credentials for the other environment are one possible cause; see read (and proxy) first. "+mismatch)
	case dr.readRan && dr.readErr == nil:
		ch := passed("the credentials are accepted by " + where)
		if dr.c.env.APIBaseURL == Production.APIBaseURL {
			ch.Details = []string{"this is production: orders move real money"}
		}
		return ch
	}
	return skipped(doctor.CheckEnvironment, "not run: the authenticated read got no verdict on the credentials")
}
