package tango

import (
	"log/slog"
	"net/http"

	"github.com/tango-sdk/tango-go/internal/transport"
)

// Auth is how a Client proves who it is to Tango. Build one with BasicAuth,
// BasicAuthFromProvider, OAuth2, OAuth2ServiceAccount or OAuth2FromProvider and pass it
// to NewClient. An Auth value holds credentials and options only; each Client binds it
// to its own environment, transport, logger and clock, so one Auth value may serve
// several clients (each then keeps its own token, unless they share a TokenStore).
// Every Auth prints as its kind and id, with secrets shown as [REDACTED].
type Auth interface {
	// bind makes the authenticator a Client uses. It is unexported so that every Auth
	// goes through the SDK's redaction and token handling.
	bind(d authDeps) (authenticator, error)
}

// authDeps is what a Client lends its authenticator.
type authDeps struct {
	env        Environment
	httpClient *http.Client // the pinned transport alone: no middleware, redirects, retries or auth
	logger     *slog.Logger
	clock      Clock
	userAgent  string
}

// authenticator puts credentials on requests for one Client.
//
// Contract with the request pipeline:
//   - Authorize is called before every attempt with that attempt's context, by
//     transport.Guard next to the pinned transport. It may block while a token is
//     fetched (it returns early with ctx's error if ctx ends first; the shared fetch
//     goes on). An error from Authorize ends the call.
//   - After a 401, the pipeline calls invalidate with the value Authorize returned
//     for that attempt. If it returns true, the pipeline replays the request once, at
//     most once per call, without backoff; Authorize then supplies the fresh credential.
//   - close is called by Client.Close and waits for background token work to end.
//     After close, Authorize returns an error.
type authenticator interface {
	// Authorize sets the Authorization header of req. The returned value
	// identifies the credential it used, to be handed back to invalidate after a
	// 401. (Exported only so that transport.Guard can call it; the type is not.)
	transport.Authorizer
	// invalidate is told that Tango refused the credential used. It drops it if it is
	// still current and reports whether one replay with a fresh credential makes
	// sense (true for tokens and rotated keys, false for a fixed key).
	invalidate(used any) bool
	// close ends background work (token refreshes) and waits for it.
	close()
}
