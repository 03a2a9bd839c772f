package tango

// Cursor paging, the style Tango uses for the customer, account, credit card and
// exchange rate lists: the caller opts in with paginate=true and walks the list
// with opaque cursors. This file holds the generic machinery; each list adds its
// filters and their check, and calls checkedParams and listPage for one page and
// allPages for all of them. sendDecoded, which listPage ends with, also ends the
// services' calls that read one resource.

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MaxCursorPageSize is the largest maxResults Tango accepts on a cursor list
// (CursorParams.MaxResults; Tango's default, when it is left out, is 10).
const MaxCursorPageSize = 200

// CursorParams are the paging fields of every cursor list. Embed it in a list's
// params. The zero value asks for the first page at Tango's default size.
type CursorParams struct {
	// MaxResults is the page size, 1 to 200; 0 leaves it to Tango (10).
	MaxResults int
	// NextCursor asks for the page after the one that returned it
	// (Page.NextCursor). Set at most one of NextCursor and PrevCursor.
	NextCursor string
	// PrevCursor asks for the page before the one that returned it
	// (Page.PrevCursor).
	PrevCursor string
}

// apply adds paginate=true and the paging fields to q.
func (p *CursorParams) apply(q url.Values) {
	q.Set("paginate", "true")
	if p.MaxResults > 0 {
		q.Set("maxResults", strconv.Itoa(p.MaxResults))
	}
	if p.NextCursor != "" {
		q.Set("nextCursor", p.NextCursor)
	}
	if p.PrevCursor != "" {
		q.Set("prevCursor", p.PrevCursor)
	}
}

