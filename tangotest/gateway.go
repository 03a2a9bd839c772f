package tangotest

import (
	"net/http"
	"strings"
)

// gatewayPage is the HTML body Tango's AWS load balancer sends with its 403.
const gatewayPage = `<html>
<head><title>403 Forbidden</title></head>
<body>
<center><h1>403 Forbidden</h1></center>
</body>
</html>
`

// writeGatewayForbidden answers like Tango's load balancer refusing a request before
// the API sees it: 403, an HTML page, Server: awselb/2.0.
func writeGatewayForbidden(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Server", "awselb/2.0")
	h.Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(gatewayPage))
}

// forwardedWithPort reports whether any X-Forwarded-For entry carries a port
// ("1.2.3.4:5678", "[::1]:80"), which Tango's load balancer refuses with an HTML 403.
func forwardedWithPort(values []string) bool {
	for _, v := range values {
		for _, entry := range strings.Split(v, ",") {
			if entryHasPort(strings.TrimSpace(entry)) {
				return true
			}
		}
	}
	return false
}

func entryHasPort(e string) bool {
	if strings.HasPrefix(e, "[") {
		end := strings.Index(e, "]")
		return end >= 0 && strings.HasPrefix(e[end+1:], ":")
	}
	// A bare IPv6 address has several colons and no port; host:port has one.
	return strings.Count(e, ":") == 1
}
