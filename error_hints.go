package tango

import (
	"errors"
	"fmt"
	"net"
)

// withHint wraps the last error of a call in a *HintedError when its likely
// cause is one a newcomer meets first; other errors are returned as they are.
func withHint(err error, env string, attempts int) error {
	var (
		apiErr *APIError
		dnsErr *net.DNSError
		hint   string
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &apiErr) && apiErr.StatusCode == 401:
		hint = fmt.Sprintf("check that the credentials are for the %s environment (sandbox and production credentials differ), current and not revoked; run `tango doctor` to check them step by step", env)
	case errors.Is(err, ErrUntrustedServer):
		hint = "the server's certificate does not chain to the pinned Amazon roots: behind a TLS-inspecting proxy, trust its CA with WithRootCAs; run `tango doctor --behind-proxy`"
	case errors.As(err, &dnsErr):
		hint = fmt.Sprintf("the host name %q did not resolve (%d attempt(s)): check the environment's URL, DNS and proxy settings; run `tango doctor`", dnsErr.Name, attempts)
	default:
		return err
	}
	return &HintedError{Err: err, Hint: hint}
}
