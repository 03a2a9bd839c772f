package main

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/tango-sdk/tango-go"
)

// sendOptions are the flags of `tango send`.
type sendOptions struct {
	path, campaign, customer, account, out string
	dryRun, async, strict, ignoreBalance   bool
	plain, confirm, json                   bool
	concurrency                            int
}

// runSend sends a campaign: one reward per row of a CSV or JSON Lines file, each
// exactly once under a key derived from --campaign and the row's key, at Tango's
// pace, with progress, a results file and a journal that lets a re-run finish
// what an interrupted one left.
func runSend(ctx context.Context, inv *invocation, args []string) int {
	fs, cf := inv.newFlagSet("send", "tango send FILE --campaign NAME [--out results.csv] [--dry-run] [--async] [flags]\n\n"+sendColumnsHelp)
	var o sendOptions
	fs.StringVar(&o.campaign, "campaign", "", "campaign `name`: the namespace of the rows' keys (required; the same name on a re-run replays instead of re-ordering)")
	fs.StringVar(&o.customer, "customer", "", "customer `identifier` (default: TANGO_CUSTOMER)")
	fs.StringVar(&o.account, "account", "", "account `identifier` to charge (default: TANGO_ACCOUNT)")
	fs.StringVar(&o.out, "out", "", "write one result line per row to this CSV `file` (key, external_ref_id, reference_order_id, status, error); a journal FILE.journal beside it lets a re-run skip confirmed rows")
	fs.BoolVar(&o.dryRun, "dry-run", false, "check every row, the catalog, the prices and the balance; send nothing")
	fs.BoolVar(&o.async, "async", false, "send the rows as Tango async orders (1,000 line items each) and wait for their outcome; needs --out: each async order is journaled with its rows before it is sent, and a re-run first re-submits the unsettled ones unchanged (keep their rows in the file), then sends the rest; a campaign is finished in the mode it was started in")
	fs.BoolVar(&o.strict, "strict", false, "send nothing if any row is bad")
	fs.BoolVar(&o.ignoreBalance, "ignore-balance", false, "send although the dry run prices the file above the balance")
	fs.BoolVar(&o.plain, "plain", false, "plain progress lines even on a terminal")
	fs.IntVar(&o.concurrency, "concurrency", 0, "orders in flight at once (`n`; 0: sized to the client's pace)")
	fs.BoolVar(&o.confirm, "confirm-production", false, "required to send in production, where it moves real money")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return inv.usageError("send takes one input file (CSV, or JSON Lines named .jsonl), got %d arguments", len(pos))
	}
	o.path = pos[0]
	o.json = cf.json
	if strings.TrimSpace(o.campaign) == "" {
		return inv.usageError("send needs --campaign: it keeps each campaign's keys apart, and a re-run with the same name replays instead of ordering again")
	}
	if o.async && o.out == "" {
		return inv.usageError("send --async needs --out: its journal records each async order before it is sent, which is what lets a re-run finish it without paying a row twice")
	}
	timeoutSet := false
	fs.Visit(func(f *flag.Flag) { timeoutSet = timeoutSet || f.Name == "timeout" })
	s, code, ok := inv.connect(cf)
	if !ok {
		return code
	}
	defer s.close()
	if s.production && !o.confirm && !o.dryRun {
		return inv.usageError("refusing to send in production without --confirm-production (try --dry-run first)")
	}
	o.customer, o.account = firstOf(o.customer, s.customer), firstOf(o.account, s.account)
	if o.customer == "" || o.account == "" {
		return inv.usageError("send needs a customer and an account: --customer and --account, or TANGO_CUSTOMER and TANGO_ACCOUNT")
	}
	if timeoutSet {
		var cancel context.CancelFunc
		ctx, cancel = cf.deadline(ctx)
		defer cancel()
	}
	// From here on several goroutines write to stderr.
	bar := !o.plain && isTerminal(inv.stderr)
	locked := *inv
	locked.stderr = &lockedWriter{w: inv.stderr}
	sd := &sender{inv: &locked, s: s, o: o, bar: bar, sum: sendSummary{Campaign: o.campaign, DryRun: o.dryRun}}
	code = sd.run(ctx)
	if o.json {
		sd.sum.ExitCode = code
		if err := printJSON(inv.stdout, sd.sum); err != nil {
			fmt.Fprintf(inv.stderr, "tango: %v\n", err)
		}
	}
	return code
}

