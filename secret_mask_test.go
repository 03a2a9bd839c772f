package tango_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// dumpSecret reads a Secret's stored bytes as a reflective dumper (go-spew with
// unsafe, a debugger, a heap dump) sees them.
func dumpSecret(s tango.Secret) string {
	v := reflect.ValueOf(&s).Elem().Field(0) // the unexported *string
	p := (*string)(unsafe.Pointer(v.Pointer()))
	return *p
}

// TestSecretMaskResistsKnownPlaintext: a dump holding a Secret whose text is
// guessable (an access token is a JWT, "eyJhbGciOi..."; the Basic header is
// "Basic " + base64 of the public platform name) and the API key must not give
// the key away. With one repeating mask for every Secret, the token's masked
// bytes XOR its text are the mask, which unmasks the key. Every alignment of
// the two dumps is tried, so the test does not depend on the stored layout.
func TestSecretMaskResistsKnownPlaintext(t *testing.T) {
	const jwtHeader = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
	const key = "PLANTED-api-key-0123456789abcdefghijkl"
	token := tango.NewSecret(jwtHeader + "eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl")
	apiKey := tango.NewSecret(key)
	mt, mk := dumpSecret(token), dumpSecret(apiKey)
	assert.NotContains(t, mt+mk, "PLANTED")
	assert.NotContains(t, mt, jwtHeader[:8])

	best := 0
	for ot := 0; ot+len(jwtHeader) <= len(mt); ot++ { // where the token's text may sit
		for ok := 0; ok < len(mk); ok++ { // where the key's text may sit
			n := 0
			for n < len(jwtHeader) && ok+n < len(mk) && n < len(key) && mk[ok+n]^mt[ot+n]^jwtHeader[n] == key[n] {
				n++
			}
			best = max(best, n)
		}
	}
	assert.Less(t, best, 6, "a dump of a known token unmasks the API key's first %d bytes", best)
}

// TestSecretMaskHasNoPeriod: a long value of one repeated byte stores no
// repeating pattern (a short pad reused along the value would show one).
func TestSecretMaskHasNoPeriod(t *testing.T) {
	m := dumpSecret(tango.NewSecret(strings.Repeat("A", 300)))
	blocks := map[string]bool{}
	for i := 0; i+16 <= len(m); i += 16 {
		assert.False(t, blocks[m[i:i+16]], "block at %d repeats", i)
		blocks[m[i:i+16]] = true
	}
	for period := 1; period <= 128; period++ {
		same := 0
		for i := 0; i+period < len(m); i++ {
			if m[i] == m[i+period] {
				same++
			}
		}
		assert.Less(t, same, 32, "stored bytes repeat every %d bytes", period)
	}
}

// TestSecretRoundTripsAndCompares: every length reveals what was sealed, from
// NewSecret and from JSON; equal values are DeepEqual, different ones are not.
func TestSecretRoundTripsAndCompares(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 64, 65, 300} {
		v := strings.Repeat("x", n)
		if n > 3 {
			v = "é" + v[2:]
		}
		s := tango.NewSecret(v)
		assert.Equal(t, v, s.Reveal(), "length %d", n)
		assert.Equal(t, n == 0, s.IsZero(), "length %d", n)
		assert.True(t, reflect.DeepEqual(s, tango.NewSecret(v)), "equal values stay equal, length %d", n)
		assert.False(t, reflect.DeepEqual(s, tango.NewSecret(v+"y")), "length %d", n)

		var fromJSON tango.Secret
		data, err := json.Marshal(v)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &fromJSON))
		assert.Equal(t, v, fromJSON.Reveal())
		assert.True(t, reflect.DeepEqual(s, fromJSON), "JSON and NewSecret seal alike, length %d", n)
	}
	assert.True(t, tango.Secret{}.IsZero())
	assert.Equal(t, "", tango.Secret{}.Reveal())
}
