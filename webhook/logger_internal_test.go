package webhook

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tango "github.com/tango-sdk/tango-go"
)

// TestConfigLoggerRedactsContainers: the handler's records go through
// tango.RedactingHandler whatever handler Config.Logger has.
func TestConfigLoggerRedactsContainers(t *testing.T) {
	var b bytes.Buffer
	v, err := (&Config{Method: MethodHMAC, HMACKey: base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)), Logger: slog.New(slog.NewJSONHandler(&b, nil))}).validate()
	require.NoError(t, err)
	v.logger.Info("x", "recipients", []tango.Recipient{{Email: "planted.webhooklog@example.net"}})
	assert.NotContains(t, b.String(), "planted.webhooklog")
	assert.Contains(t, b.String(), `"email":"[REDACTED]"`)
}
