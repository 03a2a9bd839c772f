package tango_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// Every field of Tango's error body (ErrorInfo and ErrorDTO) reaches APIError.
func TestAPIErrorCarriesEveryErrorBodyField(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name       string
		body       string
		wantCode   int
		wantPhrase string
		wantTime   time.Time
		wantTokens []string
	}{
		{"ErrorInfo with replacements",
			`{"timestamp":"2020-03-26T19:19:28.564Z","requestId":"r-1","path":"/raas/v2/orders","httpCode":409,"httpPhrase":"Conflict",
			  "i18nKey":"409.002","message":"Another order with the same external reference ID of ext-7 for accountId acct-1 is in process.",
			  "i18nTokenReplacements":["ext-7","acct-1",3]}`,
			409, "Conflict", time.Date(2020, 3, 26, 19, 19, 28, 564e6, time.UTC), []string{"ext-7", "acct-1", "3"}},
		{"ErrorDTO", `{"message":"m","i18nKey":"409.002","i18nTokenReplacements":[]}`, 0, "", time.Time{}, nil},
		{"unreadable timestamp", `{"timestamp":"soon","httpCode":409,"i18nKey":"409.002"}`, 409, "", time.Time{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusConflict)
				_, _ = w.Write([]byte(tt.body))
			})
			c := newCoreClient(t, ts)
			_, err := c.Customers.Get(context.Background(), "cust-1")
			var apiErr *tango.APIError
			require.True(t, errors.As(err, &apiErr), "%v", err)
			assert.Equal(t, tt.wantCode, apiErr.HTTPCode)
			assert.Equal(t, tt.wantPhrase, apiErr.HTTPPhrase)
			assert.True(t, tt.wantTime.Equal(apiErr.Timestamp), "timestamp %v", apiErr.Timestamp)
			assert.Equal(t, tt.wantTokens, apiErr.I18nTokenReplacements)
			assert.NotContains(t, apiErr.Error(), "ext-7\",", "replacements are not printed on their own")
		})
	}
}

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
