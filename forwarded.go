package tango

import (
	"net/netip"
	"strings"
)

// NormalizeForwardedFor rewrites an X-Forwarded-For value so that every entry is a
// bare IP address, the form Tango's load balancer accepts.
//
// Proxies and API gateways (Azure API Management, MuleSoft, some nginx setups)
// append "ip:port" entries; Tango's AWS load balancer answers those with an HTML 403
// before the API sees the request. This function keeps the address of each entry
// and drops its port, brackets, zone, quotes and an RFC 7239 "for=" prefix. Entries
// that hold no IP address ("unknown", obfuscated identifiers, garbage) are dropped.
// The result joins the entries with ", "; it is empty when nothing valid is left,
// which means the header should be removed.
//
// The SDK applies it to any X-Forwarded-For header set through WithHeader. It is
// exported for people who run gateways in front of Tango and must fix the header
// there.
func NormalizeForwardedFor(value string) string {
	var out []string
	for _, entry := range strings.Split(value, ",") {
		if addr, ok := forwardedAddr(entry); ok {
			out = append(out, addr.String())
		}
	}
	return strings.Join(out, ", ")
}

// forwardedAddr extracts the IP address from one X-Forwarded-For entry.
func forwardedAddr(entry string) (netip.Addr, bool) {
	s := strings.TrimSpace(entry)
	if len(s) >= 4 && strings.EqualFold(s[:4], "for=") {
		s = strings.TrimSpace(s[4:])
	}
	s = strings.Trim(s, `"`)
	if s == "" {
		return netip.Addr{}, false
	}
	if addr, err := netip.ParseAddr(s); err == nil {
		return addr.WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().WithZone(""), true
	}
	// "[v6]" without a port.
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if addr, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return addr.WithZone(""), true
		}
	}
	return netip.Addr{}, false
}
