package main

// The outputs of `tango send`: the results file (one complete CSV line per row,
// flushed as it is written), the journal beside it that lets a re-run skip rows
// already confirmed, and progress on stderr (a bar on a terminal, plain lines
// otherwise).

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/tango-sdk/tango-go"
)

// Row statuses in the results file.
const (
	statusPlaced   = "placed"
	statusReplayed = "replayed"
	statusRefused  = "refused"
	statusInvalid  = "invalid"
	statusUnknown  = "unknown"
	statusFailed   = "failed" // no order placed, for a passing reason (rate limit, outage): run again
)

// resultRecord is one line of the results file and of the journal.
type resultRecord struct {
	// Campaign is the key namespace (journal only): a journal line confirms
	// the row for its campaign and no other.
	Campaign         string `json:"campaign,omitempty"`
	Key              string `json:"key"`
	ExternalRefID    string `json:"externalRefID,omitempty"`
	ReferenceOrderID string `json:"referenceOrderID,omitempty"`
	Status           string `json:"status"`
	Error            string `json:"error,omitempty"`
}

// confirmed reports whether the record settles the row for good: a re-run skips it.
func (r resultRecord) confirmed() bool {
	return r.Status == statusPlaced || r.Status == statusReplayed
}

// resultsHeader is the results file's header line.
var resultsHeader = []string{"key", "external_ref_id", "reference_order_id", "status", "error"}

// sendOutput writes the results file and the journal; safe for concurrent use.
type sendOutput struct {
	mu      sync.Mutex
	results *os.File
	csv     *csv.Writer
	journal *os.File
	jw      *bufio.Writer
}

// openOutput truncates the results file (a run writes every row's line again,
// confirmed ones from the journal) and opens the journal for appending.
func openOutput(out string) (*sendOutput, error) {
	o := &sendOutput{}
	if out == "" {
		return o, nil
	}
	f, err := os.Create(out)
	if err != nil {
		return nil, err
	}
	j, err := os.OpenFile(journalPath(out), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	o.results, o.csv, o.journal, o.jw = f, csv.NewWriter(f), j, bufio.NewWriter(j)
	if err := o.csv.Write(resultsHeader); err != nil {
		return nil, err
	}
	o.csv.Flush()
	return o, o.csv.Error()
}

// write records one row's result: a complete line in the results file, flushed
// at once so an interruption never leaves half a line, and, for a newly
// confirmed row, a journal line for campaign.
func (o *sendOutput) write(r resultRecord, journal bool, campaign string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.csv == nil {
		return nil
	}
	if err := o.csv.Write([]string{r.Key, r.ExternalRefID, r.ReferenceOrderID, r.Status, oneLine(r.Error)}); err != nil {
		return err
	}
	o.csv.Flush()
	if err := o.csv.Error(); err != nil {
		return err
	}
	if journal && r.confirmed() {
		r.Campaign = campaign
		b, _ := json.Marshal(r)
		if _, err := o.jw.Write(append(b, '\n')); err != nil {
			return err
		}
		return o.jw.Flush()
	}
	return nil
}

// close syncs and closes both files.
func (o *sendOutput) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.results == nil {
		return nil
	}
	var first error
	for _, err := range []error{o.jw.Flush(), o.journal.Sync(), o.journal.Close(), o.results.Sync(), o.results.Close()} {
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

// oneLine keeps an error message on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// progress shows how a send is going on stderr.
type progress struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar // on a terminal
	w     io.Writer                // plain lines otherwise
	every time.Duration
	last  time.Time
	total int
	p     tango.BatchProgress
}

// newProgress draws a bar (on a terminal) or writes periodic lines to w.
func newProgress(w io.Writer, total int, bar bool) *progress {
	pr := &progress{w: w, every: 5 * time.Second, total: total}
	if bar {
		pr.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("sending"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	return pr
}

// update takes a batch snapshot (from BatchOptions.Progress).
func (pr *progress) update(p tango.BatchProgress) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.p = p
	if pr.bar != nil {
		_ = pr.bar.Set(p.Done())
		pr.bar.Describe(fmt.Sprintf("placed %d replayed %d refused %d failed %d unknown %d", p.Placed, p.Replayed, p.Refused, p.Failed, p.Unknown))
		return
	}
	if now := time.Now(); now.Sub(pr.last) >= pr.every {
		pr.last = now
		pr.line()
	}
}

// line writes one plain progress line.
func (pr *progress) line() {
	p := pr.p
	fmt.Fprintf(pr.w, "tango: %d/%d rows: placed %d, replayed %d, refused %d, failed %d, unknown %d (%.1f rows/s)\n",
		p.Done(), pr.total, p.Placed, p.Replayed, p.Refused, p.Failed, p.Unknown, p.RowsPerSecond)
}

// finish ends the bar or writes the last line.
func (pr *progress) finish() {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.bar != nil {
		// Draw the last state (also when interrupted short of the total).
		_ = pr.bar.Set(pr.p.Done())
		_ = pr.bar.RenderBlank()
		fmt.Fprintln(pr.w)
		return
	}
	pr.line()
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// lockedWriter serializes writes: progress, the stop notice and the summary
// come from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
