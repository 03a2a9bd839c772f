package tangotest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"time"
)

// The token request values Tango documents.
const (
	// TokenScope is the only scope Tango issues tokens for.
	TokenScope = "raas.all"
	// TokenAudience is the audience of ordinary (24 hour) tokens.
	TokenAudience = "https://api.tangocard.com/"
)

// fiveMinuteAudiences are the audiences that ask for a 5-minute token. Tango's pages
// disagree on the exact string, so both are accepted.
var fiveMinuteAudiences = []string{
	"https://tango-api.bhn.com/fiveminute", "https://api.bhn.com/fiveminute",
	"tango-api.bhn.com/fiveminute", "api.bhn.com/fiveminute",
}

// handleToken serves POST /oauth/token: the client-credentials grant, and the
// password grant when a service account is configured. Errors use the
// {"error","error_description"} shape with 400 or 401.
func (s *Server) handleToken(c *call) {
	if c.r.Method != http.MethodPost {
		c.tokenFail(http.StatusMethodNotAllowed, "invalid_request", "Use POST.")
		return
	}
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		c.tokenFail(http.StatusBadRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.")
		return
	}
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		c.tokenFail(http.StatusBadRequest, "invalid_request", "The form body does not parse.")
		return
	}
	grant := form.Get("grant_type")
	switch grant {
	case "":
		c.tokenFail(http.StatusBadRequest, "invalid_request", "Missing required parameter: grant_type")
		return
	case "client_credentials", "password":
	default:
		c.tokenFail(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: "+grant)
		return
	}
	if form.Get("client_id") == "" || form.Get("client_secret") == "" {
		c.tokenFail(http.StatusUnauthorized, "access_denied", "Unauthorized: client_id and client_secret are required.")
		return
	}
	if !equal(form.Get("client_id"), s.cfg.clientID) || !equal(form.Get("client_secret"), s.cfg.clientSecret) {
		c.tokenFail(http.StatusUnauthorized, "access_denied", "Unauthorized")
		return
	}
	if form.Get("scope") != TokenScope {
		c.tokenFail(http.StatusBadRequest, "invalid_scope", "The scope must be "+TokenScope+".")
		return
	}
	lifetime := s.cfg.tokenLifetime
	switch aud := form.Get("audience"); {
	case aud == TokenAudience:
	case anyFold(fiveMinuteAudiences, aud):
		lifetime = min(lifetime, FiveMinuteTokenLifetime)
	default:
		c.tokenFail(http.StatusBadRequest, "invalid_request", "Unknown audience; use "+TokenAudience+".")
		return
	}
	if grant == "password" {
		if s.cfg.saUser == "" {
			c.tokenFail(http.StatusBadRequest, "unauthorized_client", "Grant type 'password' not allowed for the client.")
			return
		}
		if !equal(form.Get("username"), s.cfg.saUser) || !equal(form.Get("password"), s.cfg.saPassword) {
			c.tokenFail(http.StatusBadRequest, "invalid_grant", "Wrong username or password.")
			return
		}
	}

	tok, err := newTokenString()
	if err != nil {
		c.tokenFail(http.StatusInternalServerError, "server_error", "Could not make a token.")
		return
	}
	s.mu.Lock()
	s.tokenSeq++
	s.tokens[tok] = &token{seq: s.tokenSeq, expires: s.now().Add(lifetime)}
	s.mu.Unlock()

	c.w.Header().Set("Cache-Control", "no-store")
	c.ok(http.StatusOK, tokenResponse{
		AccessToken: tok,
		Scope:       TokenScope,
		ExpiresIn:   int64(lifetime / time.Second),
		TokenType:   "Bearer",
	})
}

// newTokenString makes a random opaque access token.
func newTokenString() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "tt." + base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenFail writes the token endpoint's error shape.
func (c *call) tokenFail(status int, code, description string) {
	b, _ := json.Marshal(tokenError{Error: code, Description: description})
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	_, _ = c.w.Write(b)
}
