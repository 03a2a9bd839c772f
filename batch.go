package tango

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// BatchOrder is one row of a batch: the caller's business key for the reward
// and the order to place.
type BatchOrder struct {
	// Key is the row's business key (a row id, a user id), unique within the
	// batch's namespace. The order's externalRefID is ExternalRefIDFor(namespace,
	// Key) unless Request.ExternalRefID is set.
	Key string
	// Request is the order. The batch never modifies it.
	Request *CreateOrderRequest
}

// LogValue presents the value to slog field by field; see logValueOf.
func (o BatchOrder) LogValue() slog.Value { return logValueOf(o) }

// BatchOutcome says how a row of a batch ended.
type BatchOutcome string

// Row outcomes. Placed, Replayed and Refused are settled; Unknown is not.
const (
	// BatchPlaced: Tango answered with a new order for this key (201), or the
	// order was found by its key after the answer was lost.
	//
	// Placed and Replayed tell which answer came back, not which run paid: an
	// order found by lookup is reported Placed even when an earlier run placed
	// it, and a run whose own answer was lost (a reset after Tango committed)
	// sees its retry Replayed. Either way the row has exactly one order; count
	// Placed and Replayed together as "paid".
	BatchPlaced BatchOutcome = "placed"
	// BatchReplayed: Tango already had the order for this key and answered
	// with it (200): an earlier run, or an earlier attempt of this one, placed
	// it; nothing new was sent out.
	BatchReplayed BatchOutcome = "replayed"
	// BatchRefused: no order exists for the key; the error says why (validation,
	// a business rule, funds, a key that belongs to a different order). Running
	// the batch again retries the row with the same key.
	BatchRefused BatchOutcome = "refused"
	// BatchFailed: no order was placed, but not because Tango refused it: rate
	// limited, an outage, the network, the retry budget. The row was tried again
	// at the end; running the batch again retries it with the same key.
	BatchFailed BatchOutcome = "failed"
	// BatchUnknown: the SDK could not learn whether the order was placed, even
	// after settling at the end. Run the batch again (or call Orders.Create with
	// the same key) to settle it; it can never place a second order.
	BatchUnknown BatchOutcome = "unknown"
)

// Settled reports whether the outcome is final: the row has an order, or Tango
// refused it. Failed and Unknown rows need another run.
func (o BatchOutcome) Settled() bool {
	return o == BatchPlaced || o == BatchReplayed || o == BatchRefused
}

// retryLater reports whether the row is set aside and sent again at the end.
func (o BatchOutcome) retryLater() bool { return o == BatchUnknown || o == BatchFailed }

// BatchResult is the outcome of one row.
type BatchResult struct {
	// Index is the row's position in the input, from 0.
	Index int
	// Key is the row's business key.
	Key string
	// ExternalRefID is the idempotency key the order was sent with.
	ExternalRefID string
	// Outcome says how the row ended.
	Outcome BatchOutcome
	// Order is the order, for Placed and Replayed rows.
	Order *Order
	// Err is why, for Refused and Unknown rows.
	Err error
}

// LogValue presents the value to slog field by field; see logValueOf.
func (r BatchResult) LogValue() slog.Value { return logValueOf(r) }

// BatchProgress is a snapshot of a running batch, given to BatchOptions.Progress.
type BatchProgress struct {
	// Sent counts rows whose order was started.
	Sent int
	// Placed, Replayed, Refused, Failed and Unknown count finished rows by
	// outcome. Failed and Unknown rows are sent again at the end; their counts
	// can go down then.
	Placed, Replayed, Refused, Failed, Unknown int
	// Elapsed is the time since the batch started (on the client's Clock).
	Elapsed time.Duration
	// RowsPerSecond is finished rows per second of Elapsed.
	RowsPerSecond float64
}

// Done counts finished rows.
func (p BatchProgress) Done() int { return p.Placed + p.Replayed + p.Refused + p.Failed + p.Unknown }

