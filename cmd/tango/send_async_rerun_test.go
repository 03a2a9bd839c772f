package main

// Re-runs of `tango send --async` pay every row once: an async order is
// journaled before it is sent and submitted again unchanged until it settles,
// whatever changed in the file meanwhile; a campaign is finished in the mode it
// was started in; --async needs the journal (--out).

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// unpaced lifts the client's pacing: the fake enforces no limit.
var unpaced = []string{"--rate", "1000000"}

// sendArgs is `tango send file --campaign campaign` with more flags, unpaced.
func sendArgs(file, campaign string, more ...string) []string {
	return append(append([]string{"send", file, "--campaign", campaign}, unpaced...), more...)
}

// asyncOrdersOf lists the async orders the fake holds, through a client of its own.
func asyncOrdersOf(t *testing.T, srv *tangotest.Server) (*tango.Client, []tango.AsyncOrderSummary) {
	t.Helper()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()), tango.WithRateLimit(tango.Unlimited))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	list, err := c.AsyncOrders.List(context.Background(), nil)
	require.NoError(t, err)
	return c, list.Orders
}

// interruptAsync runs `tango send file --async` while the fake holds async
// orders unprocessed, stopping it after 500 ms: its outcome is unknown (exit 4)
// and its async order stays journaled, unsettled.
func interruptAsync(t *testing.T, rm *remote, file, campaign, out string) {
	t.Helper()
	rm.srv.SetAsyncProcessingDelay(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	r := runCtx(t, ctx, rm.env, sendArgs(file, campaign, "--out", out, "--async")...)
	require.Equal(t, exitOutcomeUnknown, r.code, r.all())
}

// settleAllAsync reads every async order the fake holds, so that it processes them.
func settleAllAsync(t *testing.T, srv *tangotest.Server) {
	t.Helper()
	c, orders := asyncOrdersOf(t, srv)
	for _, o := range orders {
		_, err := c.AsyncOrders.Get(context.Background(), tangotest.DemoCustomer, tangotest.DemoAccount, o.ExternalRefID, nil)
		require.NoError(t, err)
	}
}

// TestSendAsyncRerunAfterFixingARowPaysEachRowOnce: an --async run interrupted
// while Tango processes its async order (outcome unknown), then the same
// command after fixing a bad row, as the tool's output invites. The re-run
// submits the journaled async order again with the same rows (Tango replays
// it) and sends only the fixed row in a new one. Before the fix the async
// order's key hashed the rows it held, so the re-run's order had another key
// and the first order's 4 rows were paid again (9 line items for 5 rows).
func TestSendAsyncRerunAfterFixingARowPaysEachRowOnce(t *testing.T) {
	rm := newRemote(t)
	out := filepath.Join(t.TempDir(), "results.csv")

	bad := writeCampaign(t, 5, func(i int, row []string) []string {
		if i == 3 {
			row[2] = "ten" // a bad row: reported invalid, not sent
		}
		return row
	})
	interruptAsync(t, rm, bad, "c9", out) // run 1 is interrupted while Tango processes
	require.Equal(t, 1, rm.srv.AsyncOrdersCreated())

	// Tango finishes run 1's order meanwhile.
	rm.srv.SetAsyncProcessingDelay(0)
	settleAllAsync(t, rm.srv)
	require.Equal(t, 4, rm.srv.AsyncLineItemsPlaced(), "run 1 paid its 4 valid rows")

	// The user fixes row 3 and runs the same command again.
	fixed := writeCampaign(t, 5, nil)
	r := runCtx(t, context.Background(), rm.env, sendArgs(fixed, "c9", "--out", out, "--async")...)
	require.Equal(t, exitOK, r.code, r.all())
	settleAllAsync(t, rm.srv)
	assert.Equal(t, 5, rm.srv.AsyncLineItemsPlaced(), "5 rows must be paid once each (got %d line items paid, %d async orders)",
		rm.srv.AsyncLineItemsPlaced(), rm.srv.AsyncOrdersCreated())
	assert.Equal(t, 2, rm.srv.AsyncOrdersCreated(), "run 1's order replayed, one new order for the fixed row")
	res := readResults(t, out)
	for _, k := range []string{"r0001", "r0002", "r0004", "r0005"} {
		assert.Equal(t, statusReplayed, res[k][3], k)
	}
	assert.Equal(t, statusPlaced, res["r0003"][3])

	// A third run sends nothing: every row is confirmed, no async order unsettled.
	r = runCtx(t, context.Background(), rm.env, sendArgs(fixed, "c9", "--out", out, "--async")...)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 2, rm.srv.AsyncOrdersCreated())
	assert.Equal(t, 5, rm.srv.AsyncLineItemsPlaced())
}

