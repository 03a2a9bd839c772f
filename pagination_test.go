package tango_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Helpers shared by the resource tests (customers, accounts, catalog, reference
// data, low balance alerts): a tangotest fake, a client for it that never sleeps,
// and ways to read what the fake received.

// resFake starts a tangotest server with its default fixtures, closed at the end
// of the test.
func resFake(t *testing.T, opts ...tangotest.Option) *tangotest.Server {
	t.Helper()
	srv := tangotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// resClient returns a Basic-auth client for srv whose retries wait on a fake clock
// (3 attempts), so no test sleeps.
func resClient(t *testing.T, srv *tangotest.Server, opts ...tango.Option) *tango.Client {
	t.Helper()
	base := []tango.Option{
		tango.WithRootCAs(srv.RootCAs()),
		tango.WithClock(testclock.New(time.Now())),
		tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 3, DisableBudget: true}),
		noPacing(),
	}
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// requestsTo returns what the fake received for method and a path under /raas/v2.
func requestsTo(srv *tangotest.Server, method, path string) []tangotest.Request {
	var out []tangotest.Request
	for _, r := range srv.Requests() {
		if r.Method == method && r.Path == tangotest.APIPrefix+path {
			out = append(out, r)
		}
	}
	return out
}

// onlyRequest asserts that exactly one request reached method and path and
// returns it.
func onlyRequest(t *testing.T, srv *tangotest.Server, method, path string) tangotest.Request {
	t.Helper()
	rs := requestsTo(srv, method, path)
	require.Len(t, rs, 1, "requests to %s %s", method, path)
	return rs[0]
}

// queryOf parses a recorded request's query string.
func queryOf(t *testing.T, r tangotest.Request) url.Values {
	t.Helper()
	q, err := url.ParseQuery(r.RawQuery)
	require.NoError(t, err)
	return q
}

// bodyOf decodes a recorded JSON body into a map.
func bodyOf(t *testing.T, r tangotest.Request) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body %s", r.Body)
	return m
}

// keysOf returns the sorted keys of a JSON object.
func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// collect ranges over an iterator and returns the items, stopping at the first
// error.
func collect[T any](seq func(func(*T, error) bool)) ([]*T, error) {
	var out []*T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// cursorServer is an httptest handler that serves scripted cursor pages of
// accounts; the page is chosen by the nextCursor the client sent.
type cursorServer struct {
	pages map[string]string // nextCursor ("" for the first page) -> JSON answer
	hits  atomic.Int64
	seen  chan url.Values
}

func (cs *cursorServer) handle(w http.ResponseWriter, r *http.Request) {
	cs.hits.Add(1)
	if cs.seen != nil {
		cs.seen <- r.URL.Query()
	}
	body, ok := cs.pages[r.URL.Query().Get("nextCursor")]
	if !ok {
		writeTangoError(w, r, http.StatusBadRequest, "400.001", "unknown cursor")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(body))
}

// accountPage renders a cursor page of accounts with the given identifiers.
func accountPage(next string, ids ...string) string {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = fmt.Sprintf(`{"accountIdentifier":%q,"accountNumber":"A%08d","displayName":"Account %s","currencyCode":"USD","currentBalance":1.5,"createdAt":"2018-04-26T18:13:45.196Z","status":"ACTIVE"}`, id, i, id)
	}
	return fmt.Sprintf(`{"numberOfElements":%d,"maxResults":2,"prevCursor":"","nextCursor":%q,"items":[%s],"prevPageAvailable":false,"nextPageAvailable":%t,"someNewField":{"x":1}}`,
		len(ids), next, strings.Join(items, ","), next != "")
}

func ids(accts []*tango.Account) []string {
	out := make([]string, len(accts))
	for i, a := range accts {
		out[i] = a.AccountIdentifier
	}
	return out
}

