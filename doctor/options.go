package doctor

// Option changes what Client.Diagnose checks. An Option returns an error when
// its input is invalid; Diagnose then runs no check and returns that error.
type Option func(*Config) error

// Config is what the Options ask for. Client.Diagnose builds one from the
// options it is given and its checks read it; callers pass Options and have no
// reason to build a Config themselves.
type Config struct {
	// BehindProxy asks for the X-Forwarded-For confirmation (CheckProxy); see
	// the BehindProxy option.
	BehindProxy bool
}

// BehindProxy adds the X-Forwarded-For confirmation (CheckProxy), for callers
// behind a proxy or API gateway (Azure API Management, MuleSoft, nginx).
// Client.Diagnose then sends the same harmless read twice more, bypassing the
// SDK's X-Forwarded-For normalisation on purpose: once with X-Forwarded-For
// "ip:port", which Tango's load balancer is expected to refuse with its HTML
// 403, and once with the bare "ip". A 403 followed by a 200 proves the load
// balancer refuses ported entries; a 403 for both proves something on the path
// appends them. It is off by default because it deliberately sends a request
// Tango will refuse.
func BehindProxy() Option {
	return func(c *Config) error {
		c.BehindProxy = true
		return nil
	}
}
