package tango

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

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

// isTokenQuota reports a quota refusal from the token endpoint: the token cache
// waits minutes, not seconds, before asking again.
func isTokenQuota(err error) bool { return errors.Is(err, ErrTokenQuota) }

// transientTokenError reports a token fetch failure that asking again may cure:
// a 5xx answer, or no answer (a timeout, a refused or lost connection) other
// than an untrusted certificate.
func transientTokenError(err error) bool {
	var te *TokenError
	if !errors.As(err, &te) || te.quota {
		return false
	}
	switch te.StatusCode {
	case 500, 502, 503, 504:
		return true
	case 0:
		return te.Err != nil && !errors.Is(te.Err, ErrUntrustedServer)
	}
	return false
}