func TestCursorWalkStops(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name     string
		pages    map[string]string
		wantIDs  []string
		wantHits int64
		wantErr  bool
	}{
		{
			name: "last page",
			pages: map[string]string{
				"":     accountPage("Mg==", "acct-1", "acct-2"),
				"Mg==": accountPage("", "acct-3"),
			},
			wantIDs: []string{"acct-1", "acct-2", "acct-3"}, wantHits: 2,
		},
		{
			name: "same cursor twice",
			pages: map[string]string{
				"":     accountPage("Mg==", "acct-1"),
				"Mg==": accountPage("Mg==", "acct-2"),
			},
			wantIDs: []string{"acct-1", "acct-2"}, wantHits: 2,
		},
		{
			name: "empty page with a next cursor",
			pages: map[string]string{
				"":     accountPage("Mg==", "acct-1"),
				"Mg==": `{"numberOfElements":0,"maxResults":2,"nextCursor":"NA==","items":[],"nextPageAvailable":true}`,
			},
			wantIDs: []string{"acct-1"}, wantHits: 2,
		},
		{
			name:    "plain array (paging ignored by the server)",
			pages:   map[string]string{"": `[{"accountIdentifier":"acct-1","currentBalance":"2.50"},{"accountIdentifier":"acct-2","currentBalance":3}]`},
			wantIDs: []string{"acct-1", "acct-2"}, wantHits: 1,
		},
		{
			name:    "error mid-walk",
			pages:   map[string]string{"": accountPage("Mg==", "acct-1")},
			wantIDs: []string{"acct-1"}, wantHits: 2, wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := &cursorServer{pages: tt.pages}
			ts := newCoreServer(t, cs.handle)
			c := newCoreClient(t, ts, quickRetries(1))
			got, err := collect(c.Accounts.All(context.Background(), &tango.ListAccountsParams{CursorParams: tango.CursorParams{MaxResults: 2}}))
			if tt.wantErr {
				var apiErr *tango.APIError
				require.ErrorAs(t, err, &apiErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantIDs, ids(got))
			assert.Equal(t, tt.wantHits, cs.hits.Load())
		})
	}
}

func TestCursorWalkCopiesParamsAndSendsCursors(t *testing.T) {
	checkLeaks(t)
	cs := &cursorServer{
		pages: map[string]string{"": accountPage("Mg==", "acct-1"), "Mg==": accountPage("", "acct-2")},
		seen:  make(chan url.Values, 4),
	}
	ts := newCoreServer(t, cs.handle)
	c := newCoreClient(t, ts)
	params := &tango.ListAccountsParams{Status: tango.AccountActive, CursorParams: tango.CursorParams{MaxResults: 2}}
	before := *params
	got, err := collect(c.Accounts.All(context.Background(), params))
	require.NoError(t, err)
	assert.Equal(t, []string{"acct-1", "acct-2"}, ids(got))
	assert.Equal(t, before, *params, "the caller's params are not changed")
	first, second := <-cs.seen, <-cs.seen
	assert.Equal(t, url.Values{"paginate": {"true"}, "maxResults": {"2"}, "status": {"ACTIVE"}}, first)
	assert.Equal(t, url.Values{"paginate": {"true"}, "maxResults": {"2"}, "status": {"ACTIVE"}, "nextCursor": {"Mg=="}}, second)
}

func TestCursorWalkRespectsContextAndBreak(t *testing.T) {
	checkLeaks(t)
	cs := &cursorServer{pages: map[string]string{"": accountPage("Mg==", "acct-1", "acct-2"), "Mg==": accountPage("", "acct-3")}}
	ts := newCoreServer(t, cs.handle)
	c := newCoreClient(t, ts)

	// Breaking out of the loop stops paging at once.
	for range c.Accounts.All(context.Background(), nil) {
		break
	}
	assert.EqualValues(t, 1, cs.hits.Load())

	// A context cancelled between pages ends the walk with its error.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n int
	var lastErr error
	for a, err := range c.Accounts.All(ctx, nil) {
		if err != nil {
			lastErr = err
			break
		}
		n++
		if a.AccountIdentifier == "acct-2" {
			cancel()
		}
	}
	assert.Equal(t, 2, n)
	assert.ErrorIs(t, lastErr, context.Canceled)
	assert.EqualValues(t, 2, cs.hits.Load(), "no request after the cancellation")
}

func TestCursorParamsValidated(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	tests := []struct {
		name string
		cp   tango.CursorParams
		path string
	}{
		{"negative page size", tango.CursorParams{MaxResults: -1}, "maxResults"},
		{"page size above 200", tango.CursorParams{MaxResults: 201}, "maxResults"},
		{"both cursors", tango.CursorParams{NextCursor: "Mg==", PrevCursor: "MA=="}, "nextCursor"},
		{"cursor with a query separator", tango.CursorParams{NextCursor: "Mg==&paginate=false"}, "nextCursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Accounts.List(context.Background(), &tango.ListAccountsParams{CursorParams: tt.cp})
			var ve *tango.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, slices.ContainsFunc(ve.Fields, func(f tango.FieldError) bool { return f.Path == tt.path }), "%v", ve)
			// The iterator refuses the same params before sending anything.
			_, err = collect(c.Accounts.All(context.Background(), &tango.ListAccountsParams{CursorParams: tt.cp}))
			require.ErrorIs(t, err, tango.ErrValidation)
		})
	}
	assert.Equal(t, 0, srv.RequestCount("", tangotest.APIPrefix+"/accounts"))
	_, err := c.Accounts.List(context.Background(), &tango.ListAccountsParams{CursorParams: tango.CursorParams{MaxResults: 200}})
	require.NoError(t, err, "200 is allowed")
}

