package tangotest

// Network conditions in front of the fake, for tests of connection diagnostics
// (tango.Client.Diagnose, `tango doctor`): an API gateway that appends ip:port to
// X-Forwarded-For, a server clock that disagrees with the caller's, and a server
// certificate close to (or past) its expiry.

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// defaultCertLifetime is how long the fake's server certificate is valid unless
// WithCertificateExpiresIn says otherwise.
const defaultCertLifetime = 365 * 24 * time.Hour

// WithForwardingGateway puts a misconfigured API gateway in front of the fake's API
// (the /raas/v2 paths; the token endpoint lives on another host at Tango and is left
// alone): every request gets the caller's address appended to X-Forwarded-For as
// "ip:port", the way Azure API Management or a careless nginx does. Tango's load
// balancer, and so the fake, then refuses every API call with its HTML 403, whatever
// X-Forwarded-For the caller itself sent.
func WithForwardingGateway() Option {
	return func(c *config) error {
		c.gateway = true
		return nil
	}
}

// WithClockSkew moves the fake's clock d ahead of the clock it reads (the wall clock,
// or WithClock's function); a negative d puts it behind. Every answer's Date header
// then follows the moved clock, so a client can measure the skew; token expiry and
// createdAt stamps follow it too. d must be within ±30 days.
func WithClockSkew(d time.Duration) Option {
	return func(c *config) error {
		if d < -30*24*time.Hour || d > 30*24*time.Hour {
			return fmt.Errorf("tangotest: clock skew %v is beyond ±30 days", d)
		}
		c.skew = d
		return nil
	}
}

// WithCertificateExpiresIn makes the fake's server certificate expire d after the
// server starts, by the wall clock (TLS peers check it against theirs), instead of
// in a year. A small d gives a certificate close to expiry; a negative d, one that
// has already expired, which TLS clients refuse. d must be non-zero, within a year
// ahead and 30 days behind.
func WithCertificateExpiresIn(d time.Duration) Option {
	return func(c *config) error {
		if d == 0 || d < -30*24*time.Hour || d > defaultCertLifetime {
			return fmt.Errorf("tangotest: certificate lifetime %v must be non-zero, within %v ahead and 30 days behind", d, defaultCertLifetime)
		}
		c.certLifetime = d
		return nil
	}
}

// edge returns the handler the listener serves: the fake itself, behind the network
// conditions the options asked for.
func (s *Server) edge() http.Handler {
	if !s.cfg.gateway && s.cfg.skew == 0 {
		return s
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.skew != 0 {
			// net/http adds Date only when the handler has not set one.
			w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		}
		if s.cfg.gateway && (r.URL.Path == APIPrefix || strings.HasPrefix(r.URL.Path, APIPrefix+"/")) {
			appendForwardedFor(r, r.RemoteAddr)
		}
		s.ServeHTTP(w, r)
	})
}

// appendForwardedFor adds entry to the request's X-Forwarded-For list, as a proxy
// does for the client it forwards.
func appendForwardedFor(r *http.Request, entry string) {
	list := append([]string(nil), r.Header.Values("X-Forwarded-For")...)
	r.Header.Set("X-Forwarded-For", strings.Join(append(list, entry), ", "))
}
