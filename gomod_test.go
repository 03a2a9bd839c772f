package tango_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// patchedGo is the oldest Go release the module accepts: 1.26 is the oldest
// release line supported upstream (and golang.org/x/oauth2 needs it), and the
// patch level keeps out the standard-library vulnerabilities of earlier 1.26
// releases. Consumers' modules are raised to it.
var patchedGo = []int{1, 26, 8}

// TestGoModRequiresAPatchedToolchain: go.mod's go line names the patched release,
// so no consumer builds the SDK with a vulnerable 1.26.x standard library.
func TestGoModRequiresAPatchedToolchain(t *testing.T) {
	b, err := os.ReadFile("go.mod")
	require.NoError(t, err)
	var goLine string
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			goLine = v
		}
	}
	require.NotEmpty(t, goLine, "go.mod has a go line")
	parts := strings.Split(goLine, ".")
	require.Len(t, parts, 3, "the go line names a patch release: %s", goLine)
	got := make([]int, 3)
	for i, p := range parts {
		got[i], err = strconv.Atoi(p)
		require.NoError(t, err, goLine)
	}
	require.Equal(t, patchedGo[:2], got[:2], "the language line is the oldest supported release line")
	require.GreaterOrEqual(t, got[2], patchedGo[2], "go %s is older than the patched go%d.%d.%d", goLine, patchedGo[0], patchedGo[1], patchedGo[2])
}
