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

func TestRunPlacesExactlyOneOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out))
	s := out.String()
	assert.Contains(t, s, "orders placed at the fake for that externalRefID: 1")
	assert.Contains(t, s, "replayed from Tango's store: true")
	assert.Contains(t, s, "balance 1000.00 -> 975.00")
	assert.Contains(t, s, "server error (503)", "the retry decision after the 503 is logged")
	assert.Contains(t, s, "connection lost after the request was sent", "the retry decision after the reset is logged")
	assert.NotContains(t, s, "ada@example.com", "recipient contact data never reaches the log")
}