// sender runs one `tango send`.
type sender struct {
	inv *invocation
	s   *session
	o   sendOptions

	journal *journalState                   // what earlier runs of the campaign journaled
	bound   map[string]*journaledAsyncOrder // keys held by async orders earlier runs did not settle
	lines   map[string]int                  // key → line, for reporting
	badLine map[int]bool                    // lines that cannot be sent (pass 1)
	skip    map[string]bool                 // keys the dry run found wanting
	bad     int                             // rows that cannot be sent
	toSend  int                             // rows this run sends
	bar     bool                            // stderr is a terminal: draw a progress bar
	sum     sendSummary                     // what --json prints when the run ends
}

// rows reads the file again.
func (sd *sender) rows() iter.Seq[sendRow] {
	return readRows(sd.o.path, sd.o.customer, sd.o.account, sd.o.campaign)
}

// batchRows are the rows this run sends in new orders: valid, not confirmed
// before, and not held by an async order an earlier run submitted.
func (sd *sender) batchRows() iter.Seq[tango.BatchOrder] {
	return func(yield func(tango.BatchOrder) bool) {
		for r := range sd.rows() {
			if r.err != nil || sd.badLine[r.line] || sd.skip[r.key] || sd.journal.confirmed[r.key].confirmed() || sd.bound[r.key] != nil {
				continue
			}
			if !yield(tango.BatchOrder{Key: r.key, Request: r.req}) {
				return
			}
		}
	}
}

