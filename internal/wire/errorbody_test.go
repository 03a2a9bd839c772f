package wire

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestDecodeErrorInfo(t *testing.T) {
	tests := []struct {
		name string
		body string
		ok   bool
		want ErrorInfo
	}{
		{
			name: "Tango's ErrorInfo",
			body: `{"timestamp":"2026-01-02T03:04:05.123Z","requestId":"req-1","path":"/raas/v2/orders","httpCode":422,"httpPhrase":"Unprocessable Entity","i18nKey":"422.1","message":"bad","i18nTokenReplacements":["a",3],"errors":[{"path":"recipient.email","i18nKey":"422.134","message":"invalid","constraint":"Email"}]}`,
			ok:   true,
			want: ErrorInfo{
				Timestamp: "2026-01-02T03:04:05.123Z", RequestID: "req-1", Path: "/raas/v2/orders", HTTPCode: 422, HTTPPhrase: "Unprocessable Entity",
				I18nKey: "422.1", Message: "bad", I18nTokenReplacements: []json.RawMessage{json.RawMessage(`"a"`), json.RawMessage(`3`)},
				Errors: []FieldError{{Path: "recipient.email", I18nKey: "422.134", Message: "invalid", Constraint: "Email"}},
			},
		},
		{name: "the smaller ErrorDTO", body: `{"httpCode":404,"message":"no such customer"}`, ok: true, want: ErrorInfo{HTTPCode: 404, Message: "no such customer"}},
		{name: "an empty errors array stays non-nil", body: `{"errors":[]}`, ok: true, want: ErrorInfo{Errors: []FieldError{}}},
		{name: "HTML", body: `<html>forbidden</html>`},
		{name: "a JSON array", body: `[1,2]`},
		{name: "broken JSON", body: `{"message":`},
		{name: "a field of the wrong type", body: `{"httpCode":"422"}`},
		{name: "empty", body: ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := DecodeErrorInfo(bytes.TrimSpace([]byte(tc.body)))
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestTokenText(t *testing.T) {
	tests := []struct {
		raw  string
		want string
	}{
		{`"plain"`, "plain"},
		{`"quo\"ted"`, `quo"ted`},
		{`42`, "42"},
		{` {"a":1} `, `{"a":1}`},
		{`null`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			assert.Equal(t, tc.want, TokenText(json.RawMessage(tc.raw)))
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"one line", "Service Unavailable", "Service Unavailable"},
		{"whitespace and control characters folded", "<h1>Bad\r\n\tGateway</h1>\x00\x1b[31m", "<h1>Bad Gateway</h1> [31m"},
		{"cut at ExcerptLen runes", strings.Repeat("é", ExcerptLen+10), strings.Repeat("é", ExcerptLen) + "…"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Excerpt([]byte(tc.body)))
		})
	}
}

// FuzzErrorBody: whatever a server sends, decoding never panics, and an excerpt
// is valid UTF-8 on one line, within ExcerptLen runes and the ellipsis.
func FuzzErrorBody(f *testing.F) {
	f.Add([]byte(`{"i18nKey":"422.1","errors":[{"path":"a"}],"i18nTokenReplacements":[1,"x"]}`))
	f.Add([]byte("<html>\r\nforbidden</html>"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, body []byte) {
		trimmed := bytes.TrimSpace(body)
		if info, ok := DecodeErrorInfo(trimmed); ok {
			for _, tok := range info.I18nTokenReplacements {
				_ = TokenText(tok)
			}
		}
		e := Excerpt(trimmed)
		assert.True(t, utf8.ValidString(e))
		assert.NotContains(t, e, "\n")
		assert.LessOrEqual(t, utf8.RuneCountInString(e), ExcerptLen+1)
	})
}
