package openapicheck

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Tally is the per-operation verdict over many exchanges: an operation's requests
// are valid when every request routed to it validates, and likewise its responses.
type Tally struct {
	Ops map[string]*OpTally
	// Unrouted lists exchanges that matched no operation.
	Unrouted []string
}

// OpTally counts one operation's exchanges and keeps its first failures.
type OpTally struct {
	Exchanges    int
	BadRequests  []string
	BadResponses []string
}

// TallyExchanges checks every exchange and groups the verdicts by operation.
func (c *Checker) TallyExchanges(ctx context.Context, exs []Exchange) *Tally {
	t := &Tally{Ops: map[string]*OpTally{}}
	for _, ex := range exs {
		r := c.Check(ctx, ex)
		if r.Operation == "" {
			t.Unrouted = append(t.Unrouted, scrub(fmt.Sprintf("%s %s: %v", ex.Method, ex.Path, r.RequestErr), secretsOf(ex)))
			continue
		}
		o := t.Ops[r.Operation]
		if o == nil {
			o = &OpTally{}
			t.Ops[r.Operation] = o
		}
		o.Exchanges++
		secrets := secretsOf(ex)
		label := fmt.Sprintf("%s %s?%s -> %d", ex.Method, ex.Path, ex.RawQuery, ex.Status)
		if r.RequestErr != nil {
			o.BadRequests = append(o.BadRequests, scrub(label+": "+oneLine(r.RequestErr), secrets))
		}
		if r.ResponseErr != nil {
			o.BadResponses = append(o.BadResponses, scrub(label+": "+oneLine(r.ResponseErr), secrets))
		}
	}
	return t
}

// Counts returns how many operations have only valid requests and only valid
// responses, out of how many operations were exercised.
func (t *Tally) Counts() (validRequests, validResponses, operations int) {
	for _, o := range t.Ops {
		if len(o.BadRequests) == 0 {
			validRequests++
		}
		if len(o.BadResponses) == 0 {
			validResponses++
		}
	}
	return validRequests, validResponses, len(t.Ops)
}

// Operations returns the exercised operationIds, sorted.
func (t *Tally) Operations() []string {
	ids := make([]string, 0, len(t.Ops))
	for id := range t.Ops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Failures describes every invalid request and response, one operation per block.
func (t *Tally) Failures() string {
	var b strings.Builder
	for _, id := range t.Operations() {
		o := t.Ops[id]
		for _, f := range o.BadRequests {
			fmt.Fprintf(&b, "%s request: %s\n", id, f)
		}
		for _, f := range o.BadResponses {
			fmt.Fprintf(&b, "%s response: %s\n", id, f)
		}
	}
	for _, u := range t.Unrouted {
		fmt.Fprintf(&b, "unrouted: %s\n", u)
	}
	return b.String()
}

func oneLine(err error) string {
	return clip(strings.Join(strings.Fields(err.Error()), " "), 3000)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
