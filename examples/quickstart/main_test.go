package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tango-sdk/tango-go/internal/envclient"
)

func TestQuickstartOnTheFake(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	noEnv := func(string) string { return "" }
	require.NoError(t, run(ctx, &out, envclient.Config{Getenv: noEnv}))
	s := out.String()
	assert.Contains(t, s, "using a tangotest fake server in-process")
	assert.Contains(t, s, "placed order RA")
	assert.Contains(t, s, "the account has 1 order(s)")
	assert.Contains(t, s, "[REDACTED]", "credentials print redacted")
	assert.NotContains(t, s, "https://rewards.tangotest.invalid", "no redemption URL is printed")
}

func TestQuickstartRefusesHalfCredentials(t *testing.T) {
	env := map[string]string{"TANGO_CLIENT_ID": "id-only"}
	err := run(context.Background(), &bytes.Buffer{}, envclient.Config{Getenv: func(k string) string { return env[k] }})
	require.ErrorContains(t, err, "TANGO_CLIENT_SECRET")
}
