package main

// The journal of `tango send` (FILE.journal beside --out): JSON lines appended
// as a run goes, read by the next run of the same campaign. Besides the rows it
// confirmed, it holds two write-ahead records that keep async sends exactly
// once across runs:
//
//   - "start": written before a run sends anything, with its mode (sync or
//     async). A campaign started in one mode is finished in that mode: rows sent
//     as orders are keyed one by one, rows sent in async orders by the async
//     order that holds them, and Tango deduplicates each only against its own
//     kind.
//   - "asyncOrder": written (and synced to disk) before an async order is
//     POSTed, with its externalRefID, account and the keys of its rows. From then
//     on those rows belong to that async order: every later run first re-submits
//     it unchanged (same externalRefID, same rows; Tango replays it if it holds
//     it) until it settles ("asyncSettled", written once every row's result is
//     journaled). Only rows no unsettled async order holds go into new ones, so
//     no row is ever in two async orders that may both be paid.

import (
	"bufio"
	"encoding/json"
	"os"
)

// Journal record kinds ("" is a row's result).
const (
	journalStart        = "start"
	journalAsyncOrder   = "asyncOrder"
	journalAsyncSettled = "asyncSettled"
)

// Send modes, as the journal records them.
const (
	modeSync  = "sync"
	modeAsync = "async"
)

// journalLine is one line of the journal: a row's result (Kind ""), or one of
// the write-ahead records.
type journalLine struct {
	Kind string `json:"kind,omitempty"`
	resultRecord
	Mode               string   `json:"mode,omitempty"`
	CustomerIdentifier string   `json:"customerIdentifier,omitempty"`
	AccountIdentifier  string   `json:"accountIdentifier,omitempty"`
	Keys               []string `json:"keys,omitempty"`
}

// journaledAsyncOrder is an async order a run submitted, or was about to.
type journaledAsyncOrder struct {
	ref               string
	customer, account string
	keys              []string
	settled           bool
}

// journalState is what the journal says about one campaign.
type journalState struct {
	confirmed map[string]resultRecord // rows confirmed placed or replayed
	modes     map[string]bool         // modes runs of the campaign started in
	orders    []*journaledAsyncOrder  // async orders in submission order
	byRef     map[string]*journaledAsyncOrder
}

// journalPath is the journal kept beside the results file.
func journalPath(out string) string { return out + ".journal" }

// loadJournal reads what earlier runs of campaign journaled. A missing journal
// is an empty one; a torn last line (a crash mid-write) is ignored, and so are
// other campaigns' lines.
func loadJournal(path, campaign string) (*journalState, error) {
	js := &journalState{confirmed: map[string]resultRecord{}, modes: map[string]bool{}, byRef: map[string]*journaledAsyncOrder{}}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return js, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var l journalLine
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Campaign != campaign {
			continue
		}
		switch l.Kind {
		case "":
			if l.confirmed() {
				js.confirmed[l.Key] = l.resultRecord
			}
		case journalStart:
			js.modes[l.Mode] = true
		case journalAsyncOrder:
			if js.byRef[l.ExternalRefID] == nil {
				o := &journaledAsyncOrder{ref: l.ExternalRefID, customer: l.CustomerIdentifier, account: l.AccountIdentifier, keys: l.Keys}
				js.orders = append(js.orders, o)
				js.byRef[o.ref] = o
			}
		case journalAsyncSettled:
			if o := js.byRef[l.ExternalRefID]; o != nil {
				o.settled = true
			}
		}
	}
	return js, sc.Err()
}

// unsettled returns the async orders no run saw settle, in submission order.
func (js *journalState) unsettled() []*journaledAsyncOrder {
	var out []*journaledAsyncOrder
	for _, o := range js.orders {
		if !o.settled {
			out = append(out, o)
		}
	}
	return out
}

// bound returns the keys that unsettled async orders hold.
func (js *journalState) bound() map[string]*journaledAsyncOrder {
	m := map[string]*journaledAsyncOrder{}
	for _, o := range js.unsettled() {
		for _, k := range o.keys {
			m[k] = o
		}
	}
	return m
}

// writeAhead appends a write-ahead record for campaign and syncs the journal to
// disk: the caller sends nothing unless it returns nil.
func (o *sendOutput) writeAhead(l journalLine, campaign string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.jw == nil {
		return nil
	}
	l.Campaign = campaign
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if _, err := o.jw.Write(append(b, '\n')); err != nil {
		return err
	}
	if err := o.jw.Flush(); err != nil {
		return err
	}
	return o.journal.Sync()
}
