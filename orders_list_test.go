package tango_test

// Tests of OrdersService.List and All: Tango's filter names, 0-based pages and the
// page object, and All's walk (100 per page, 100-day windows, splitting windows over
// 10,000 results, stopping, deduplication, truncation). Paging edge cases Tango can
// produce but tangotest cannot (a totalCount over 10,000, overlapping pages) are
// faked with httptest.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func TestListEncodesEveryFilter(t *testing.T) {
	checkLeaks(t)
	var got url.Values
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		answerJSON(w, http.StatusOK, map[string]any{
			"page":   map[string]any{"number": 3, "elementsPerBlock": 25, "resultCount": 1, "totalCount": 76},
			"orders": []map[string]any{{"referenceOrderID": "RA260301-1-11", "status": "COMPLETE", "createdAt": "2026-03-01T12:00:00Z"}},
		})
	})
	c := newCoreClient(t, ts)
	est := time.FixedZone("EST", -5*3600)
	minAmt, maxAmt := tango.MustParseAmount("1.50"), tango.MustParseAmount("250")
	list, err := c.Orders.List(context.Background(), &tango.ListOrdersParams{
		AccountIdentifier: "acct-1", CustomerIdentifier: "cust-1", ExternalRefID: "ref-1",
		StartDate:        time.Date(2026, 1, 1, 7, 0, 0, 0, est),
		EndDate:          time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		ElementsPerBlock: 25, Page: 3,
		MinAmount: &minAmt, MaxAmount: &maxAmt, CurrencyCode: "USD",
		UTID: "U561593", PTID: "P000001", RewardName: "Reward Link",
		SenderFirstName: "Sam", SenderLastName: "Sender", SenderEmail: "sam@example.com",
		RecipientEmail: "ada@example.com", RecipientMobile: "+15555550100",
		RecipientFirstName: "Ada", RecipientLastName: "Lovelace",
		DeliveryMethod: tango.DeliveryEmail, OrderStatus: tango.OrderComplete, LineItemStatus: "COMPLETE",
		Campaign: "spring", Notes: "n1", LineItemNotes: "n2", PurchaseOrderNumber: "PO-7",
	})
	require.NoError(t, err)
	want := url.Values{
		"accountIdentifier": {"acct-1"}, "customerIdentifier": {"cust-1"}, "externalRefID": {"ref-1"},
		"startDate": {"2026-01-01T12:00:00Z"}, "endDate": {"2026-02-01T00:00:00Z"},
		"elementsPerBlock": {"25"}, "page": {"3"},
		"minAmount": {"1.50"}, "maxAmount": {"250"}, "currencyCode": {"USD"},
		"utid": {"U561593"}, "ptid": {"P000001"}, "rewardName": {"Reward Link"},
		"senderFirstName": {"Sam"}, "senderLastName": {"Sender"}, "senderEmail": {"sam@example.com"},
		"recipientEmail": {"ada@example.com"}, "recipientMobileNumber": {"+15555550100"},
		"recipientFirstName": {"Ada"}, "recipientLastName": {"Lovelace"},
		"deliveryMethod": {"EMAIL"}, "orderStatus": {"COMPLETE"}, "lineItemStatus": {"COMPLETE"},
		"campaign": {"spring"}, "notes": {"n1"}, "lineItemNotes": {"n2"}, "purchaseOrderNumber": {"PO-7"},
	}
	assert.Equal(t, want, got)
	assert.Equal(t, tango.PageInfo{Number: 3, ElementsPerBlock: 25, ResultCount: 1, TotalCount: 76}, list.Page)
	require.Len(t, list.Orders, 1)
	assert.Equal(t, "RA260301-1-11", list.Orders[0].ReferenceOrderID)
	assert.Equal(t, "ok-request-id", list.RequestID)
}

func TestListWithoutParamsSendsNoFilters(t *testing.T) {
	checkLeaks(t)
	var raw string
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		raw = r.URL.RawQuery
		answerJSON(w, http.StatusOK, map[string]any{"page": map[string]any{}, "orders": []any{}})
	})
	c := newCoreClient(t, ts)
	for _, p := range []*tango.ListOrdersParams{nil, {}} {
		list, err := c.Orders.List(context.Background(), p)
		require.NoError(t, err)
		assert.Empty(t, raw, "page 0 is Tango's default; nothing else is set")
		assert.Empty(t, list.Orders)
	}
}

