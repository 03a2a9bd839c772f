package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestExampleRunsOnTheFake runs the example against the in-process fake: two runs
// share one token through the file, and the rotation costs exactly one more.
func TestExampleRunsOnTheFake(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, k := range []string{"TANGO_CLIENT_ID", "TANGO_CLIENT_SECRET", "TANGO_CLIENT_SECRET_NEXT", "TANGO_TOKEN_FILE"} {
		t.Setenv(k, "") // never reach Tango from a test
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out))

	got := out.String()
	assert.Contains(t, got, "run 1: ")
	assert.Contains(t, got, "tokens issued so far: 1\nrun 2:")
	assert.Contains(t, got, "run 2: ")
	assert.Regexp(t, `run 2: \d+ account\(s\); tokens issued so far: 1\n`, got, "the second run reused the stored token")
	assert.Regexp(t, `after rotation: \d+ account\(s\); tokens issued so far: 2\n`, got, "the rotation dropped the old token")
	assert.Contains(t, got, "[REDACTED]")
	assert.NotContains(t, got, "ttsecret-", "the client secret is never printed")
}