// BatchOptions configure a Batch.
type BatchOptions struct {
	// Namespace scopes the rows' keys (a campaign name); required. Two runs with
	// the same namespace and keys are the same orders.
	Namespace string
	// Concurrency is how many orders may be in flight at once. 0 sizes it to the
	// client's pace for POST /orders (see WithRateLimit): enough to keep the pace
	// busy while answers are on their way, and no more, since the limiter decides
	// the rate anyway.
	Concurrency int
	// Progress, when set, is called after every finished row, from one goroutine
	// at a time. Keep it quick: the batch waits for it.
	Progress func(BatchProgress)
	// GracePeriod is how long orders already in flight may run after ctx is
	// cancelled, to finish rather than end with an unknown outcome. Default 30 s.
	GracePeriod time.Duration
	// NoSettle skips settling unknown outcomes at the end.
	NoSettle bool
	// IgnoreBalance lets Run start although the dry run prices the batch above
	// the account's balance.
	IgnoreBalance bool
}

// Batch sends many orders at the client's pace, each exactly once under a key
// derived from the caller's row key, and reports one result per row. Get one
// with OrdersService.Batch; it is safe to use once at a time.
type Batch struct {
	s    *OrdersService
	opts BatchOptions
}

// defaultGracePeriod is BatchOptions.GracePeriod's default.
const defaultGracePeriod = 30 * time.Second

// Batch returns a batch sender with the given options, which it checks.
func (s *OrdersService) Batch(opts BatchOptions) (*Batch, error) {
	switch {
	case strings.TrimSpace(opts.Namespace) == "":
		return nil, errors.New("tango: BatchOptions.Namespace is required: it keeps each campaign's keys apart")
	case opts.Concurrency < 0 || opts.Concurrency > 256:
		return nil, fmt.Errorf("tango: BatchOptions.Concurrency must be 0 (sized to the pace) to 256, got %d", opts.Concurrency)
	case opts.GracePeriod < 0:
		return nil, fmt.Errorf("tango: BatchOptions.GracePeriod must not be negative, got %v", opts.GracePeriod)
	}
	if opts.GracePeriod == 0 {
		opts.GracePeriod = defaultGracePeriod
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = s.c.batchConcurrency()
	}
	return &Batch{s: s, opts: opts}, nil
}

// Send places the orders of rows, reading them one at a time (a file of a
// million rows never sits in memory), and yields one result per row with the
// row's index.
//
// Results come in input order, with one exception: a row whose outcome was
// unknown (Tango's answer lost even after the SDK's retries and lookup), or that
// failed for a passing reason (rate limit, outage, network, retry budget), is
// set aside, and once the input is exhausted it is sent again with the same key,
// which settles it; its result comes then, after the others. Up to
// 4×Concurrency finished rows are held to restore the order.
//
// Cancelling ctx stops reading rows and starting orders; orders already in
// flight may finish (for at most GracePeriod), and their results are still
// yielded, Unknown when they could not finish. Rows not yet started get no
// result (the one read ahead of the workers included; nothing was sent for
// them): run the batch again, and rows already placed replay. Breaking out of the loop
// does the same as cancelling. rows is read on a goroutine of its own: a rows
// function blocked when the batch stops (waiting on an empty queue, say) does
// not hold Send back, and that goroutine ends at the function's next yield.
//
// A row that is not a valid order (see CreateOrderRequest.Validate) is Refused
// without anything being sent; it never stops the others.
func (b *Batch) Send(ctx context.Context, rows iter.Seq[BatchOrder]) iter.Seq2[int, BatchResult] {
	return func(yield func(int, BatchResult) bool) {
		b.send(ctx, rows, yield)
	}
}

