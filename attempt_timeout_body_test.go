package tango_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// TestBodyStallEndsAtTheAttemptTimeout: an answer whose headers arrive but whose
// body stalls is cut at the attempt's own deadline (the caller's context has
// none here) and classified as a timed-out attempt, then retried like one.
func TestBodyStallEndsAtTheAttemptTimeout(t *testing.T) {
	checkLeaks(t)
	release := make(chan struct{})
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"partial":`))
		w.(http.Flusher).Flush()
		select { // stall until the client gives up (or the test ends)
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) })
	logger, logs := debugLogger()
	c := newCoreClient(t, srv, tango.WithAttemptTimeout(50*time.Millisecond), quickRetries(2), tango.WithLogger(logger))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // far beyond the attempts
	defer cancel()
	_, err := getPing(ctx, c)
	require.Error(t, err, logs.String())
	assert.NoError(t, ctx.Err(), "the attempts ended, not the caller's context")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualValues(t, 2, srv.hits.Load(), "the timed-out read is retried")
	assert.Contains(t, logs.String(), `"reason":"attempt timed out"`)
	assert.NotContains(t, logs.String(), "connection lost after the request was sent")
}
