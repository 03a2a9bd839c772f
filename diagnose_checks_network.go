package tango

// Reach: can this machine resolve and connect to the hosts the client uses (or to
// the HTTPS proxy its transport goes through)?

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tango-sdk/tango-go/doctor"
)

// endpoint is one host the client talks to.
type endpoint struct {
	role string // "API" or "token endpoint"
	host string // from the URL
	port string
	// proxy is the HTTPS proxy the transport sends this host's requests through,
	// if any; DNS and TCP are then checked against the proxy.
	proxy *url.URL

	resolved, connected bool
}

// dialAddr is what a TCP connection for this endpoint goes to: the proxy or the host.
func (e *endpoint) dialAddr() (host, port string) {
	if e.proxy != nil {
		port := e.proxy.Port()
		if port == "" {
			port = defaultPort(e.proxy.Scheme)
		}
		return e.proxy.Hostname(), port
	}
	return e.host, e.port
}

// label names the endpoint for the report: "API host api.tangocard.com:443".
func (e *endpoint) label() string {
	s := e.role + " host " + net.JoinHostPort(e.host, e.port)
	if e.proxy != nil {
		s += " via HTTPS proxy " + e.proxy.Redacted()
	}
	return s
}

func defaultPort(scheme string) string {
	if scheme == "http" {
		return "80"
	}
	return "443"
}

// endpoints lists the API host and, for OAuth2 with a token host of its own, the
// token host.
func (dr *checkup) endpointsList() []*endpoint {
	if dr.endpoints != nil {
		return dr.endpoints
	}
	add := func(role, raw string) {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return // NewClient checked both URLs; nothing to add
		}
		port := u.Port()
		if port == "" {
			port = defaultPort(u.Scheme)
		}
		for _, e := range dr.endpoints {
			if e.host == u.Hostname() && e.port == port {
				return
			}
		}
		dr.endpoints = append(dr.endpoints, &endpoint{role: role, host: u.Hostname(), port: port, proxy: dr.c.proxyFor(u)})
	}
	add("API", dr.c.baseURL)
	if dr.d.TokenURL != "" {
		add("token endpoint", dr.d.TokenURL)
	}
	return dr.endpoints
}

// proxyFor returns the proxy the client's pinned transport uses for u
// (HTTPS_PROXY and NO_PROXY, or the caller's Transport.Proxy), or nil for a direct
// connection.
func (c *Client) proxyFor(u *url.URL) *url.URL {
	t := c.pinned
	if t.Proxy == nil {
		return nil
	}
	p, err := t.Proxy(&http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}})
	if err != nil {
		return nil
	}
	return p
}

// checkDNS resolves each endpoint's host (or its proxy's).
func (dr *checkup) checkDNS(ctx context.Context) doctor.Check {
	var details, problems []string
	for _, e := range dr.endpointsList() {
		host, _ := e.dialAddr()
		if net.ParseIP(host) != nil {
			e.resolved = true
			details = append(details, e.label()+": "+host+" is an IP address, nothing to resolve")
			continue
		}
		lctx, cancel := context.WithTimeout(ctx, dr.c.attemptTimeout)
		addrs, err := net.DefaultResolver.LookupIPAddr(lctx, host)
		cancel()
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s does not resolve: %v", e.label(), host, err))
			continue
		}
		e.resolved = true
		ips := make([]string, len(addrs))
		for i, a := range addrs {
			ips[i] = a.String()
		}
		details = append(details, fmt.Sprintf("%s: %s resolves to %s", e.label(), host, strings.Join(ips, ", ")))
	}
	if len(problems) > 0 {
		return failed(problems[0],
			"Check the host name in the Environment (a typo, or a retired host such as sandbox.tangocard.com) and this machine's DNS (resolv.conf, a VPN or split-horizon DNS). Behind an egress proxy, set HTTPS_PROXY so that the proxy resolves Tango's hosts.",
			append(problems[1:], details...)...)
	}
	summary := "every host resolves"
	if len(details) == 1 {
		summary = details[0]
		details = nil
	}
	return passed(summary, details...)
}

// checkTCP opens (and closes) a TCP connection to each resolved endpoint.
func (dr *checkup) checkTCP(ctx context.Context) doctor.Check {
	var details, problems []string
	tried := 0
	for _, e := range dr.endpointsList() {
		if !e.resolved {
			continue
		}
		tried++
		host, port := e.dialAddr()
		addr := net.JoinHostPort(host, port)
		start := time.Now()
		dctx, cancel := context.WithTimeout(ctx, dr.c.attemptTimeout)
		conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
		cancel()
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: cannot connect to %s: %v", e.label(), addr, err))
			continue
		}
		e.connected = true
		details = append(details, fmt.Sprintf("%s: connected to %s in %v", e.label(), conn.RemoteAddr(), roundLatency(time.Since(start))))
		_ = conn.Close()
	}
	if tried == 0 {
		return skipped(doctor.CheckTCP, "not run: no host resolved")
	}
	if len(problems) > 0 {
		return failed(problems[0],
			"A firewall, security group or network ACL may block outbound TCP to this port, or nothing listens there. Allow egress to Tango's hosts on port 443, or route through your egress proxy (HTTPS_PROXY).",
			append(problems[1:], details...)...)
	}
	summary := "every host accepts TCP connections"
	if len(details) == 1 {
		summary = details[0]
		details = nil
	}
	return passed(summary, details...)
}

// roundLatency keeps a latency readable: microseconds below a millisecond,
// milliseconds above.
func roundLatency(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
