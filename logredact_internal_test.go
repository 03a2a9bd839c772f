package tango

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWithLoggerRedactsContainers: whatever handler the logger given to
// WithLogger has, the SDK's own records present containers of models through
// RedactingHandler, so a record holding a slice of orders shows no recipient.
func TestWithLoggerRedactsContainers(t *testing.T) {
	var b bytes.Buffer
	cfg := defaultConfig()
	require.NoError(t, WithLogger(slog.New(slog.NewJSONHandler(&b, nil)))(&cfg))
	orders := []*Order{{ReferenceOrderID: "RA1", Recipient: &Recipient{Email: "planted.sdklog@example.net"}}}
	cfg.logger.Info("x", "orders", orders)
	assert.NotContains(t, b.String(), "planted.sdklog")
	assert.Contains(t, b.String(), `"email":"[REDACTED]"`)
}
