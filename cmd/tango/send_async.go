package main

// `tango send --async`: rows in async orders of up to asyncChunk line items,
// exactly once across runs through the journal's write-ahead records (see
// send_journal.go).

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tango-sdk/tango-go"
)

// asyncChunk is how many rows go into one async order.
const asyncChunk = 1000

// checkJournal refuses a run the journal says could pay a row twice: switching
// modes while rows remain to send, or an async order an earlier run submitted
// that cannot be submitted again unchanged (its rows must all still be valid in
// the file, on the same account). It returns the exit code and false to stop.
func (sd *sender) checkJournal() (int, bool) {
	inv, o := sd.inv, sd.o
	mode, other := modeSync, modeAsync
	if o.async {
		mode, other = modeAsync, modeSync
	}
	if sd.toSend > 0 && (sd.journal.modes[other] || (!o.async && len(sd.bound) > 0)) {
		flag := "without --async"
		if other == modeAsync {
			flag = "with --async"
		}
		return inv.usageError("campaign %q was started %s (journal %s) and %d row(s) are not confirmed yet: finish it the same way; a %s run could pay them again (Tango deduplicates orders and async orders separately)",
			o.campaign, flag, journalPath(o.out), sd.toSend, mode), false
	}
	for _, ao := range sd.journal.unsettled() {
		if ao.customer != o.customer || ao.account != o.account {
			return inv.usageError("async order %s of an earlier run was sent to customer %s, account %s: run with --customer %s --account %s to settle it (nothing was sent)",
				ao.ref, ao.customer, ao.account, ao.customer, ao.account), false
		}
		var missing []string
		for _, k := range ao.keys {
			if _, ok := sd.lines[k]; !ok {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return inv.usageError("async order %s of an earlier run holds row(s) %s, which the file no longer has as valid rows: restore them unchanged (Tango may have paid them; the same async order is submitted again to learn its outcome); nothing was sent",
				ao.ref, strings.Join(missing, ", ")), false
		}
	}
	return 0, true
}

// sendAsync first submits again, unchanged, every async order an earlier run
// submitted and did not settle (Tango replays those it holds, and Wait settles
// them), then sends the remaining rows in new async orders, journaling each
// before it is sent.
func (sd *sender) sendAsync(ctx context.Context, pr *progress, out *sendOutput, record func(resultRecord, bool) error) {
	var prog tango.BatchProgress
	if len(sd.bound) > 0 {
		held := map[string]tango.BatchOrder{}
		for r := range sd.rows() {
			if sd.bound[r.key] != nil && r.err == nil && !sd.badLine[r.line] {
				held[r.key] = tango.BatchOrder{Key: r.key, Request: r.req}
			}
		}
		for _, ao := range sd.journal.unsettled() {
			if ctx.Err() != nil {
				return
			}
			rows := make([]tango.BatchOrder, len(ao.keys))
			for i, k := range ao.keys {
				rows[i] = held[k]
			}
			if !sd.submitAsync(ctx, ao.ref, rows, pr, &prog, out, record) {
				return
			}
		}
	}
	var chunk []tango.BatchOrder
	flush := func() bool {
		if len(chunk) == 0 {
			return true
		}
		defer func() { chunk = chunk[:0] }()
		ref := tango.NewExternalRefID()
		keys := make([]string, len(chunk))
		for i, r := range chunk {
			keys[i] = r.Key
		}
		// Write-ahead: from here on these rows belong to this async order.
		ahead := journalLine{Kind: journalAsyncOrder, CustomerIdentifier: sd.o.customer, AccountIdentifier: sd.o.account, Keys: keys}
		ahead.ExternalRefID = ref
		if err := out.writeAhead(ahead, sd.o.campaign); err != nil {
			fmt.Fprintf(sd.inv.stderr, "tango: writing the journal: %v: no further async order is sent\n", err)
			return false
		}
		return sd.submitAsync(ctx, ref, chunk, pr, &prog, out, record)
	}
	for r := range sd.dedup(sd.batchRows()) {
		if ctx.Err() != nil {
			break
		}
		chunk = append(chunk, r)
		if len(chunk) == asyncChunk && !flush() {
			return
		}
	}
	if ctx.Err() == nil {
		flush()
	}
}

// submitAsync submits one async order of rows under ref, waits for it and
// records its line items row by row; once every row's result is recorded it
// journals the async order as settled. It reports whether to go on.
func (sd *sender) submitAsync(ctx context.Context, ref string, rows []tango.BatchOrder, pr *progress, prog *tango.BatchProgress, out *sendOutput, record func(resultRecord, bool) error) bool {
	req := &tango.CreateAsyncOrderRequest{ExternalRefID: ref, CustomerIdentifier: sd.o.customer, AccountIdentifier: sd.o.account, Campaign: sd.o.campaign}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
		q := r.Request
		req.LineItems = append(req.LineItems, tango.AsyncLineItemRequest{
			ExternalRefLineItemID: r.Key, UTID: q.UTID, Amount: q.Amount, DeliveryMethod: q.DeliveryMethod,
			Recipient: q.Recipient, ETID: q.ETID, EmailSubject: q.EmailSubject, Message: q.Message,
		})
	}
	prog.Sent += len(rows)
	sub, err := sd.s.client.AsyncOrders.Create(ctx, req)
	var res *tango.AsyncOrderResult
	if err == nil {
		res, err = sd.s.client.AsyncOrders.Wait(ctx, sub)
	}
	if err != nil {
		// Not settled: the next run submits this async order again, unchanged.
		status := statusFailed
		var apiErr *tango.APIError
		var invalid *tango.ValidationError
		switch {
		case errors.Is(err, tango.ErrOutcomeUnknown) || ctx.Err() != nil:
			status = statusUnknown
		case errors.As(err, &invalid), errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != 429:
			status = statusRefused
		}
		for _, k := range keys {
			_ = record(resultRecord{Key: k, ExternalRefID: ref, Status: status, Error: err.Error()}, true)
		}
		switch status {
		case statusUnknown:
			prog.Unknown += len(keys)
		case statusFailed:
			prog.Failed += len(keys)
		default:
			prog.Refused += len(keys)
		}
		pr.update(*prog)
		return ctx.Err() == nil
	}
	failed := res.FailedByID()
	// An order that ended as a whole (cancelled, rejected, failed) may name no
	// line item: its other rows are not known to be paid, and are never
	// reported as placed. The journal keeps the order unsettled, so a re-run
	// asks Tango again instead of paying those rows under a new key.
	whole := orderEndedWhole(res.Order.OrderStatus)
	unsettled := false
	var werr error
	for _, k := range keys {
		rec := resultRecord{Key: k, ExternalRefID: ref, ReferenceOrderID: res.Order.ReferenceOrderID}
		f, bad := failed[k]
		switch {
		case bad:
			rec.Status = statusRefused
			var why []string
			for _, e := range f.Errors {
				why = append(why, e.String())
			}
			rec.Error = strings.Join(why, "; ")
			prog.Refused++
		case whole != "":
			rec.Status = statusUnknown
			rec.Error = fmt.Sprintf("async order %s ended %s without a result for this row; check its line items with Tango before sending the row again", ref, whole)
			prog.Unknown++
			unsettled = true
		case sub.Replayed:
			rec.Status = statusReplayed
			prog.Replayed++
		default:
			rec.Status = statusPlaced
			prog.Placed++
		}
		if err := record(rec, true); err != nil {
			werr = err
		}
	}
	pr.update(*prog)
	if werr == nil && !unsettled {
		settled := journalLine{Kind: journalAsyncSettled}
		settled.ExternalRefID = ref
		if err := out.writeAhead(settled, sd.o.campaign); err != nil {
			fmt.Fprintf(sd.inv.stderr, "tango: writing the journal: %v\n", err)
		}
	}
	return true
}

// orderEndedWhole returns the status of an async order that ended without
// placing its line items as a whole (anything final but complete or partial),
// or "" for an order whose line items each carry their own result.
func orderEndedWhole(status tango.AsyncOrderStatus) tango.AsyncOrderStatus {
	switch status {
	case tango.AsyncComplete, "COMPLETED", tango.AsyncPartial:
		return ""
	}
	return status
}