func TestListRefusesWhatTangoRefuses(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		p    tango.ListOrdersParams
		key  string
	}{
		{"page size over 100", tango.ListOrdersParams{ElementsPerBlock: 101}, "422.042"},
		{"negative page size", tango.ListOrdersParams{ElementsPerBlock: -1}, "422.042"},
		{"negative page", tango.ListOrdersParams{Page: -1}, ""},
		{"end before start", tango.ListOrdersParams{StartDate: start, EndDate: start.Add(-time.Hour)}, "422.041"},
		{"end equals start", tango.ListOrdersParams{StartDate: start, EndDate: start}, "422.041"},
		{"window over 100 days", tango.ListOrdersParams{StartDate: start, EndDate: start.Add(tango.MaxOrderWindow + time.Second)}, "422.043"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			_, err := c.Orders.List(context.Background(), &tt.p)
			var ve *tango.ValidationError
			require.ErrorAs(t, err, &ve)
			if tt.key != "" {
				assert.True(t, ve.HasKey(tt.key), "%v", err)
			}
			assert.Zero(t, srv.RequestCount("", tangotest.PathOrders), "nothing is sent")
		})
	}
	t.Run("exactly 100 days is allowed", func(t *testing.T) {
		checkLeaks(t)
		srv := ordFake(t)
		c := ordClient(t, srv, nil)
		_, err := c.Orders.List(context.Background(), &tango.ListOrdersParams{StartDate: start, EndDate: start.Add(tango.MaxOrderWindow), ElementsPerBlock: 100})
		require.NoError(t, err)
	})
}

// ordPlaceMany places n orders of 1.00 with keys prefix-000 ... and returns their
// reference order ids in order.
func ordPlaceMany(t *testing.T, c *tango.Client, prefix string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		o, err := c.Orders.Create(context.Background(), ordRequest(fmt.Sprintf("%s-%03d", prefix, i)))
		require.NoError(t, err)
		ids[i] = o.ReferenceOrderID
	}
	return ids
}

func TestListPagesAgainstTangotest(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	ctx := context.Background()
	ids := ordPlaceMany(t, c, "list", 3)

	p := &tango.ListOrdersParams{CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount, ElementsPerBlock: 2}
	first, err := c.Orders.List(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, tango.PageInfo{Number: 0, ElementsPerBlock: 2, ResultCount: 2, TotalCount: 3}, first.Page, "pages are 0-based")
	p.Page = 1
	second, err := c.Orders.List(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, tango.PageInfo{Number: 1, ElementsPerBlock: 2, ResultCount: 1, TotalCount: 3}, second.Page)

	var got []string
	for _, o := range append(first.Orders, second.Orders...) {
		got = append(got, o.ReferenceOrderID)
		assert.Nil(t, o.Reward, "list rows carry no reward")
		assert.Equal(t, tangotest.DemoAccount, o.AccountIdentifier)
	}
	assert.Equal(t, ids, got)

	byRef, err := c.Orders.List(ctx, &tango.ListOrdersParams{ExternalRefID: "list-001"})
	require.NoError(t, err)
	require.Len(t, byRef.Orders, 1)
	assert.Equal(t, ids[1], byRef.Orders[0].ReferenceOrderID)
}

func TestAllAgainstTangotest(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	ids := ordPlaceMany(t, c, "all", 130)

	params := &tango.ListOrdersParams{AccountIdentifier: tangotest.DemoAccount, ElementsPerBlock: 7, Page: 5}
	before := *params
	var got []string
	for o, err := range c.Orders.All(context.Background(), params) {
		require.NoError(t, err)
		got = append(got, o.ReferenceOrderID)
	}
	assert.Equal(t, ids, got)
	assert.Equal(t, before, *params, "the caller's params are not changed")
	assert.Equal(t, 2, srv.RequestCount(http.MethodGet, tangotest.PathOrders), "100 per page, from page 0")
}

// ordListFake is an httptest stand-in for GET /orders whose totals and rows a test
// computes from the request's window and page. It records every request.
type ordListFake struct {
	*coreServer
	mu   sync.Mutex
	reqs []ordListCall
}

// ordListCall is one GET /orders the fake saw.
type ordListCall struct {
	start, end time.Time
	page, per  int
	query      url.Values
}

// ordPageFunc answers one call: the rows' reference order ids and totalCount.
type ordPageFunc func(c ordListCall) (ids []string, total int64)

func newOrdListFake(t *testing.T, answer ordPageFunc) *ordListFake {
	f := &ordListFake{}
	f.coreServer = newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		call := ordListCall{query: q}
		call.start, _ = time.Parse(time.RFC3339, q.Get("startDate"))
		call.end, _ = time.Parse(time.RFC3339, q.Get("endDate"))
		call.page, _ = strconv.Atoi(q.Get("page"))
		call.per, _ = strconv.Atoi(q.Get("elementsPerBlock"))
		f.mu.Lock()
		f.reqs = append(f.reqs, call)
		f.mu.Unlock()
		ids, total := answer(call)
		rows := make([]map[string]any, len(ids))
		for i, id := range ids {
			rows[i] = map[string]any{"referenceOrderID": id, "status": "COMPLETE", "createdAt": "2026-03-01T12:00:00Z"}
		}
		answerJSON(w, http.StatusOK, map[string]any{
			"page":   map[string]any{"number": call.page, "elementsPerBlock": call.per, "resultCount": len(ids), "totalCount": total},
			"orders": rows,
		})
	})
	return f
}

