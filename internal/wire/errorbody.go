package wire

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
)

// ExcerptLen is how much of a non-JSON error body an error keeps, in runes.
const ExcerptLen = 200

// ErrorInfo is Tango's error body ("ErrorInfo"); the smaller ErrorDTO some
// customer endpoints send decodes into it too.
type ErrorInfo struct {
	Timestamp             string            `json:"timestamp"`
	RequestID             string            `json:"requestId"`
	Path                  string            `json:"path"`
	HTTPCode              int               `json:"httpCode"`
	HTTPPhrase            string            `json:"httpPhrase"`
	I18nKey               string            `json:"i18nKey"`
	Message               string            `json:"message"`
	I18nTokenReplacements []json.RawMessage `json:"i18nTokenReplacements"`
	Errors                []FieldError      `json:"errors"`
}

// FieldError is one entry of ErrorInfo's errors array. It has the fields of
// tango.FieldError, in the same order, so that one converts to the other.
type FieldError struct {
	Path       string `json:"path"`
	I18nKey    string `json:"i18nKey"`
	Message    string `json:"message"`
	Constraint string `json:"constraint,omitempty"`
}

// IsJSONObject reports whether a trimmed body looks like a JSON object.
func IsJSONObject(trimmed []byte) bool { return len(trimmed) > 0 && trimmed[0] == '{' }

// DecodeErrorInfo decodes a trimmed body as ErrorInfo, and reports whether it
// was one.
func DecodeErrorInfo(trimmed []byte) (ErrorInfo, bool) {
	var info ErrorInfo
	if !IsJSONObject(trimmed) || json.Unmarshal(trimmed, &info) != nil {
		return ErrorInfo{}, false
	}
	return info, true
}

// TokenText renders one i18nTokenReplacements entry: a string as itself, any
// other JSON value as its text.
func TokenText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// Excerpt keeps the start of a body, printable characters only, on one line.
func Excerpt(b []byte) string {
	s := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, string(b))), " ")
	if r := []rune(s); len(r) > ExcerptLen {
		s = string(r[:ExcerptLen]) + "…"
	}
	return s
}
