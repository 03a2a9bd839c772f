package webhook

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// SandboxSources returns the addresses Tango's sandbox sends webhooks from
// (published on Tango's webhook notification page), for Config.AllowedSources.
// Each call returns a new slice.
func SandboxSources() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("3.217.205.241/32")}
}

// ProductionSources returns the addresses Tango's production environment sends
// webhooks from (published on Tango's webhook notification page), for
// Config.AllowedSources. Each call returns a new slice.
func ProductionSources() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("13.52.34.251/32"), netip.MustParsePrefix("52.8.94.202/32")}
}

// maxForwardedHops bounds how many X-Forwarded-For entries are read.
const maxForwardedHops = 32

// clientAddr returns the address the delivery came from: RemoteAddr, or, when
// RemoteAddr is a trusted proxy, the rightmost X-Forwarded-For entry that is not
// a trusted proxy. ok is false when no address can be established (an
// unparseable RemoteAddr or entry, or too many hops).
func (v *validated) clientAddr(r *http.Request) (netip.Addr, bool) {
	addr, ok := parseHostAddr(r.RemoteAddr)
	if !ok {
		return netip.Addr{}, false
	}
	if !inPrefixes(v.proxies, addr) {
		return addr, true
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for _, part := range strings.Split(h, ",") {
			hops = append(hops, strings.TrimSpace(part))
			if len(hops) > maxForwardedHops {
				return netip.Addr{}, false
			}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHostAddr(hops[i])
		if !ok {
			return netip.Addr{}, false
		}
		addr = a
		if !inPrefixes(v.proxies, a) {
			return a, true
		}
	}
	// Every hop is a trusted proxy: the leftmost one is the client.
	return addr, true
}

// parseHostAddr parses "ip", "ip:port", "[v6]:port" or "[v6]".
func parseHostAddr(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.Unmap().WithZone(""), true
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// inPrefixes reports whether a is in one of ps.
func inPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
