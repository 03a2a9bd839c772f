package tango_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tango-sdk/tango-go"
)

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
