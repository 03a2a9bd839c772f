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

func TestRunReceivesOneEventAndRefusesForgeries(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out))
	s := out.String()
	assert.Contains(t, s, "received ItemAvailability: item U")
	assert.Contains(t, s, "is UNAVAILABLE (revision 1, newer than what we applied: true)")
	assert.Equal(t, 2, bytes.Count(out.Bytes(), []byte("receiver answered 200")), "both copies acknowledged")
	assert.Contains(t, s, "forged delivery (bad signature): receiver answered 401")
	assert.Contains(t, s, "forged delivery (no signature, no secret header): receiver answered 401")
	assert.Contains(t, s, "events that reached the receiver's code: 1")
}
