package tangotest

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// token is an access token the fake issued.
type token struct {
	seq     uint64
	expires time.Time
}

// authorize checks the Authorization header of an API call: HTTP Basic with the
// platform name and key, or a Bearer token from the fake's token endpoint that has
// neither expired nor been revoked by ExpireTokens. It answers 401 and returns false
// otherwise.
func (s *Server) authorize(c *call) bool {
	scheme, cred, _ := strings.Cut(c.r.Header.Get("Authorization"), " ")
	cred = strings.TrimSpace(cred)
	switch strings.ToLower(scheme) {
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			break
		}
		name, key, ok := strings.Cut(string(raw), ":")
		if ok && equal(name, s.cfg.platformName) && equal(key, s.cfg.platformKey) {
			return true
		}
		c.fail(http.StatusUnauthorized, "401.501", "Authentication failed: check the platform name and key.")
		return false
	case "bearer":
		if s.tokenValid(cred) {
			return true
		}
		c.fail(http.StatusUnauthorized, "401.002", "The access token is invalid, expired or revoked.")
		return false
	}
	c.fail(http.StatusUnauthorized, "401.002", "Authentication required: send HTTP Basic credentials or a Bearer token.")
	return false
}

// equal compares two secrets in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// tokenValid reports whether the fake issued this token and still honours it.
func (s *Server) tokenValid(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tok]
	if !ok || t.seq <= s.revokedUpTo {
		return false
	}
	return s.now().Before(t.expires)
}

// ExpireTokens revokes every token issued so far, as if each had expired early (or
// been revoked at Tango): calls with them get 401 from now on. Tokens issued later
// are honoured.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokedUpTo = s.tokenSeq
}

// TokensIssued returns how many access tokens the token endpoint has issued.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int(s.tokenSeq)
}