func (sd *sender) run(ctx context.Context) int {
	inv, o := sd.inv, sd.o
	if sd.s.fake != nil {
		fmt.Fprintln(inv.stderr, "tango: the in-process fake keeps no state between commands: a re-run starts from an empty fake")
	}
	var err error
	sd.journal = &journalState{confirmed: map[string]resultRecord{}, modes: map[string]bool{}}
	if o.out != "" {
		if sd.journal, err = loadJournal(journalPath(o.out), o.campaign); err != nil {
			return inv.usageError("reading the journal: %v", err)
		}
	}
	sd.bound = sd.journal.bound()

	// Pass 1: read every row; report the bad ones with their line and field.
	cat, err := sd.s.client.Catalog.Get(ctx, nil)
	if err != nil {
		return inv.fail(fmt.Errorf("reading the catalog: %w", err))
	}
	currencies := map[string]string{}
	for _, it := range cat.Items() {
		currencies[strings.ToUpper(it.UTID)] = strings.ToUpper(it.CurrencyCode)
	}
	sd.lines, sd.badLine, sd.skip = map[string]int{}, map[int]bool{}, map[string]bool{}
	var badRows []sendRow
	skipped := 0
	for r := range sd.rows() {
		if r.line == 0 && r.err != nil {
			return inv.usageError("reading %s: %v", o.path, r.err)
		}
		if r.err == nil && r.currency != "" {
			if cur, ok := currencies[strings.ToUpper(r.req.UTID)]; ok && cur != r.currency {
				r.err = &rowError{field: "currency", msg: fmt.Sprintf("the item is sold in %s, not %s", cur, r.currency)}
			}
		}
		if r.err != nil {
			sd.bad++
			sd.badLine[r.line] = true
			fmt.Fprintf(inv.stderr, "tango: %s line %d: %v\n", o.path, r.line, r.err)
			badRows = append(badRows, sendRow{line: r.line, key: r.key, err: r.err})
			continue
		}
		if first, dup := sd.lines[r.key]; dup {
			sd.bad++
			r.err = &rowError{field: "key", msg: fmt.Sprintf("the same key as line %d", first)}
			sd.badLine[r.line] = true
			fmt.Fprintf(inv.stderr, "tango: %s line %d: %v\n", o.path, r.line, r.err)
			badRows = append(badRows, sendRow{line: r.line, key: r.key, err: r.err})
			continue
		}
		sd.lines[r.key] = r.line
		if sd.journal.confirmed[r.key].confirmed() && sd.bound[r.key] == nil {
			skipped++
			continue
		}
		sd.toSend++
	}
	if o.strict && sd.bad > 0 {
		fmt.Fprintf(inv.stderr, "tango: %d bad row(s) and --strict: nothing was sent\n", sd.bad)
		return exitUsage
	}
	if code, ok := sd.checkJournal(); !ok {
		return code
	}

	// The dry run: catalog, prices, balance.
	b, err := sd.s.client.Orders.Batch(tango.BatchOptions{Namespace: o.campaign, Concurrency: o.concurrency, IgnoreBalance: o.ignoreBalance})
	if err != nil {
		return inv.usageError("%v", err)
	}
	est, err := b.DryRun(ctx, sd.dedup(sd.batchRows()))
	boundRows := len(sd.bound)
	if err != nil {
		return inv.fail(err)
	}
	for _, p := range est.Problems {
		sd.bad++
		fmt.Fprintf(inv.stderr, "tango: %s line %d (key %s): %v\n", o.path, sd.lines[p.Key], p.Key, p.Err)
	}
	fmt.Fprintf(inv.stderr, "tango: %d row(s) to send, %d already confirmed by an earlier run (journal), %d bad\n", est.Valid+boundRows, skipped, sd.bad)
	if boundRows > 0 {
		fmt.Fprintf(inv.stderr, "tango: %d of them are in %d async order(s) an earlier run submitted and did not settle: they are submitted again unchanged first (Tango replays what it holds)\n",
			boundRows, len(sd.journal.unsettled()))
	}
	sd.sum.ConfirmedEarlier, sd.sum.ToSend, sd.sum.Bad = skipped, est.Valid+boundRows, sd.bad
	for _, a := range est.Accounts {
		sd.sum.Accounts = append(sd.sum.Accounts, sendAccountSummary{Account: a.AccountIdentifier, Rows: a.Rows,
			Total: a.Total.String(), Balance: a.Balance.String(), Currency: a.Currency})
		fmt.Fprintf(inv.stderr, "tango: account %s: %d row(s), %s %s at published rates; balance %s %s\n",
			a.AccountIdentifier, a.Rows, a.Total, a.Currency, a.Balance, a.Currency)
	}
	if o.strict && len(est.Problems) > 0 {
		fmt.Fprintf(inv.stderr, "tango: %d row(s) fail the catalog checks and --strict: nothing was sent\n", len(est.Problems))
		return exitUsage
	}
	if !est.Sufficient() && !o.ignoreBalance {
		fmt.Fprintln(inv.stderr, "tango: the file costs more than the balance: nothing was sent (fund the account, or --ignore-balance)")
		return exitUsage
	}
	if o.dryRun {
		fmt.Fprintln(inv.stderr, "tango: dry run: nothing was sent")
		if sd.bad > 0 {
			return exitUsage
		}
		return exitOK
	}

	// Pass 2: send.
	out, err := openOutput(o.out)
	if err != nil {
		return inv.usageError("opening the results file: %v", err)
	}
	mode := modeSync
	if o.async {
		mode = modeAsync
	}
	if err := out.writeAhead(journalLine{Kind: journalStart, Mode: mode}, o.campaign); err != nil {
		_ = out.close()
		return inv.usageError("writing the journal: %v: nothing was sent", err)
	}
	tally := map[string]int{}
	record := func(r resultRecord, journal bool) error {
		tally[r.Status]++
		err := out.write(r, journal, o.campaign)
		if err != nil {
			fmt.Fprintf(inv.stderr, "tango: writing the results: %v\n", err)
		}
		return err
	}
	for _, r := range badRows {
		_ = record(resultRecord{Key: r.key, Status: statusInvalid, Error: fmt.Sprintf("line %d: %v", r.line, r.err)}, false)
	}
	for _, p := range est.Problems {
		// Tango would refuse it too: it is not sent.
		sd.skip[p.Key] = true
		sd.toSend--
		_ = record(resultRecord{Key: p.Key, Status: statusInvalid, Error: fmt.Sprintf("line %d: %v", sd.lines[p.Key], p.Err)}, false)
	}
	for r := range sd.rows() {
		if j, ok := sd.journal.confirmed[r.key]; ok && r.err == nil && !sd.badLine[r.line] && sd.bound[r.key] == nil {
			j.Campaign = ""
			if err := out.write(j, false, o.campaign); err != nil {
				fmt.Fprintf(inv.stderr, "tango: writing the results: %v\n", err)
			}
		}
	}
	pr := newProgress(inv.stderr, est.Valid+boundRows, sd.bar)
	// The watcher is joined before run returns, so it never writes to stderr
	// after the command has ended (a test reading stderr raced with it).
	sent, watched := make(chan struct{}), make(chan struct{})
	defer func() { close(sent); <-watched }()
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
		case <-sent:
			return
		}
		// A second Ctrl-C ends the process at once: every line written so far is
		// complete, and the rows in flight stay unsettled for the next run.
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		fmt.Fprintln(inv.stderr, "tango: stopping: no new orders; waiting for those in flight (Ctrl-C again to quit now)")
	}()
	if o.async {
		sd.sendAsync(ctx, pr, out, record)
	} else {
		sd.sendOrders(ctx, pr, record)
	}
	pr.finish()
	if err := out.close(); err != nil {
		fmt.Fprintf(inv.stderr, "tango: closing the results: %v\n", err)
	}

	done := tally[statusPlaced] + tally[statusReplayed] + tally[statusRefused] + tally[statusFailed] + tally[statusUnknown]
	notReached := sd.toSend - done
	if notReached < 0 {
		notReached = 0
	}
	fmt.Fprintf(inv.stderr, "tango: confirmed by an earlier run %d; this run: placed %d, replayed %d, refused %d, invalid %d, failed %d, unknown %d, not reached %d\n",
		skipped, tally[statusPlaced], tally[statusReplayed], tally[statusRefused], tally[statusInvalid], tally[statusFailed], tally[statusUnknown], notReached)
	sd.sum.Placed, sd.sum.Replayed, sd.sum.Refused, sd.sum.Invalid = tally[statusPlaced], tally[statusReplayed], tally[statusRefused], tally[statusInvalid]
	sd.sum.Failed, sd.sum.Unknown, sd.sum.NotReached = tally[statusFailed], tally[statusUnknown], notReached
	switch {
	case tally[statusUnknown]+tally[statusFailed] > 0 || notReached > 0 || ctx.Err() != nil:
		fmt.Fprintf(inv.stderr, "tango: %d row(s) unsettled (unknown, failed or not reached): run the same command again to finish them; no reward is sent twice\n",
			tally[statusUnknown]+tally[statusFailed]+notReached)
		return exitOutcomeUnknown
	case tally[statusRefused]+tally[statusInvalid] > 0:
		return exitAPI
	}
	return exitOK
}