// TestSendAsyncRerunKeepsAJournaledOrderWhoseRowsLeftTheFile: once an async
// order is journaled, its rows belong to it: a re-run whose file lost one of
// them sends nothing and says which row to restore, rather than send the rest
// under another key.
func TestSendAsyncRerunKeepsAJournaledOrderWhoseRowsLeftTheFile(t *testing.T) {
	rm := newRemote(t)
	out := filepath.Join(t.TempDir(), "results.csv")
	file := writeCampaign(t, 3, nil)
	interruptAsync(t, rm, file, "c10", out)
	require.Equal(t, 1, rm.srv.AsyncOrdersCreated())

	shorter := writeCampaign(t, 2, nil) // r0003 left the file
	r := runCtx(t, context.Background(), rm.env, sendArgs(shorter, "c10", "--out", out, "--async")...)
	require.Equal(t, exitUsage, r.code, r.all())
	assert.Contains(t, r.stderr, "r0003")
	assert.Equal(t, 1, rm.srv.AsyncOrdersCreated(), "nothing sent")

	// Restored, the re-run settles the same async order.
	rm.srv.SetAsyncProcessingDelay(0)
	r = runCtx(t, context.Background(), rm.env, sendArgs(file, "c10", "--out", out, "--async")...)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 1, rm.srv.AsyncOrdersCreated())
	assert.Equal(t, 3, rm.srv.AsyncLineItemsPlaced())
}

// TestSendAsyncSubmitsAnOrderJournaledBeforeACrash: a run that journaled an
// async order and died before its POST left only the journal line; the next run
// sends that async order under the journaled key, with the journaled rows, and
// the other rows in a new one.
func TestSendAsyncSubmitsAnOrderJournaledBeforeACrash(t *testing.T) {
	rm := newRemote(t)
	out := filepath.Join(t.TempDir(), "results.csv")
	file := writeCampaign(t, 3, nil)
	const ref = "journaled-before-crash-0001"
	lines := `{"kind":"start","campaign":"c11","key":"","status":"","mode":"async"}` + "\n" +
		`{"kind":"asyncOrder","campaign":"c11","key":"","externalRefID":"` + ref + `","status":"","customerIdentifier":"` + tangotest.DemoCustomer +
		`","accountIdentifier":"` + tangotest.DemoAccount + `","keys":["r0002","r0003"]}` + "\n"
	require.NoError(t, os.WriteFile(journalPath(out), []byte(lines), 0o600))

	r := runCtx(t, context.Background(), rm.env, sendArgs(file, "c11", "--out", out, "--async")...)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 2, rm.srv.AsyncOrdersCreated())
	assert.Equal(t, 3, rm.srv.AsyncLineItemsPlaced())
	res := readResults(t, out)
	assert.Equal(t, ref, res["r0002"][1])
	assert.Equal(t, ref, res["r0003"][1])
	assert.NotEqual(t, ref, res["r0001"][1])
}