// calls returns the requests so far.
func (f *ordListFake) calls() []ordListCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ordListCall(nil), f.reqs...)
}

// ordIDs makes ids prefix-from ... prefix-(to-1).
func ordIDs(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s-%05d", prefix, i))
	}
	return out
}

// ordWalk ranges over All and returns the ids and errors it yielded.
func ordWalk(c *tango.Client, p *tango.ListOrdersParams) (ids []string, errs []error) {
	for o, err := range c.Orders.All(context.Background(), p) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, o.ReferenceOrderID)
	}
	return ids, errs
}

// ordPaged serves n orders named prefix-i in pages of the requested size.
func ordPaged(prefix string, n int) ordPageFunc {
	return func(c ordListCall) ([]string, int64) {
		from := c.page * c.per
		return ordIDs(prefix, from, min(from+c.per, n)), int64(n)
	}
}

func TestAllPagesAHundredAtATime(t *testing.T) {
	checkLeaks(t)
	f := newOrdListFake(t, ordPaged("o", 250))
	c := newCoreClient(t, f.coreServer)

	ids, errs := ordWalk(c, nil)
	assert.Empty(t, errs)
	assert.Equal(t, ordIDs("o", 0, 250), ids)
	calls := f.calls()
	require.Len(t, calls, 3, "stops once totalCount is reached")
	for i, call := range calls {
		assert.Equal(t, 100, call.per)
		assert.Equal(t, i, call.page)
	}
	assert.False(t, calls[0].query.Has("page"), "page 0 is the default")
}

func TestAllStopsOnAnEmptyPage(t *testing.T) {
	checkLeaks(t)
	f := newOrdListFake(t, func(c ordListCall) ([]string, int64) {
		if c.page == 0 {
			return ordIDs("o", 0, 100), 5000 // the count promises more than there is
		}
		return nil, 5000
	})
	c := newCoreClient(t, f.coreServer)
	ids, errs := ordWalk(c, nil)
	assert.Empty(t, errs)
	assert.Len(t, ids, 100)
	assert.Len(t, f.calls(), 2)
}

func TestAllYieldsEachOrderOnce(t *testing.T) {
	checkLeaks(t)
	// A new order arrived during the walk and shifted page 1 by one: its first row
	// is page 0's last.
	f := newOrdListFake(t, func(c ordListCall) ([]string, int64) {
		if c.page == 0 {
			return ordIDs("o", 0, 100), 201
		}
		return ordIDs("o", 99, 201), 201
	})
	c := newCoreClient(t, f.coreServer)
	ids, errs := ordWalk(c, nil)
	assert.Empty(t, errs)
	assert.Equal(t, ordIDs("o", 0, 201), ids)
}

func TestAllSplitsLongRangesIntoWindows(t *testing.T) {
	checkLeaks(t)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.Add(250 * 24 * time.Hour)
	f := newOrdListFake(t, func(c ordListCall) ([]string, int64) {
		// One order per window, and one that sits on every boundary.
		return []string{"w-" + c.start.Format("060102"), "boundary"}, 2
	})
	c := newCoreClient(t, f.coreServer)
	params := &tango.ListOrdersParams{StartDate: start, EndDate: end, UTID: "U561593"}
	ids, errs := ordWalk(c, params)
	assert.Empty(t, errs)
	assert.Equal(t, []string{"w-250101", "boundary", "w-250411", "w-250720"}, ids)

	calls := f.calls()
	require.Len(t, calls, 3)
	want := []time.Time{start, start.Add(100 * 24 * time.Hour), start.Add(200 * 24 * time.Hour), end}
	for i, call := range calls {
		assert.Equal(t, want[i], call.start, "window %d", i)
		assert.Equal(t, want[i+1], call.end, "window %d", i)
		assert.LessOrEqual(t, call.end.Sub(call.start), tango.MaxOrderWindow)
		assert.Equal(t, "U561593", call.query.Get("utid"), "other filters are kept")
	}
	assert.Equal(t, end, params.EndDate, "the caller's params are not changed")
}

