package main

// Tests of `tango send`: a 1,000-row file under faults, an interrupted run
// finished by a re-run (in-process and the built binary sent SIGINT), bad rows,
// the dry run, async orders row by row, and a shell session against one running
// fake through the TANGOTEST_* variables.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

// writeCampaign writes an n-row CSV campaign file and returns its path.
func writeCampaign(t *testing.T, n int, edit func(i int, row []string) []string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write([]string{"key", "utid", "amount", "currency", "email", "first_name", "last_name", "message"}))
	for i := 1; i <= n; i++ {
		row := []string{fmt.Sprintf("r%04d", i), tangotest.UTIDRewardLink, "1.00", "USD", fmt.Sprintf("grace%d@example.org", i), "Grace", "Hopper", "Thank you, team"}
		if edit != nil {
			row = edit(i, row)
		}
		require.NoError(t, w.Write(row))
	}
	w.Flush()
	path := filepath.Join(t.TempDir(), "campaign.csv")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o600))
	return path
}

// readResults reads a results file: header checked, rows by key.
func readResults(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err, "every line of the results file is complete")
	require.NotEmpty(t, recs)
	require.Equal(t, resultsHeader, recs[0])
	rows := map[string][]string{}
	for _, r := range recs[1:] {
		require.Len(t, r, len(resultsHeader))
		_, dup := rows[r[0]]
		require.False(t, dup, "one line per row: %s", r[0])
		rows[r[0]] = r
	}
	return rows
}

// runCtx is runIn with a caller's context, on a fake clock: retry waits (1 s
// floors after a 429 or a 5xx) pass at once.
func runCtx(t *testing.T, ctx context.Context, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	inv := &invocation{stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] },
		clientOpts: []tango.Option{tango.WithClock(testclock.New(time.Now()))}}
	code := runInvocation(ctx, inv, args)
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	assertNothingSecret(t, r.all())
	assert.NotContains(t, r.all(), "@example.org", "no recipient address is printed")
	return r
}

// sendFaults injects resets after commit, 5xx and 429, each on 3% of the
// orders. (Much more, and the client's retry budget runs dry, as it should in an
// outage: rows then fail, and a re-run finishes them.)
func sendFaults(srv *tangotest.Server) {
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Probability: 0.03, Action: tangotest.ConnectionResetAfterCommit()})
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Probability: 0.03, Action: tangotest.StatusAfterCommit(502)})
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Probability: 0.03, Action: tangotest.Status(503)})
	srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Probability: 0.03, Action: tangotest.Status(429).WithRetryAfter(0)})
}

func TestSendThousandRowsWithFaults(t *testing.T) {
	rm := newRemote(t, tangotest.WithSeed(3))
	sendFaults(rm.srv)
	file := writeCampaign(t, 1000, nil)
	out := filepath.Join(t.TempDir(), "results.csv")
	r := runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "spring", "--out", out, "--concurrency", "8")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 1000, rm.srv.OrdersCreated(), "exactly 1,000 orders")
	rows := readResults(t, out)
	require.Len(t, rows, 1000)
	for k, row := range rows {
		assert.Contains(t, []string{statusPlaced, statusReplayed}, row[3], "%s: %v", k, row)
		assert.NotEmpty(t, row[2], "reference order id of %s", k)
	}
	assert.Contains(t, r.stderr, "placed ")
	assert.Contains(t, r.stderr, "rows/s")
	t.Logf("orders created %d; %s", rm.srv.OrdersCreated(), r.stderr[strings.LastIndex(r.stderr, "confirmed by"):])
}

