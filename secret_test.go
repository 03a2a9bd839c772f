package tango_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

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
