package main

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tango-sdk/tango-go/internal/envclient"
)

func TestCampaignOnTheFake(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, envclient.Config{Getenv: func(string) string { return "" }}))
	s := out.String()
	assert.Contains(t, s, "using a tangotest fake server in-process")
	assert.Contains(t, s, "dry run: 40 row(s) cost 40.00 USD")
	assert.Contains(t, s, "0 refused, 0 unsettled")
	assert.Contains(t, s, fmt.Sprintf("the fake holds %d order(s) for %d row(s)", rowCount, rowCount), "no row was ordered twice")
}