func TestSendInterruptedThenRerun(t *testing.T) {
	rm := newRemote(t, tangotest.WithSeed(5))
	sendFaults(rm.srv)
	file := writeCampaign(t, 1000, nil)
	out := filepath.Join(t.TempDir(), "results.csv")
	args := []string{"send", file, "--campaign", "summer", "--out", out, "--concurrency", "8"}

	ctx, cancel := context.WithCancel(context.Background())
	stopAt := make(chan struct{})
	go func() {
		defer close(stopAt)
		for rm.srv.OrdersCreated() < 300 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	r := runCtx(t, ctx, rm.env, args...)
	cancel()
	<-stopAt
	require.Equal(t, exitOutcomeUnknown, r.code, r.all())
	assert.Contains(t, r.stderr, "run the same command again")
	first := readResults(t, out)
	assert.Less(t, len(first), 1000)
	placedFirst := rm.srv.OrdersCreated()
	assert.GreaterOrEqual(t, placedFirst, 300)
	postsBefore := rm.srv.RequestCount("POST", tangotest.PathOrders)

	r = runCtx(t, context.Background(), rm.env, args...)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 1000, rm.srv.OrdersCreated(), "exactly 1,000 orders over both runs")
	rows := readResults(t, out)
	require.Len(t, rows, 1000, "a complete results file")
	t.Logf("first run: %d result lines, %d orders; second run: %d POST /orders; total orders %d", len(first), placedFirst,
		rm.srv.RequestCount("POST", tangotest.PathOrders)-postsBefore, rm.srv.OrdersCreated())
	for k, row := range rows {
		assert.Contains(t, []string{statusPlaced, statusReplayed}, row[3], "%s: %v", k, row)
	}
	// Rows the journal confirmed were not sent again.
	posts := rm.srv.RequestCount("POST", tangotest.PathOrders) - postsBefore
	assert.Less(t, posts, 1000-placedFirst+300, "confirmed rows are skipped without asking Tango")
}

func TestSendBadRows(t *testing.T) {
	rm := newRemote(t)
	file := writeCampaign(t, 6, func(i int, row []string) []string {
		switch i {
		case 2:
			row[2] = "ten"
		case 3:
			row[0] = ""
		case 4:
			row[4] = "not-an-address"
		case 5:
			row[3] = "EUR"
		}
		return row
	})
	out := filepath.Join(t.TempDir(), "results.csv")

	r := runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "c1", "--out", out, "--strict")
	assert.Equal(t, exitUsage, r.code, r.all())
	assert.Equal(t, 0, rm.srv.OrdersCreated(), "--strict sends nothing")

	r = runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "c1", "--out", out)
	assert.Equal(t, exitAPI, r.code, r.all())
	for _, want := range []string{"line 3: field amount", "line 4: field key", "line 5: field email", "line 6: field currency"} {
		assert.Contains(t, r.stderr, want)
	}
	assert.Equal(t, 2, rm.srv.OrdersCreated(), "the good rows went")
	rows := readResults(t, out)
	assert.Equal(t, statusPlaced, rows["r0001"][3])
	assert.Equal(t, statusInvalid, rows["r0002"][3])
	assert.Contains(t, rows["r0002"][4], "line 3")
}

func TestSendDryRun(t *testing.T) {
	rm := newRemote(t)
	file := writeCampaign(t, 20, nil)
	r := runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "c2", "--dry-run")
	assert.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "20 row(s) to send")
	assert.Contains(t, r.stderr, "20.00 USD")
	assert.Contains(t, r.stderr, "nothing was sent")
	assert.Equal(t, 0, rm.srv.OrdersCreated())

	// Above the balance: refused before anything is sent.
	r = runCtx(t, context.Background(), rm.with("TANGO_ACCOUNT", tangotest.SecondAccount), "send", writeCampaign(t, 30, nil), "--campaign", "c2")
	assert.Equal(t, exitUsage, r.code, r.all())
	assert.Contains(t, r.stderr, "costs more than the balance")
	assert.Equal(t, 0, rm.srv.OrdersCreated())

	// On the embedded fake too.
	r = runCtx(t, context.Background(), nil, "send", file, "--campaign", "c2", "--dry-run")
	assert.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "state is not kept")
}