func (b *Batch) send(ctx context.Context, rows iter.Seq[BatchOrder], yield func(int, BatchResult) bool) {
	clock := b.s.c.clock
	start := clock.Now()
	conc := b.opts.Concurrency

	// stopCtx ends reading rows and starting orders. Orders in flight run under
	// flight instead: detached from ctx, and cancelled GracePeriod after stopCtx
	// ends, or when the batch returns.
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()
	flight, cancelFlight := context.WithCancel(context.WithoutCancel(ctx))
	graceDone := make(chan struct{})
	go func() {
		defer close(graceDone)
		select {
		case <-stopCtx.Done():
		case <-flight.Done():
			return
		}
		t := time.NewTimer(b.opts.GracePeriod)
		defer t.Stop()
		select {
		case <-t.C:
			cancelFlight()
		case <-flight.Done():
		}
	}()
	defer func() {
		cancelFlight()
		<-graceDone
	}()

	tr := newBatchTracker(clock, start, b.opts.Progress)
	// The loop below is the only one that starts rows, so it always knows how
	// many are in flight: once stopped, it returns when they are done, even if
	// the caller's rows function never yields again (its goroutine then ends
	// at its next yield).
	window := 4 * conc // rows read and not yet yielded or set aside
	// Unbuffered: a row is started only when a worker takes it, so that once
	// the batch stops no row that was merely read is sent.
	jobs := make(chan batchJob)
	results := make(chan batchDone, window)
	var workers sync.WaitGroup
	for range conc {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				results <- batchDone{j, b.place(flight, j)}
			}
		}()
	}
	defer func() {
		// On a panic in the caller's loop body, stop first: orders in flight
		// end (Unknown) instead of running on unobserved.
		stop()
		cancelFlight()
		close(jobs)
		workers.Wait()
	}()
	feed := make(chan BatchOrder)
	go func() {
		defer close(feed)
		for row := range rows {
			select {
			case feed <- row:
			case <-stopCtx.Done():
				return
			}
		}
	}()

	gone := false
	emit := func(r BatchResult) {
		if gone {
			return
		}
		if !yield(r.Index, r) {
			gone = true
			stop()
		}
	}
	pending := map[int]BatchResult{}
	setAside := map[int]bool{}
	firstTry := map[int]BatchResult{}
	var unknown []batchJob
	next, started, finished, open := 0, 0, 0, 0
	var pend *batchJob // read, waiting for a worker
	in, stopped := feed, stopCtx.Done()
	for {
		halted := stopCtx.Err() != nil
		if halted && pend != nil {
			pend = nil // read but never started: no result, like a row never read
			open--
		}
		var take <-chan BatchOrder
		var give chan<- batchJob
		var job batchJob
		if !halted {
			if pend != nil {
				give, job = jobs, *pend
			} else if in != nil && open < window {
				take = in
			}
		}
		if take == nil && give == nil && finished == started && (in == nil || halted) {
			break
		}
		select {
		case row, ok := <-take:
			if !ok {
				in = nil
				continue
			}
			pend = &batchJob{index: started, key: row.Key, req: row.Request}
			open++
		case give <- job:
			pend = nil
			started++
			tr.update(func(p *BatchProgress) { p.Sent++ })
		case <-stopped:
			stopped = nil // noted; the loop condition does the rest
		case d := <-results:
			finished++
			tr.update(d.r.Outcome.count(1))
			if d.r.Outcome.retryLater() && !b.opts.NoSettle {
				setAside[d.j.index] = true
				unknown = append(unknown, d.j)
				firstTry[d.j.index] = d.r
				open--
			} else {
				pending[d.j.index] = d.r
			}
			for {
				if setAside[next] {
					next++
					continue
				}
				r, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				emit(r)
				open--
				next++
			}
		}
	}

	// Settle the rows set aside: the same keys once more. When the batch was
	// stopped, they are reported as they were.
	slices.SortFunc(unknown, func(a, b batchJob) int { return a.index - b.index })
	for _, j := range unknown {
		r := firstTry[j.index]
		if stopCtx.Err() == nil {
			again := b.place(flight, j)
			tr.update(func(p *BatchProgress) {
				r.Outcome.count(-1)(p)
				again.Outcome.count(1)(p)
			})
			r = again
		}
		emit(r)
	}
}