// dedup drops rows whose key appeared before (pass 1 reported them).
func (sd *sender) dedup(rows iter.Seq[tango.BatchOrder]) iter.Seq[tango.BatchOrder] {
	return func(yield func(tango.BatchOrder) bool) {
		seen := make(map[string]bool, len(sd.lines))
		for r := range rows {
			if seen[r.Key] {
				continue
			}
			seen[r.Key] = true
			if !yield(r) {
				return
			}
		}
	}
}

// sendOrders sends the rows as orders through the SDK's batch sender.
func (sd *sender) sendOrders(ctx context.Context, pr *progress, record func(resultRecord, bool) error) {
	b, err := sd.s.client.Orders.Batch(tango.BatchOptions{
		Namespace: sd.o.campaign, Concurrency: sd.o.concurrency, Progress: pr.update,
	})
	if err != nil {
		fmt.Fprintf(sd.inv.stderr, "tango: %v\n", err)
		return
	}
	for _, r := range b.Send(ctx, sd.dedup(sd.batchRows())) {
		rec := resultRecord{Key: r.Key, ExternalRefID: r.ExternalRefID, Status: string(r.Outcome)}
		if r.Order != nil {
			rec.ReferenceOrderID = r.Order.ReferenceOrderID
		}
		if r.Err != nil {
			rec.Error = r.Err.Error()
		}
		_ = record(rec, true)
	}
}
