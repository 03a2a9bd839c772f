package tango

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// redacted is what every secret prints as.
const redacted = "[REDACTED]"

// Secret holds a value that must never be written anywhere, not even to storage:
// an API key, a client secret, a password, an access token, a card number, a card
// security code. Personal and reward data, which may be kept but not shown, are
// [Private] instead.
//
// Every way of printing a Secret gives "[REDACTED]": String, GoString, every fmt verb,
// slog (through LogValue) and json.Marshal. The JSON case is the one exception to
// the SDK's faithful encoding/json: PCI DSS forbids storing a card security code,
// so a request holding a Secret cannot be stored and decoded back. The value itself is read with [Secret.Reveal],
// so that the one place that needs it is easy to find in review.
//
// Printers that skip methods and read fields by reflection (go-spew and so testify's
// failure diffs, go-cmp, debuggers) never see the value in clear either: it is kept
// masked with a key drawn at random when the process starts, behind a pointer.
// Secrets with equal values are still equal to reflect.DeepEqual within a process,
// so assert.Equal on structs holding them works; a failing diff shows masked bytes.
// The zero Secret is empty.
type Secret struct {
	v *string // the value XOR secretMask
}

// secretMask masks every Secret's value in memory. It is drawn once, when the
// package is initialised, and never changes.
var secretMask = func() (m [64]byte) {
	if _, err := rand.Read(m[:]); err != nil {
		panic("tango: no randomness for the secret mask: " + err.Error())
	}
	return m
}()

// maskSecret applies (and, applied again, removes) the mask.
func maskSecret(s string) string {
	// One allocation (the builder's), not two ([]byte, then string): Reveal
	// runs on every request, for the credentials.
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i] ^ secretMask[i%len(secretMask)])
	}
	return b.String()
}

// maskedSecret is NewSecret(string(p)) without the intermediate string.
func maskedSecret(p []byte) Secret {
	var b strings.Builder
	b.Grow(len(p))
	for i, c := range p {
		b.WriteByte(c ^ secretMask[i%len(secretMask)])
	}
	m := b.String()
	return Secret{v: &m}
}

// NewSecret wraps s so that it prints as "[REDACTED]".
func NewSecret(s string) Secret {
	m := maskSecret(s)
	return Secret{v: &m}
}

// Reveal returns the secret value. Call it only where the value must leave the
// program (on the wire, into an encrypted store, onto the recipient's screen).
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return maskSecret(*s.v)
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// String returns "[REDACTED]".
func (s Secret) String() string { return redacted }

// GoString returns "[REDACTED]", so that %#v hides the value too.
func (s Secret) GoString() string { return redacted }

// Format writes "[REDACTED]" for every verb, %x and %q included.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes slog print "[REDACTED]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON writes "[REDACTED]": a Secret never leaves through encoding/json by
// accident. Code that must send the value builds its wire form with Reveal.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// UnmarshalJSON reads a JSON string (or null) into the secret, so that response
// models can hold credentials Tango sends.
func (s *Secret) UnmarshalJSON(b []byte) error {
	if v, ok := plainJSONString(b); ok {
		// The common case, a string with nothing escaped: no second decoder.
		*s = maskedSecret(v)
		return nil
	}
	var v *string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("tango: secret must be a JSON string: %w", err)
	}
	if v == nil {
		*s = Secret{}
		return nil
	}
	*s = NewSecret(*v)
	return nil
}

// plainJSONString returns the value of a JSON string token that has no escapes,
// no control characters and only valid UTF-8, which is its bytes between the
// quotes (not a copy). Anything else reports false and is left to encoding/json.
func plainJSONString(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return nil, false
	}
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c == '\\' || c == '"' || c < 0x20 {
			return nil, false
		}
	}
	if !utf8.Valid(in) {
		return nil, false
	}
	return in, true
}
