package tango_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// TestAPIErrorDropsEchoedContactData: a server message that echoes a recipient's
// email address, phone number or a query string does not carry them into the
// error or the logs; the rest of the message is kept.
func TestAPIErrorDropsEchoedContactData(t *testing.T) {
	checkLeaks(t)
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeTangoError(w, r, http.StatusBadRequest, "400.001",
			"No recipient ada.echoed@example.com or +15555550177 for /raas/v2/orders?recipientEmail=ada.query%40example.com on 2026-03-01",
			wireFieldError{Path: "recipient.email", I18nKey: "422.134", Message: "ada.field@example.com is not allowed"})
	})
	logger, logs := debugLogger()
	c := newCoreClient(t, srv, tango.WithLogger(logger))
	_, err := c.Orders.List(context.Background(), &tango.ListOrdersParams{RecipientEmail: "ada.query@example.com"})
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	for _, out := range []string{err.Error(), apiErr.Message, apiErr.Path, apiErr.Errors[0].Message, logs.String()} {
		for _, planted := range []string{"ada.echoed", "5555550177", "ada.query", "ada.field"} {
			assert.NotContains(t, out, planted)
		}
	}
	assert.Contains(t, apiErr.Message, "No recipient [REDACTED]")
	assert.Contains(t, apiErr.Message, "on 2026-03-01", "dates are kept")
	assert.Equal(t, "422.134", apiErr.Errors[0].I18nKey)
}
