package main

import (
	"bytes"
	"context"
	"go/parser"
	"go/token"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestQuickstartOnTheFake(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	noEnv := func(string) string { return "" }
	require.NoError(t, run(ctx, &out, noEnv))
	s := out.String()
	assert.Contains(t, s, "using a tangotest fake server in-process")
	assert.Contains(t, s, "placed order RA")
	assert.Contains(t, s, "the account has 1 order(s)")
	assert.Contains(t, s, "[REDACTED]", "credentials print redacted")
	assert.NotContains(t, s, "https://rewards.tangotest.invalid", "no redemption URL is printed")
}

func TestQuickstartRefusesHalfCredentials(t *testing.T) {
	env := map[string]string{"TANGO_CLIENT_ID": "id-only"}
	err := run(context.Background(), &bytes.Buffer{}, func(k string) string { return env[k] })
	require.ErrorContains(t, err, "TANGO_CLIENT_SECRET")
}

func TestQuickstartRefusesProduction(t *testing.T) {
	env := map[string]string{"TANGO_CLIENT_ID": "id", "TANGO_CLIENT_SECRET": "secret", "TANGO_ENVIRONMENT": "production"}
	err := run(context.Background(), &bytes.Buffer{}, func(k string) string { return env[k] })
	require.ErrorContains(t, err, "sandbox only")
}

// The quickstart is the code users copy: it must build its client with public
// packages only (internal/ cannot be imported from another module).
func TestQuickstartImportsNoInternalPackage(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ImportsOnly)
	require.NoError(t, err)
	for _, imp := range f.Imports {
		assert.NotContains(t, imp.Path.Value, "/internal", "main.go imports %s", imp.Path.Value)
	}
}