func TestCursorPagesAgainstTangotest(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	for i := range 5 {
		require.NoError(t, srv.AddAccount(tangotest.DemoCustomer, fmt.Sprintf("extra-acct-%d", i), "EUR", "1.00"))
	}
	c := resClient(t, srv)
	ctx := context.Background()

	page, err := c.Accounts.List(ctx, &tango.ListAccountsParams{CurrencyCodes: []string{"EUR"}, CursorParams: tango.CursorParams{MaxResults: 2}})
	require.NoError(t, err)
	assert.Len(t, page.Items, 2)
	assert.Equal(t, 2, page.NumberOfElements)
	assert.Equal(t, 2, page.MaxResults)
	assert.True(t, page.HasNext())
	assert.False(t, page.PrevPageAvailable)
	assert.NotEmpty(t, page.RequestID)

	next, err := c.Accounts.List(ctx, &tango.ListAccountsParams{CurrencyCodes: []string{"EUR"}, CursorParams: tango.CursorParams{MaxResults: 2, NextCursor: page.NextCursor}})
	require.NoError(t, err)
	assert.Equal(t, []string{"extra-acct-2", "extra-acct-3"}, ids(next.Items))
	assert.True(t, next.PrevPageAvailable)

	all, err := collect(c.Accounts.All(ctx, &tango.ListAccountsParams{CurrencyCodes: []string{"EUR"}, CursorParams: tango.CursorParams{MaxResults: 2}}))
	require.NoError(t, err)
	assert.Equal(t, []string{"extra-acct-0", "extra-acct-1", "extra-acct-2", "extra-acct-3", "extra-acct-4"}, ids(all))
	assert.Len(t, requestsTo(srv, http.MethodGet, "/accounts"), 2+3)
}

func TestPageDecodesArrayAndObject(t *testing.T) {
	var p tango.Page[tango.Account]
	require.NoError(t, json.Unmarshal([]byte(`[{"accountIdentifier":"a-1"}]`), &p))
	assert.Len(t, p.Items, 1)
	assert.False(t, p.HasNext())

	require.NoError(t, json.Unmarshal([]byte(`{"items":[],"nextCursor":"x","nextPageAvailable":true,"unknown":[1,2]}`), &p))
	assert.Empty(t, p.Items)
	assert.True(t, p.HasNext())

	assert.Error(t, json.Unmarshal([]byte(`"nope"`), &p))
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &p))
}

// FuzzResourceDecoding feeds arbitrary answers to the decoders of the list and
// catalog models: they must never panic, a page decoded from an array must hold
// exactly the array's rows, and a decoded page must survive a round trip.
func FuzzResourceDecoding(f *testing.F) {
	for _, seed := range []string{
		accountPage("Mg==", "acct-1", "acct-2"),
		`[{"accountIdentifier":"a-1","currentBalance":"2.50"},null]`,
		`{"items":null,"nextCursor":"","nextPageAvailable":true}`,
		`{"catalogName":"c","brands":[{"brandKey":"B1","imageUrls":{"x":"y"},"items":[{"utid":"U1","minValue":1e2,"faceValue":"10.00"}]}]}`,
		`{"disclaimer":"d","exchangeRates":[{"baseFx":"1.3599"},{"baseFx":1E-3}]}`,
		`{"page":{"size":1,"number":0},"lowBalanceAlerts":[{"balanceAlertThreshold":1.005}]}`,
		`[]`, `{}`, `null`, `[1]`, `"x"`, `{"items":{}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var page tango.Page[tango.Account]
		if err := json.Unmarshal(data, &page); err == nil {
			var rows []json.RawMessage
			if json.Unmarshal(data, &rows) == nil && rows != nil {
				if len(page.Items) != len(rows) || page.HasNext() {
					t.Fatalf("array of %d rows decoded as %d items (next %v)", len(rows), len(page.Items), page.HasNext())
				}
			}
			b, err := json.Marshal(&page)
			if err != nil {
				t.Fatalf("re-encoding a decoded page: %v", err)
			}
			var again tango.Page[tango.Account]
			if err := json.Unmarshal(b, &again); err != nil {
				t.Fatalf("decoding a re-encoded page: %v (%s)", err, b)
			}
			if len(again.Items) != len(page.Items) || again.NextCursor != page.NextCursor {
				t.Fatalf("round trip changed the page")
			}
		}
		var cat tango.Catalog
		if json.Unmarshal(data, &cat) == nil {
			for range cat.Items() {
			}
			cat.Find("U1")
		}
		var rates tango.ExchangeRates
		_ = json.Unmarshal(data, &rates)
		var alerts tango.LowBalanceAlertList
		_ = json.Unmarshal(data, &alerts)
	})
}
