package tango

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"unicode/utf8"
	"unsafe"
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
// failure diffs, go-cmp, debuggers, heap dumps) never see the value in clear either:
// it is kept encrypted, behind a pointer, under keys drawn at random when the
// process starts, each value with its own keystream, so that knowing one Secret's
// text (an access token's JWT header) tells nothing about another's. The
// encryption is deterministic: Secrets with equal values are still equal to
// reflect.DeepEqual within a process, so assert.Equal on structs holding them
// works; a failing diff shows encrypted bytes. What a dump does show is a value's
// length and whether two values are equal. The zero Secret is empty.
type Secret struct {
	v *string // sealed: nonce || value XOR keystream(nonce); see secretKeys
}

// secretKeys encrypt Secrets in memory, SIV-style: a value's nonce is its
// HMAC-SHA256 under mac, cut to an AES block, and the value is XORed with AES-CTR
// under block from that nonce. Equal values seal equally (so DeepEqual holds);
// different values get unrelated keystreams (so known text unmasks nothing else).
type secretKeys struct {
	mac   [32]byte
	block cipher.Block // AES-256
}

// sealKeys are drawn once, when the package is initialised, and never change.
var sealKeys = func() *secretKeys {
	var k [64]byte
	if _, err := rand.Read(k[:]); err != nil {
		panic("tango: no randomness for the secret keys: " + err.Error())
	}
	block, err := aes.NewCipher(k[32:])
	if err != nil {
		panic("tango: secret keys: " + err.Error())
	}
	keys := &secretKeys{block: block}
	copy(keys.mac[:], k[:32])
	clear(k[:])
	return keys
}()

// sealNonceLen is the nonce's length: one AES block, the CTR counter's start.
const sealNonceLen = aes.BlockSize

// seal encrypts p: nonce || ciphertext.
func (k *secretKeys) seal(p []byte) string {
	m := hmac.New(sha256.New, k.mac[:])
	m.Write(p)
	var sum [sha256.Size]byte
	// One buffer: the sealed value, then two blocks of scratch (counter, keystream).
	buf := make([]byte, sealNonceLen+len(p)+2*aes.BlockSize)
	sealed, scratch := buf[:sealNonceLen+len(p)], buf[sealNonceLen+len(p):]
	copy(sealed, m.Sum(sum[:0])[:sealNonceLen])
	copy(scratch, sealed[:sealNonceLen])
	xorKeyStream(k.block, sealed[sealNonceLen:], p, scratch)
	return string(sealed)
}

// open decrypts a sealed value with one allocation, the result's: Reveal runs
// on every request, for the credentials.
func (k *secretKeys) open(sealed string) string {
	if len(sealed) <= sealNonceLen {
		return ""
	}
	n := len(sealed) - sealNonceLen
	buf := make([]byte, n+2*aes.BlockSize)
	out, scratch := buf[:n], buf[n:]
	copy(scratch, sealed[:sealNonceLen])
	xorKeyStream(k.block, out, sealed[sealNonceLen:], scratch)
	// out is never written again and nothing else refers to it, so the string
	// may own it (as strings.Builder does) rather than copy the clear text into
	// a second buffer.
	return unsafe.String(&out[0], n) //nolint:gosec // out is owned by the string from here on, as in strings.Builder.String
}

// xorKeyStream writes src XOR the AES-CTR keystream into dst. scratch is two
// blocks: the counter, holding the nonce on entry, and room for one block of
// keystream. It is cleared on return.
func xorKeyStream[T string | []byte](block cipher.Block, dst []byte, src T, scratch []byte) {
	ctr, ks := scratch[:aes.BlockSize], scratch[aes.BlockSize:2*aes.BlockSize]
	for off := 0; off < len(src); off += aes.BlockSize {
		block.Encrypt(ks, ctr)
		for i := 0; i < aes.BlockSize && off+i < len(src); i++ {
			dst[off+i] = src[off+i] ^ ks[i]
		}
		for i := aes.BlockSize - 1; i >= 0; i-- { // big-endian increment
			ctr[i]++
			if ctr[i] != 0 {
				break
			}
		}
	}
	clear(scratch)
}

// NewSecret wraps s so that it prints as "[REDACTED]".
func NewSecret(s string) Secret {
	m := sealKeys.seal([]byte(s))
	return Secret{v: &m}
}

// maskedSecret is NewSecret(string(p)) without the intermediate string.
func maskedSecret(p []byte) Secret {
	m := sealKeys.seal(p)
	return Secret{v: &m}
}

// Reveal returns the secret value. Call it only where the value must leave the
// program (on the wire, into an encrypted store, onto the recipient's screen).
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return sealKeys.open(*s.v)
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || len(*s.v) <= sealNonceLen }

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