func TestAllSplitsWindowsOverTenThousand(t *testing.T) {
	checkLeaks(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.Add(4 * 24 * time.Hour)
	f := newOrdListFake(t, func(c ordListCall) ([]string, int64) {
		if c.end.Sub(c.start) > 24*time.Hour {
			return ordIDs("big", 0, 100), 20000 // too many for one filter
		}
		return []string{"d-" + c.start.Format("0102")}, 1
	})
	c := newCoreClient(t, f.coreServer)
	ids, errs := ordWalk(c, &tango.ListOrdersParams{StartDate: start, EndDate: end})
	assert.Empty(t, errs)
	assert.Equal(t, []string{"d-0101", "d-0102", "d-0103", "d-0104"}, ids, "one day at a time, oldest first")
	var spans []time.Duration
	for _, call := range f.calls() {
		spans = append(spans, call.end.Sub(call.start))
	}
	day := 24 * time.Hour
	assert.Equal(t, []time.Duration{4 * day, 2 * day, day, day, 2 * day, day, day}, spans)
}

func TestAllReportsTruncation(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		params *tango.ListOrdersParams
	}{
		{"open range", nil},
		{"window of a minute", &tango.ListOrdersParams{StartDate: start, EndDate: start.Add(time.Minute)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			f := newOrdListFake(t, func(c ordListCall) ([]string, int64) {
				if c.page < 3 {
					return ordIDs("t", c.page*100, c.page*100+100), 12000
				}
				return nil, 12000
			})
			c := newCoreClient(t, f.coreServer)
			ids, errs := ordWalk(c, tt.params)
			assert.Equal(t, ordIDs("t", 0, 300), ids, "what Tango returns is yielded first")
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], tango.ErrResultsTruncated)
			assert.Len(t, f.calls(), 4)
		})
	}
}

// TestAllStopsAtTenThousand: however many pages Tango would serve, a window is
// not walked past the 10,000 results one filter can reach.
func TestAllStopsAtTenThousand(t *testing.T) {
	checkLeaks(t)
	f := newOrdListFake(t, ordPaged("x", 10500))
	c := newCoreClient(t, f.coreServer)
	n := 0
	var errs []error
	for _, err := range c.Orders.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 10000, n, "Tango's cap on the orders one filter reaches")
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], tango.ErrResultsTruncated)
	assert.Len(t, f.calls(), 100)
}

func TestAllStopsWhenTheConsumerStops(t *testing.T) {
	checkLeaks(t)
	f := newOrdListFake(t, ordPaged("o", 250))
	c := newCoreClient(t, f.coreServer)
	n := 0
	for o, err := range c.Orders.All(context.Background(), nil) {
		require.NoError(t, err)
		require.NotNil(t, o)
		n++
		if n == 100 {
			break
		}
	}
	assert.Equal(t, 100, n)
	assert.Len(t, f.calls(), 1, "no page is fetched that nobody reads")
}

func TestAllEndsOnAnError(t *testing.T) {
	checkLeaks(t)
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			writeTangoError(w, r, http.StatusBadRequest, "400.001", "bad page")
			return
		}
		rows := make([]map[string]any, 100)
		for i := range rows {
			rows[i] = map[string]any{"referenceOrderID": fmt.Sprintf("o-%d", i), "createdAt": "2026-03-01T12:00:00Z"}
		}
		answerJSON(w, http.StatusOK, map[string]any{"page": map[string]any{"number": 0, "totalCount": 300}, "orders": rows})
	})
	c := newCoreClient(t, ts)
	ids, errs := ordWalk(c, nil)
	assert.Len(t, ids, 100)
	require.Len(t, errs, 1)
	var apiErr *tango.APIError
	assert.ErrorAs(t, errs[0], &apiErr)
	assert.Equal(t, int64(2), ts.hits.Load())
}

func TestAllRefusesAPageItDidNotAskFor(t *testing.T) {
	checkLeaks(t)
	f := newOrdListFake(t, func(c ordListCall) ([]string, int64) { return ordIDs("o", 0, 100), 300 })
	// The fake answers page numbers faithfully; wrap it to lie about page 1.
	lying := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			answerJSON(w, http.StatusOK, map[string]any{"page": map[string]any{"number": 2, "totalCount": 300}, "orders": []map[string]any{{"referenceOrderID": "o-x", "createdAt": "2026-03-01T12:00:00Z"}}})
			return
		}
		f.Config.Handler.ServeHTTP(w, r)
	})
	c := newCoreClient(t, lying)
	ids, errs := ordWalk(c, nil)
	assert.Len(t, ids, 100)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "page 2")
	assert.False(t, errors.Is(errs[0], tango.ErrResultsTruncated))
}

func TestAllRefusesInvalidParams(t *testing.T) {
	checkLeaks(t)
	f := newOrdListFake(t, ordPaged("o", 1))
	c := newCoreClient(t, f.coreServer)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, errs := ordWalk(c, &tango.ListOrdersParams{StartDate: start, EndDate: start.Add(-time.Hour)})
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], tango.ErrValidation)
	assert.Empty(t, f.calls())
}