// batchJob is one row on its way to a worker.
type batchJob struct {
	index int
	key   string
	req   *CreateOrderRequest
}

// batchDone is a worker's answer for a job.
type batchDone struct {
	j batchJob
	r BatchResult
}

// count returns the progress update that adds delta rows of outcome o.
func (o BatchOutcome) count(delta int) func(*BatchProgress) {
	return func(p *BatchProgress) {
		switch o {
		case BatchPlaced:
			p.Placed += delta
		case BatchReplayed:
			p.Replayed += delta
		case BatchRefused:
			p.Refused += delta
		case BatchFailed:
			p.Failed += delta
		case BatchUnknown:
			p.Unknown += delta
		}
	}
}

// batchTracker keeps a batch's progress and reports it, one call at a time.
type batchTracker struct {
	mu    sync.Mutex
	clock Clock
	start time.Time
	p     BatchProgress
	cb    func(BatchProgress)
}

func newBatchTracker(clock Clock, start time.Time, cb func(BatchProgress)) *batchTracker {
	return &batchTracker{clock: clock, start: start, cb: cb}
}

// update applies f and reports the new snapshot.
func (t *batchTracker) update(f func(*BatchProgress)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(&t.p)
	t.p.Elapsed = t.clock.Now().Sub(t.start)
	if s := t.p.Elapsed.Seconds(); s > 0 {
		t.p.RowsPerSecond = float64(t.p.Done()) / s
	}
	if t.cb != nil {
		t.cb(t.p)
	}
}

// place sends one row's order and classifies the outcome.
func (b *Batch) place(ctx context.Context, j batchJob) BatchResult {
	r := BatchResult{Index: j.index, Key: j.key}
	if j.req == nil {
		r.Outcome, r.Err = BatchRefused, &ValidationError{Fields: []FieldError{{Path: "body", I18nKey: keyRequired, Message: "the row has no order request"}}}
		return r
	}
	req := *j.req
	if req.ExternalRefID == "" {
		if strings.TrimSpace(j.key) == "" {
			r.Outcome, r.Err = BatchRefused, &ValidationError{Fields: []FieldError{{Path: "key", I18nKey: keyRequired, Message: "the row needs a key (or an externalRefID)"}}}
			return r
		}
		req.ExternalRefID = ExternalRefIDFor(b.opts.Namespace, j.key)
	}
	r.ExternalRefID = req.ExternalRefID
	if ctx.Err() != nil {
		r.Outcome, r.Err = BatchUnknown, &OutcomeUnknownError{Method: "POST", Path: "/orders", ExternalRefID: req.ExternalRefID,
			Err: fmt.Errorf("the batch was stopped before its outcome was settled: %w", ctx.Err())}
		return r
	}
	o, err := b.s.Create(ctx, &req)
	switch {
	case err == nil && o.Replayed:
		r.Outcome, r.Order = BatchReplayed, o
	case err == nil:
		r.Outcome, r.Order = BatchPlaced, o
	case errors.Is(err, ErrOutcomeUnknown) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		r.Outcome, r.Err = BatchUnknown, err
	case refusedForGood(err):
		r.Outcome, r.Err = BatchRefused, err
	default:
		r.Outcome, r.Err = BatchFailed, err
	}
	return r
}

// refusedForGood reports whether an order error is Tango's (or the SDK's)
// verdict on the request itself, which sending it again would meet again:
// validation, a business rule, funds, an unknown account, a key that belongs to
// another order. Rate limits, server errors and network failures are not.
func refusedForGood(err error) bool {
	var (
		invalid  *ValidationError
		mismatch *IdempotencyMismatchError
		apiErr   *APIError
	)
	switch {
	case errors.Is(err, ErrRetryBudgetExhausted):
		return false
	case errors.As(err, &invalid), errors.As(err, &mismatch), errors.Is(err, ErrOutsideScope):
		return true
	case errors.As(err, &apiErr):
		return apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != 429 && apiErr.StatusCode != 408 && apiErr.I18nKey != "409.002"
	}
	return false
}
