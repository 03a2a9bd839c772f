package tango

import (
	"context"
	"log/slog"
	"net/http"
)

// Auth is how a Client proves who it is to Tango. Build one with BasicAuth or OAuth2
// and pass it to NewClient. An Auth value holds credentials only; the Client binds it
// to its environment, transport and clock.
type Auth interface {
	// bind makes the authenticator a Client uses. It is unexported so that every Auth
	// goes through the SDK's redaction and token handling.
	bind(d authDeps) (authenticator, error)
}

// authDeps is what a Client lends its authenticator.
type authDeps struct {
	env        Environment
	httpClient *http.Client // pinned TLS, no redirects, no retries, no auth
	logger     *slog.Logger
	clock      Clock
	userAgent  string
}

// authenticator puts credentials on requests for one Client.
type authenticator interface {
	// apply sets the Authorization header of req. The returned value identifies
	// the credential it used, to be handed back to invalidate after a 401.
	apply(ctx context.Context, req *http.Request) (used any, err error)
	// invalidate is told that Tango refused the credential used. It drops it if it is
	// still current and reports whether one replay with a fresh credential makes
	// sense (true for tokens, false for static keys).
	invalidate(used any) bool
	// close ends background work (token refreshes) and waits for it.
	close()
}
