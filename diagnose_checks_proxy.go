package tango

// Proxy: the confirmation procedure for the load balancer's X-Forwarded-For rule.
// The same harmless read goes out twice, outside the SDK's normalisation: with
// X-Forwarded-For "ip:port" and with the bare "ip". A 403 from the load balancer
// followed by a 200 proves the port is what it refuses; a 403 for both proves that
// something on the path appends ported entries of its own.

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tango-sdk/tango-go/doctor"
)

// The address the probes claim to forward for: 203.0.113.0/24 is TEST-NET-3
// (RFC 5737), reserved for documentation, so it can never name a real client.
const (
	probeForwardedIP     = "203.0.113.10"
	probeForwardedPorted = probeForwardedIP + ":41000"
)

// checkProxy runs the X-Forwarded-For pair when doctor.BehindProxy asked for it.
func (dr *checkup) checkProxy(ctx context.Context) doctor.Check {
	if !dr.cfg.BehindProxy {
		return skipped(doctor.CheckProxy, "not run: when a proxy or API gateway sits between you and Tango, ask for it with doctor.BehindProxy (tango doctor --behind-proxy); it sends one request Tango is expected to refuse")
	}
	if ok, why := dr.reachable(); !ok {
		return skipped(doctor.CheckProxy, why)
	}
	if dr.tokenErr != nil {
		return skipped(doctor.CheckProxy, "not run: no OAuth token (see token)")
	}
	// The read check's request: one row of the account list.
	const read = "/accounts?paginate=true&maxResults=1"
	ported := dr.c.probe(ctx, read, probeOptions{auth: true, forwardedFor: probeForwardedPorted})
	bare := dr.c.probe(ctx, read, probeOptions{auth: true, forwardedFor: probeForwardedIP})
	details := []string{
		"GET /accounts with X-Forwarded-For: " + probeForwardedPorted + " -> " + ported.describe(),
		"GET /accounts with X-Forwarded-For: " + probeForwardedIP + " -> " + bare.describe(),
	}
	var gw *GatewayError
	ownRefused := errors.As(dr.readErr, &gw)
	switch {
	case ported.byGateway() && bare.succeeded() && !ownRefused:
		return passed("403 then 200: the load balancer refuses X-Forwarded-For entries with a port and accepts bare IPs, and nothing on this path adds ported entries", details...)
	case ported.byGateway() && bare.succeeded():
		return warned("403 then 200 proves the load balancer's port rule, yet your calls were refused without any X-Forwarded-For: the header is not the cause here",
			"See the read check: an expired token, browser headers added on the way, or the wrong environment.", details...)
	case ported.byGateway() && bare.byGateway():
		return failed("403 for both: even a bare-IP X-Forwarded-For was refused, so a proxy or API gateway between this machine and Tango appends ip:port entries",
			"Make the gateway forward bare IPs or drop X-Forwarded-For before it calls Tango (Azure API Management: a set-header policy; nginx: proxy_set_header X-Forwarded-For $remote_addr; Go: tango.NormalizeForwardedFor), then run this check again: it passes once the second request gets 200.",
			details...)
	case ported.succeeded() && bare.succeeded():
		return passed("200 for both: a ported X-Forwarded-For is not refused on this path; a proxy or gateway in between rewrites the header", details...)
	case ported.succeeded() && bare.byGateway():
		return warned("200 then 403, the reverse of the load balancer's rule: something else on the path decides",
			"Run again; if it repeats, send both answers to Tango support.", details...)
	}
	return warned("inconclusive: the pair got neither a 200 nor the load balancer's 403",
		"Fix what the read check reports first (a 401 or a network error hides the load balancer's verdict), then run again.", details...)
}

// succeeded reports a 2xx answer.
func (r *probeResult) succeeded() bool { return r.err == nil && r.status >= 200 && r.status < 300 }

// byGateway reports the load balancer's HTML 403.
func (r *probeResult) byGateway() bool {
	var gw *GatewayError
	return r.err == nil && errors.As(r.apiErr, &gw)
}

// describe says in a few words what a probe got back.
func (r *probeResult) describe() string {
	var (
		gw  *GatewayError
		api *APIError
	)
	switch {
	case r.err != nil:
		return "no answer: " + r.err.Error()
	case errors.As(r.apiErr, &gw):
		return fmt.Sprintf("%d from the load balancer (Server: %s)", gw.StatusCode, gw.Server)
	case errors.As(r.apiErr, &api) && api.I18nKey != "":
		return fmt.Sprintf("%d (%s) from the API", api.StatusCode, api.I18nKey)
	}
	return fmt.Sprintf("%d %s", r.status, http.StatusText(r.status))
}