func TestSendAsyncReportsLineItemsRowByRow(t *testing.T) {
	rm := newRemote(t)
	rm.srv.FailAsyncLineItem("r0003", "recipient blocked")
	file := writeCampaign(t, 5, func(i int, row []string) []string {
		if i == 4 {
			row[1] = tangotest.UTIDInactive
			row[3] = ""
		}
		return row
	})
	out := filepath.Join(t.TempDir(), "results.csv")
	r := runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "c3", "--out", out, "--async")
	assert.Equal(t, exitAPI, r.code, r.all())
	rows := readResults(t, out)
	require.Len(t, rows, 5)
	assert.Equal(t, statusPlaced, rows["r0001"][3])
	assert.Equal(t, statusRefused, rows["r0003"][3])
	assert.Contains(t, rows["r0003"][4], "recipient blocked")
	assert.Equal(t, statusInvalid, rows["r0004"][3], "the dry run's catalog check: %v", rows["r0004"])
	assert.Contains(t, rows["r0004"][4], "line 5")
	assert.Equal(t, 3, rm.srv.AsyncLineItemsPlaced())

	// Again: confirmed rows are skipped; the failed one is tried again.
	rm.srv.FailAsyncLineItem("r0003", "still blocked")
	r = runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "c3", "--out", out, "--async")
	assert.Equal(t, exitAPI, r.code, r.all())
	assert.Equal(t, 3, rm.srv.AsyncLineItemsPlaced())
	assert.Len(t, readResults(t, out), 5)
}

func TestSendUsage(t *testing.T) {
	r := runCtx(t, context.Background(), nil, "send", "--campaign", "x")
	assert.Equal(t, exitUsage, r.code)
	r = runCtx(t, context.Background(), nil, "send", "file.csv")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--campaign")
}

func TestRunningFakeThroughTangotestVariables(t *testing.T) {
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, srv.CACertPEM(), 0o600))
	env := map[string]string{
		"TANGOTEST_API_BASE_URL":  srv.Environment().APIBaseURL,
		"TANGOTEST_TOKEN_URL":     srv.Environment().TokenURL,
		"TANGOTEST_PLATFORM_NAME": srv.PlatformName(),
		"TANGOTEST_PLATFORM_KEY":  srv.PlatformKey(),
		"TANGOTEST_CA_FILE":       ca,
		"TANGOTEST_CUSTOMER":      tangotest.DemoCustomer,
		"TANGOTEST_ACCOUNT":       tangotest.DemoAccount,
	}
	r := runIn(t, env, "order", "create", "--utid", tangotest.UTIDRewardLink, "--amount", "3.00", "--delivery", "NONE", "--json")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "using the tangotest fake at")
	ref := between(r.stdout, `"referenceOrderID": "`, `"`)
	require.NotEmpty(t, ref)
	r = runIn(t, env, "order", "get", ref)
	assert.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 1, srv.OrdersCreated())

	bad := map[string]string{}
	for k, v := range env {
		bad[k] = v
	}
	bad["TANGOTEST_API_BASE_URL"] = "https://example.com/raas/v2"
	r = runIn(t, bad, "accounts")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "loopback")
}

// between returns the text of s between a and the next b.
func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	if j := strings.Index(s, b); j >= 0 {
		return s[:j]
	}
	return ""
}

func TestSendBinaryInterruptedBySIGINTThenRerun(t *testing.T) {
	bin := binary(t)
	rm := newRemote(t)
	// A little latency per order (real time, milliseconds) keeps the run going
	// long enough to be interrupted in the middle.
	rm.srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Action: tangotest.Latency(3 * time.Millisecond)})
	file := writeCampaign(t, 1000, nil)
	out := filepath.Join(t.TempDir(), "results.csv")
	// The fake enforces no limit: --rate lifts the pacing (Tango's 1 TPS by default)
	// so that 1,000 orders take a second, not a quarter of an hour.
	args := []string{"send", file, "--campaign", "sigint", "--out", out, "--concurrency", "4", "--rate", "1000000"}

	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv(rm.env)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	deadline := time.Now().Add(60 * time.Second)
	for rm.srv.OrdersCreated() < 300 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, stderr.String())
	assert.Equal(t, exitOutcomeUnknown, exit.ExitCode(), stderr.String())
	assertNothingSecret(t, stderr.String())
	first := readResults(t, out)
	assert.Less(t, rm.srv.OrdersCreated(), 1000, "the run stopped early")
	assert.GreaterOrEqual(t, len(first), 300)

	rm.srv.ClearFaults()
	r := runBinary(t, rm.env, args...)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 1000, rm.srv.OrdersCreated(), "exactly 1,000 orders over both runs")
	assert.Len(t, readResults(t, out), 1000)
	t.Logf("SIGINT after %d result lines; total orders after the re-run %d", len(first), rm.srv.OrdersCreated())
}