// Page is one page of a cursor list: Tango's answer to a list call made with
// paginate=true. Pass NextCursor (or PrevCursor) back in the params' CursorParams
// to move on, or range over the list's iterator instead.
type Page[T any] struct {
	// Items are the page's rows.
	Items []*T `json:"items"`
	// NumberOfElements is how many rows this page holds.
	NumberOfElements int `json:"numberOfElements"`
	// MaxResults is the page size Tango applied.
	MaxResults int `json:"maxResults"`
	// NextCursor fetches the following page; empty on the last page.
	NextCursor string `json:"nextCursor,omitempty"`
	// PrevCursor fetches the preceding page; empty on the first page.
	PrevCursor string `json:"prevCursor,omitempty"`
	// NextPageAvailable says whether a following page exists.
	NextPageAvailable bool `json:"nextPageAvailable"`
	// PrevPageAvailable says whether a preceding page exists.
	PrevPageAvailable bool `json:"prevPageAvailable"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (p *Page[T]) setRequestID(id string) { p.RequestID = id }

// LogValue presents the page to slog; see logValueOf.
func (p Page[T]) LogValue() slog.Value { return logValueOf(p) }

// HasNext reports whether a following page can be fetched.
func (p *Page[T]) HasNext() bool { return p.NextPageAvailable && p.NextCursor != "" }

// UnmarshalJSON reads a cursor page, or a plain JSON array of rows (what Tango
// answers when paging is off), which becomes one complete page.
func (p *Page[T]) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		var items []*T
		if err := json.Unmarshal(t, &items); err != nil {
			return err
		}
		*p = Page[T]{Items: items, NumberOfElements: len(items), MaxResults: len(items)}
		return nil
	}
	type plain Page[T] // no methods: avoids recursion
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = Page[T](v)
	return nil
}

// stamped is a resource that carries the X-REQUEST-ID of the answer it came in
// (its RequestID field).
type stamped[T any] interface {
	*T
	setRequestID(id string)
}

// sendDecoded sends r, decodes the answer into a new T and records Tango's
// request id on it: the end of every call that returns one resource or page.
func sendDecoded[T any, PT stamped[T]](ctx context.Context, c *Client, r *request) (*T, error) {
	var out T
	resp, err := c.send(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	PT(&out).setRequestID(resp.RequestID)
	return &out, nil
}

// listPage fetches one cursor page of path. q holds the list's filters; paging
// comes from cp. customer and account, when set, are shown to the AccountGuard.
func listPage[T any](ctx context.Context, c *Client, path string, q url.Values, cp CursorParams, customer, account string) (*Page[T], error) {
	if q == nil {
		q = url.Values{}
	}
	cp.apply(q)
	return getPage[T](ctx, c, path, q, customer, account)
}

// listAlwaysPaged is listPage for a list Tango always answers with a cursor page
// (GET /rewardCountries): its reference declares the cursor parameters but no
// paginate switch, so none is sent.
func listAlwaysPaged[T any](ctx context.Context, c *Client, path string, q url.Values, cp CursorParams) (*Page[T], error) {
	if q == nil {
		q = url.Values{}
	}
	cp.apply(q)
	q.Del("paginate")
	return getPage[T](ctx, c, path, q, "", "")
}

// getPage sends a cursor list request and decodes the page.
func getPage[T any](ctx context.Context, c *Client, path string, q url.Values, customer, account string) (*Page[T], error) {
	r, err := newRequest(http.MethodGet, path, q, nil, retryRead)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = customer, account
	return sendDecoded[Page[T]](ctx, c, r)
}

// walkPages returns an iterator over every row of a cursor list, starting at the
// page start names. fetch gets the paging fields of each page in turn (the list's
// filters are its own business). The walk stops after the last page, on an empty
// page, when Tango hands back a cursor it already gave (no progress), when the
// consumer stops ranging, or with an error (the context's error included, and
// ErrListTooLong past the client's cap on list requests), which is yielded last.
func walkPages[T any](ctx context.Context, c *Client, start CursorParams, fetch func(context.Context, CursorParams) (*Page[T], error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		cp := start
		walk := c.newListWalk()
		seen := map[string]bool{}
		if cp.NextCursor != "" {
			seen[cp.NextCursor] = true
		}
		for {
			if err := ctxErr(ctx); err != nil {
				yield(nil, err)
				return
			}
			if err := walk.next(); err != nil {
				yield(nil, err)
				return
			}
			page, err := fetch(ctx, cp)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if len(page.Items) == 0 || !page.HasNext() || seen[page.NextCursor] {
				return
			}
			seen[page.NextCursor] = true
			cp.NextCursor, cp.PrevCursor = page.NextCursor, ""
		}
	}
}

// errSeq returns an iterator that yields err once: the shape of an iterator
// whose params were refused before anything was sent.
func errSeq[T any](err error) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) { yield(nil, err) }
}

// paging returns the paging fields themselves. Every cursor list's params embed
// CursorParams, so they all have this method; allPages moves through it from
// page to page.
func (p *CursorParams) paging() *CursorParams { return p }

// checkedParams copies a list's params (the zero value when params is nil), so
// that the caller's are never changed, and runs check on the copy. The error
// holds every problem check recorded; nothing is to be sent when it is not nil.
func checkedParams[P any](params *P, check func(*P, *validator)) (P, error) {
	var p P
	if params != nil {
		p = *params
	}
	var v validator
	check(&p, &v)
	return p, v.err()
}

// allPages is the All of a cursor list whose one-page call is list. It checks a
// copy of params with check, as list does, and yields only the error when there
// are problems; otherwise it walks the pages (walkPages), calling list each time
// on a copy of the params that carries that page's cursor.
func allPages[T, P any, PP interface {
	*P
	paging() *CursorParams
}](ctx context.Context, c *Client, params *P, check func(*P, *validator), list func(context.Context, *P) (*Page[T], error)) iter.Seq2[*T, error] {
	p, err := checkedParams(params, check)
	if err != nil {
		return errSeq[T](err)
	}
	return walkPages(ctx, c, *PP(&p).paging(), func(ctx context.Context, cp CursorParams) (*Page[T], error) {
		q := p
		*PP(&q).paging() = cp
		return list(ctx, &q)
	})
}

// listQuery builds a list's query string from typed filters. Zero values are left
// out, so that a filter the caller did not set is never sent.
type listQuery struct{ url.Values }

// str sets k to v unless v is empty.
func (q listQuery) str(k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// strs repeats k once per non-empty value (k=a&k=b), the way Tango reads array
// filters.
func (q listQuery) strs(k string, vs []string) {
	for _, v := range vs {
		if v != "" {
			q.Add(k, v)
		}
	}
}

// time sets k to t in RFC 3339 (UTC) unless t is zero.
func (q listQuery) time(k string, t time.Time) {
	if !t.IsZero() {
		q.Set(k, t.UTC().Format(time.RFC3339))
	}
}

// amount sets k to a's exact decimal text unless a is nil.
func (q listQuery) amount(k string, a *Amount) {
	if a != nil {
		q.Set(k, a.String())
	}
}
