package tango_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// TestExternalRefIDForIsStable pins the derivation: a change here would make
// re-runs of existing campaigns place second orders. The expected values were
// computed outside Go (Python's uuid.uuid5 over the documented steps).
func TestExternalRefIDForIsStable(t *testing.T) {
	tests := []struct {
		namespace, key, want string
	}{
		{"spring-2026", "row-1", "13bd0656-b783-5ea7-9272-f840aa623d15"},
		{"signup-bonus", "msg-42", "06b6b701-13df-5c3e-a5b9-bb9dc6a8fa69"},
		{"", "", "3119af26-c2ab-5d5f-b4c1-bcc3b3bee90f"},
	}
	for _, tt := range tests {
		t.Run(tt.namespace+"/"+tt.key, func(t *testing.T) {
			got := tango.ExternalRefIDFor(tt.namespace, tt.key)
			assert.Equal(t, got, tango.ExternalRefIDFor(tt.namespace, tt.key), "same input, same key")
			u, err := uuid.Parse(got)
			require.NoError(t, err)
			assert.Equal(t, uuid.Version(5), u.Version())
			assert.Equal(t, uuid.RFC4122, u.Variant())
			assert.LessOrEqual(t, len(got), 100, "Tango's externalRefID limit")
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestExternalRefIDForSeparatesKeys checks that different pairs never share a key,
// including pairs whose concatenations agree.
func TestExternalRefIDForSeparatesKeys(t *testing.T) {
	pairs := [][2]string{
		{"a", "bc"}, {"ab", "c"}, {"abc", ""}, {"", "abc"},
		{"campaign", "1"}, {"campaign", "01"}, {"Campaign", "1"}, {"campaign ", "1"},
		{"other", "1"},
	}
	seen := map[string][2]string{}
	for _, p := range pairs {
		k := tango.ExternalRefIDFor(p[0], p[1])
		prev, dup := seen[k]
		assert.False(t, dup, "%q and %q share %s", p, prev, k)
		seen[k] = p
	}
	assert.NotEqual(t, tango.ExternalRefIDFor("a", "b"), tango.NewExternalRefID())
}
