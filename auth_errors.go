package tango

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// ErrTokenQuota matches a *TokenError in which the token endpoint refused to issue a
// token because the platform asked for too many (Tango's older limit is one token per
// 20 hours; past it the endpoint answers 400 "exceeded the daily rate limit"). The
// client never retries such an answer in a loop: it backs off and keeps serving a
// still-valid token if it has one. Keep tokens in a TokenStore to stay under the limit.
var ErrTokenQuota = errors.New("tango: OAuth token quota exceeded")

// TokenError is a failed request to the OAuth 2.0 token endpoint: an error answer
// (StatusCode, and the RFC 6749 Code and Description when the server sent them) or a
// transport failure (Err). Its text never holds a secret: the client secret, the
// password and anything shaped like a token are replaced with [REDACTED], and the
// server's body is cut short.
//
// errors.Is(err, ErrTokenQuota) tells a quota refusal; errors.Is(err,
// ErrUnauthorized) tells refused credentials (invalid_client, unauthorized_client,
// invalid_grant, access_denied, or a 401) unless the refusal is about the quota.
type TokenError struct {
	// Environment names the environment whose token endpoint answered.
	Environment string
	// StatusCode is the HTTP status of the answer; 0 when none arrived.
	StatusCode int
	// Code is the RFC 6749 error code ("invalid_client"), when the server sent one.
	Code string
	// Description is the server's error_description, or an excerpt of a body that
	// was not in the RFC 6749 shape, with secrets removed.
	Description string
	// Err is the transport failure (timeout, refused connection, untrusted
	// certificate) when no answer arrived.
	Err error

	quota bool
}

// Error says what the token endpoint answered, without secrets.
func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("tango: OAuth token request")
	if e.Environment != "" {
		b.WriteString(" (" + e.Environment + ")")
	}
	b.WriteString(" failed")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.quota {
		b.WriteString(" (token quota exceeded; the client will not ask again before its backoff ends: keep tokens in a TokenStore)")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the transport failure, if any.
func (e *TokenError) Unwrap() error { return e.Err }

// Is matches ErrTokenQuota for a quota refusal, ErrUnauthorized for refused
// credentials and ErrServerError for a 5xx answer of the token endpoint.
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrServerError:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrTokenQuota:
		return e.quota
	case ErrUnauthorized:
		if e.quota {
			return false // Tango words its quota refusal as access_denied; the credentials are fine
		}
		switch e.Code {
		case "invalid_client", "unauthorized_client", "invalid_grant", "access_denied":
			return true
		}
		return e.StatusCode == 401
	}
	return false
}

// isQuotaAnswer tells a quota refusal from the token endpoint: a 429, a rate-limit
// error code, or a 400/403 whose text speaks of a rate limit (Tango's "has exceeded
// the daily rate limit").
func isQuotaAnswer(status int, code, text string) bool {
	if status == 429 {
		return true
	}
	switch strings.ToLower(code) {
	case "too_many_requests", "rate_limit_exceeded", "rate_limited", "quota_exceeded", "slow_down":
		return true
	}
	t := strings.ToLower(text)
	return strings.Contains(t, "rate limit") || strings.Contains(t, "ratelimit") ||
		strings.Contains(t, "quota") || strings.Contains(t, "too many")
}

// Patterns of token-like text that may appear in a token endpoint's answer.
var (
	jwtLike       = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*`)
	secretFieldRe = regexp.MustCompile(`(?i)("?(?:access_token|refresh_token|id_token|client_secret|password)"?\s*[:=]\s*"?)[^"&,\s}]*`)
)

// maxExcerpt bounds how much server text reaches an error message.
const maxExcerpt = 300

// scrubber removes known secret values and token-shaped text from server text.
type scrubber struct {
	secrets []string
}

func newScrubber(secrets ...string) scrubber {
	var s scrubber
	for _, v := range secrets {
		if len(v) < 4 { // too short to be replaced safely; a secret that short is refused anyway
			continue
		}
		s.secrets = append(s.secrets, v, url.QueryEscape(v), url.PathEscape(v))
	}
	return s
}

// clean returns text with the secrets replaced, control characters turned into
// spaces, and the result cut to maxExcerpt.
func (s scrubber) clean(text string) string {
	for _, v := range s.secrets {
		text = strings.ReplaceAll(text, v, redacted)
	}
	text = secretFieldRe.ReplaceAllString(text, "${1}"+redacted)
	text = jwtLike.ReplaceAllString(text, redacted)
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	text = strings.TrimSpace(text)
	if len(text) > maxExcerpt {
		cut := maxExcerpt
		for cut > 0 && !isRuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "..."
	}
	return text
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