func TestProgressBarAndPlainLines(t *testing.T) {
	var bar, plain bytes.Buffer
	pb := newProgress(&bar, 10, true)
	pl := newProgress(&plain, 10, false)
	for i := 1; i <= 10; i++ {
		p := tango.BatchProgress{Sent: i, Placed: i, Elapsed: time.Duration(i) * time.Second, RowsPerSecond: 1}
		pb.update(p)
		pl.update(p)
	}
	pb.finish()
	pl.finish()
	assert.Contains(t, bar.String(), "placed 10")
	assert.Contains(t, bar.String(), "10/10")
	assert.Contains(t, plain.String(), "tango: 10/10 rows: placed 10")
	assert.LessOrEqual(t, strings.Count(plain.String(), "\n"), 3, "plain lines are periodic, not one per row")
}

func TestSendJournalBelongsToItsCampaign(t *testing.T) {
	rm := newRemote(t)
	file := writeCampaign(t, 5, nil)
	out := filepath.Join(t.TempDir(), "results.csv")
	r := runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "a", "--out", out)
	require.Equal(t, exitOK, r.code, r.all())
	r = runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "a", "--out", out)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "confirmed by an earlier run 5")
	assert.Equal(t, 5, rm.srv.OrdersCreated())
	assert.Equal(t, 5, rm.srv.RequestCount("POST", tangotest.PathOrders), "the second run asked Tango nothing")

	r = runCtx(t, context.Background(), rm.env, "send", file, "--campaign", "b", "--out", out)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 10, rm.srv.OrdersCreated(), "another campaign is other orders")
	assert.Len(t, readResults(t, out), 5)
}

// TestSendJSONSummary: with --json, send prints one JSON object on stdout when
// it ends (counts, account totals, exit code) for scripts; before, the flag was
// accepted and ignored. The dry run prints its estimate the same way.
func TestSendJSONSummary(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		code    int
		placed  int
		invalid int
		orders  int
		dryRun  bool
	}{
		{name: "send", code: exitAPI, placed: 3, invalid: 1, orders: 3},
		{name: "dry run", args: []string{"--dry-run"}, code: exitUsage, dryRun: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rm := newRemote(t)
			file := writeCampaign(t, 4, func(i int, row []string) []string {
				if i == 2 {
					row[2] = "ten"
				}
				return row
			})
			args := append([]string{"send", file, "--campaign", "js", "--json"}, tc.args...)
			r := runCtx(t, context.Background(), rm.env, args...)
			require.Equal(t, tc.code, r.code, r.all())
			var sum sendSummary
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &sum), "stdout is one JSON object: %q", r.stdout)
			assert.Equal(t, "js", sum.Campaign)
			assert.Equal(t, tc.dryRun, sum.DryRun)
			assert.Equal(t, tc.code, sum.ExitCode)
			assert.Equal(t, 3, sum.ToSend)
			assert.Equal(t, 1, sum.Bad)
			assert.Equal(t, tc.placed, sum.Placed)
			assert.Equal(t, tc.invalid, sum.Invalid)
			assert.Len(t, sum.Accounts, 1)
			assert.Equal(t, tc.orders, rm.srv.OrdersCreated())
		})
	}
}