// TestSendRefusesToSwitchModesMidCampaign: sync rows are keyed one by one and
// async rows by their async order, and Tango deduplicates each only against its
// own kind, so a campaign is finished in the mode it was started in (the
// journal records it) and --async needs the journal. Before the fix a sync run
// followed by an --async run of the same file paid every row again.
func TestSendRefusesToSwitchModesMidCampaign(t *testing.T) {
	t.Run("--async without --out", func(t *testing.T) {
		rm := newRemote(t)
		file := writeCampaign(t, 5, nil)
		r := runCtx(t, context.Background(), rm.env, sendArgs(file, "c8")...)
		require.Equal(t, exitOK, r.code, r.all())
		require.Equal(t, 5, rm.srv.OrdersCreated())
		r = runCtx(t, context.Background(), rm.env, sendArgs(file, "c8", "--async")...)
		require.Equal(t, exitUsage, r.code, r.all())
		assert.Contains(t, r.stderr, "--out")
		settleAllAsync(t, rm.srv)
		assert.Equal(t, 0, rm.srv.AsyncLineItemsPlaced(), "the same campaign and keys were paid already (%d sync orders)", rm.srv.OrdersCreated())
	})
	t.Run("sync, then --async", func(t *testing.T) {
		rm := newRemote(t)
		out := filepath.Join(t.TempDir(), "results.csv")
		bad := writeCampaign(t, 3, func(i int, row []string) []string {
			if i == 2 {
				row[2] = "ten"
			}
			return row
		})
		r := runCtx(t, context.Background(), rm.env, sendArgs(bad, "c12", "--out", out)...)
		require.Equal(t, exitAPI, r.code, r.all())
		require.Equal(t, 2, rm.srv.OrdersCreated())
		file := writeCampaign(t, 3, nil)
		r = runCtx(t, context.Background(), rm.env, sendArgs(file, "c12", "--out", out, "--async")...)
		require.Equal(t, exitUsage, r.code, r.all())
		assert.Contains(t, r.stderr, "without --async")
		assert.Equal(t, 0, rm.srv.AsyncOrdersCreated())
		r = runCtx(t, context.Background(), rm.env, sendArgs(file, "c12", "--out", out)...)
		require.Equal(t, exitOK, r.code, r.all())
		assert.Equal(t, 3, rm.srv.OrdersCreated())
	})
	t.Run("--async, then sync", func(t *testing.T) {
		rm := newRemote(t)
		out := filepath.Join(t.TempDir(), "results.csv")
		file := writeCampaign(t, 3, nil)
		interruptAsync(t, rm, file, "c13", out)
		r := runCtx(t, context.Background(), rm.env, sendArgs(file, "c13", "--out", out)...)
		require.Equal(t, exitUsage, r.code, r.all())
		assert.True(t, strings.Contains(r.stderr, "with --async"), r.stderr)
		assert.Equal(t, 0, rm.srv.OrdersCreated())
	})
}

// TestSendAsyncOrderEndedWholeIsNeverReportedPlaced: an async order that ends
// as a whole (cancelled, rejected) names no line item as failed. Its rows are
// not known to be paid: each is reported unknown, never placed, the run exits
// as unsettled, and a re-run asks Tango about the same order again (a replay)
// instead of paying the rows under a new key. Before the fix every such row
// was written "placed".
func TestSendAsyncOrderEndedWholeIsNeverReportedPlaced(t *testing.T) {
	for _, status := range []string{"CANCELLED", "REJECTED"} {
		t.Run(status, func(t *testing.T) {
			rm := newRemote(t)
			out := filepath.Join(t.TempDir(), "results.csv")
			file := writeCampaign(t, 3, nil)
			interruptAsync(t, rm, file, "c12", out)

			_, orders := asyncOrdersOf(t, rm.srv)
			require.Len(t, orders, 1)
			rm.srv.EndAsyncOrder(orders[0].ExternalRefID, status)
			rm.srv.SetAsyncProcessingDelay(0)

			for run := 2; run <= 3; run++ {
				r := runCtx(t, context.Background(), rm.env, sendArgs(file, "c12", "--out", out, "--async")...)
				require.Equal(t, exitOutcomeUnknown, r.code, "run %d: %s", run, r.all())
				rows := readResults(t, out)
				require.Len(t, rows, 3)
				for key, row := range rows {
					assert.Equal(t, statusUnknown, row[3], "run %d, row %s: %v", run, key, row)
					assert.Contains(t, row[4], status, "run %d, row %s", run, key)
				}
				assert.Equal(t, 1, rm.srv.AsyncOrdersCreated(), "run %d: the same order asked again, no new one", run)
				assert.Zero(t, rm.srv.AsyncLineItemsPlaced())
			}
		})
	}
}
