package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

// TestCLIErrorPathsAreRelativeToTheAPIRoot: an error names the call the way every
// other message does ("/orders/..."), never mixed with "/raas/v2/orders".
func TestCLIErrorPathsAreRelativeToTheAPIRoot(t *testing.T) {
	rm := newRemote(t)
	r := runIn(t, rm.env, "order", "get", "RA000000-0000-00")
	require.Equal(t, exitAPI, r.code, r.all())
	assert.Contains(t, r.stderr, "GET /orders/RA000000-0000-00")
	assert.NotContains(t, r.stderr, "/raas/v2")
}

// TestCLIOrderGetSaysFetched: order get only reads an order, and says so.
func TestCLIOrderGetSaysFetched(t *testing.T) {
	rm := newRemote(t)
	r := runIn(t, rm.env, "order", "create", "--utid", tangotest.UTIDRewardLink, "--amount", "5.00", "--delivery", "none", "--json")
	require.Equal(t, exitOK, r.code, r.all())
	var created orderView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &created), r.stdout)

	r = runIn(t, rm.env, "order", "get", created.ReferenceOrderID)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, "fetched")
	assert.NotContains(t, r.stdout, "placed now")
}

// TestCLIOrdersListOverHundredDays: a range over Tango's 100-day window is walked
// window by window (as Orders.All does) instead of failing with 422.043.
func TestCLIOrdersListOverHundredDays(t *testing.T) {
	rm := newRemote(t)
	r := runIn(t, rm.env, "order", "create", "--utid", tangotest.UTIDRewardLink, "--amount", "5.00", "--delivery", "none", "--json")
	require.Equal(t, exitOK, r.code, r.all())
	var created orderView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &created), r.stdout)

	start := time.Now().UTC().Add(-300 * 24 * time.Hour).Format(time.DateOnly)
	end := time.Now().UTC().Add(24 * time.Hour).Format(time.DateOnly)
	r = runIn(t, rm.env, "orders", "list", "--start", start, "--end", end, "--json")
	require.Equal(t, exitOK, r.code, r.all())
	var list orderListView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list), r.stdout)
	require.Len(t, list.Orders, 1)
	assert.Equal(t, created.ReferenceOrderID, list.Orders[0].ReferenceOrderID)
	assert.Greater(t, rm.srv.RequestCount("GET", tangotest.PathOrders), 2, "one request per window at least")

	// Paging does not apply to a walk of the whole range.
	r = runIn(t, rm.env, "orders", "list", "--start", start, "--end", end, "--page", "1")
	assert.Equal(t, exitUsage, r.code, r.all())
}

// TestCLIRefusesUnknownStatusAndEnv: a mistyped --status or --env is refused with
// the valid values, also when the command would run against its in-process fake.
func TestCLIRefusesUnknownStatusAndEnv(t *testing.T) {
	r := runIn(t, nil, "orders", "list", "--status", "DONE")
	assert.Equal(t, exitUsage, r.code, r.all())
	assert.Contains(t, r.stderr, `--status "DONE"`)
	assert.Contains(t, r.stderr, "COMPLETE")

	r = runIn(t, nil, "orders", "list", "--status", "complete")
	assert.Equal(t, exitOK, r.code, r.all())

	for _, env := range []map[string]string{nil, {"TANGO_ENVIRONMENT": "prod"}} {
		args := []string{"accounts"}
		if env == nil {
			args = append(args, "--env", "prdouction")
		}
		r = runIn(t, env, args...)
		assert.Equal(t, exitUsage, r.code, r.all())
		assert.Contains(t, r.stderr, "want sandbox or production")
	}
}
