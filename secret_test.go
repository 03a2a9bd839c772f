package tango_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

const plantedCardNumber = "4111-PLANTED-card-9876"

func TestSecretPrintsRedactedEverywhere(t *testing.T) {
	s := tango.NewSecret(plantedCardNumber)
	assert.Equal(t, "[REDACTED]", s.String())
	assert.Equal(t, "[REDACTED]", s.GoString())

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-20v", "%T %v"} {
		for _, v := range []any{s, &s} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, plantedCardNumber, "verb %s on %T", verb, v)
			if verb != "%T %v" {
				assert.Contains(t, out, "[REDACTED]", "verb %s on %T", verb, v)
			}
		}
	}
	assert.Equal(t, "[REDACTED]", fmt.Sprint(s))
	assert.Equal(t, "[REDACTED]", fmt.Sprintln(s)[:len("[REDACTED]")])
}

func TestSecretRevealAndZero(t *testing.T) {
	s := tango.NewSecret(plantedCardNumber)
	assert.Equal(t, plantedCardNumber, s.Reveal())
	assert.False(t, s.IsZero())

	var zero tango.Secret
	assert.Empty(t, zero.Reveal())
	assert.True(t, zero.IsZero())
	assert.True(t, tango.NewSecret("").IsZero())
	assert.Equal(t, "[REDACTED]", zero.String())
}

func TestSecretInStructs(t *testing.T) {
	type withExported struct {
		Name string
		Key  tango.Secret
	}
	type withUnexported struct {
		name string
		key  tango.Secret
	}
	type nested struct {
		inner withUnexported
		ptr   *withUnexported
	}
	u := withUnexported{name: "acme", key: tango.NewSecret(plantedCardNumber)}
	values := []any{
		withExported{Name: "acme", Key: tango.NewSecret(plantedCardNumber)},
		&withExported{Name: "acme", Key: tango.NewSecret(plantedCardNumber)},
		u, &u,
		nested{inner: u, ptr: &u},
		[]tango.Secret{tango.NewSecret(plantedCardNumber)},
		map[string]tango.Secret{"k": tango.NewSecret(plantedCardNumber)},
	}
	for i, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
			assert.NotContains(t, fmt.Sprintf(verb, v), plantedCardNumber, "value %d verb %s", i, verb)
		}
	}
}

func TestSecretJSON(t *testing.T) {
	out, err := json.Marshal(struct {
		Key tango.Secret  `json:"key"`
		Ptr *tango.Secret `json:"ptr"`
	}{Key: tango.NewSecret(plantedCardNumber), Ptr: new(tango.NewSecret(plantedCardNumber))})
	require.NoError(t, err)
	assert.JSONEq(t, `{"key":"[REDACTED]","ptr":"[REDACTED]"}`, string(out))

	var in struct {
		Key  tango.Secret `json:"key"`
		Null tango.Secret `json:"null"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"key":"`+plantedCardNumber+`","null":null}`), &in))
	assert.Equal(t, plantedCardNumber, in.Key.Reveal())
	assert.True(t, in.Null.IsZero())

	var bad struct {
		Key tango.Secret `json:"key"`
	}
	err = json.Unmarshal([]byte(`{"key":12345}`), &bad)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "12345")
}

func TestSecretSlog(t *testing.T) {
	var buf bytes.Buffer
	for _, h := range []slog.Handler{
		slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}),
		slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}),
	} {
		l := slog.New(h)
		s := tango.NewSecret(plantedCardNumber)
		l.Debug("secret", "key", s, "ptr", &s, slog.Any("any", s), slog.Group("g", "key", s))
		l.With("key", s).Info("with")
	}
	assert.NotContains(t, buf.String(), plantedCardNumber)
	assert.Contains(t, buf.String(), "[REDACTED]")
}

func TestBasicAuthPrintsNoKey(t *testing.T) {
	a := tango.BasicAuth(testPlatform, testAPIKey)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out := fmt.Sprintf(verb, a)
		assertNoSecret(t, out)
	}
	assert.Contains(t, fmt.Sprint(a), testPlatform)
}

// FuzzSecretJSON checks that a Secret decodes every JSON value exactly as a
// *string does: the same value, or an error for the same inputs. Secret takes a
// shortcut for strings without escapes; this pins it to encoding/json.
func FuzzSecretJSON(f *testing.F) {
	for _, s := range []string{`"abc"`, `""`, `null`, `"a\"b"`, `"\u00e9"`, `"é"`, "\"\xff\"", "\"a\tb\"", `12`, `"`, `"a"b"`, `{"v":"x"}`, `"\/"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want *string
		wantErr := json.Unmarshal(b, &want)
		var got tango.Secret
		gotErr := json.Unmarshal(b, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%q: *string error %v, Secret error %v", b, wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		if want == nil {
			if !got.IsZero() {
				t.Fatalf("%q: null gave a non-empty Secret", b)
			}
			return
		}
		if got.Reveal() != *want {
			t.Fatalf("%q: Secret holds %q, want %q", b, got.Reveal(), *want)
		}
	})
}

// capturingT records what testify writes about a failed assertion.
type capturingT struct{ out strings.Builder }

func (c *capturingT) Errorf(format string, args ...any) { fmt.Fprintf(&c.out, format, args...) }

// TestSecretStaysHiddenInTestifyDiffs: testify's failure diffs dump values by
// reflection without calling their methods; a Secret's value still never appears
// in clear. Secrets with equal values stay equal to assert.Equal.
func TestSecretStaysHiddenInTestifyDiffs(t *testing.T) {
	type holder struct {
		Key    tango.Secret
		hidden tango.Secret
	}
	mk := func(v string) holder {
		return holder{Key: tango.NewSecret("key-" + v), hidden: tango.NewSecret("hidden-" + v)}
	}
	var c capturingT
	assert.Equal(&c, mk("PLANTED-1"), mk("PLANTED-2"))
	out := c.out.String()
	assert.Contains(t, out, "Not equal", "the assertion failed and printed its diff")
	assert.NotContains(t, out, "PLANTED")

	var ok capturingT
	assert.True(t, assert.Equal(&ok, mk("same"), mk("same")), "equal values stay equal: %s", ok.out.String())
}

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
