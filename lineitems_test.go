package tango_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Contact data planted in line item tests; it must never be printed.
const (
	plantedRecipientEmail = "rita.recipient@example.com"
	plantedNewEmail       = "nina.newaddress@example.com"
)

// placeOrder places an order on a fixture account and returns it.
func placeOrder(t *testing.T, c *tango.Client, account, utid, amount string, method tango.DeliveryMethod) *tango.Order {
	t.Helper()
	req := &tango.CreateOrderRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: account, UTID: utid,
		Amount: tango.MustParseAmount(amount), DeliveryMethod: method,
	}
	if method == tango.DeliveryEmail {
		req.Recipient = &tango.Recipient{Email: plantedRecipientEmail, FirstName: "Rita"}
	}
	o, err := c.Orders.Create(context.Background(), req)
	require.NoError(t, err)
	require.NotEmpty(t, o.ReferenceLineItemID)
	return o
}

func TestLineItemGet(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	o := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "10.00", tango.DeliveryEmail)

	li, err := c.LineItems.Get(context.Background(), o.ReferenceLineItemID)
	require.NoError(t, err)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/lineItems/"+o.ReferenceLineItemID), 1)
	assert.Equal(t, o.ReferenceLineItemID, li.ReferenceLineItemID)
	assert.Equal(t, o.ReferenceOrderID, li.ReferenceOrderID)
	assert.Equal(t, "RA", li.OrderSource)
	assert.Equal(t, tango.LineItemComplete, li.Status)
	assert.Equal(t, tango.OrderComplete, li.OrderStatus)
	assert.Equal(t, tango.DeliveryEmail, li.DeliveryMethod)
	assert.Equal(t, tango.EmailStatusDelivered, li.EmailStatus)
	assert.Equal(t, tango.DeliveryStatusDelivered, li.DeliveryStatus)
	assert.Equal(t, "active", li.RewardStatus)
	assert.True(t, li.CanCancel)
	assert.True(t, li.CanFreeze)
	assert.Equal(t, 1, li.LineNumber)
	assert.Equal(t, 1, li.Quantity)
	require.NotNil(t, li.AmountIssued)
	assert.Equal(t, "10.00", li.AmountIssued.Value.String())
	require.NotNil(t, li.AmountCharged)
	assert.Equal(t, "USD", li.AmountCharged.CurrencyCode)
	require.NotNil(t, li.RemainingBalance, "Choice products report what is left")
	assert.Equal(t, "10.00", li.RemainingBalance.String())
	assert.False(t, li.DateIssued.IsZero())
	assert.False(t, li.ExpirationDate.IsZero(), "the reference requires expirationDate on every line item")
	assert.Equal(t, tangotest.DemoAccount, li.AccountIdentifier)
	assert.Equal(t, tangotest.DemoCustomer, li.CustomerIdentifier)
	assert.Equal(t, tangotest.UTIDRewardLink, li.UTID)
	require.NotNil(t, li.Recipient)
	assert.Equal(t, tango.Private(plantedRecipientEmail), li.Recipient.Email)
	require.NotNil(t, li.Reward)
	require.NotEmpty(t, li.Reward.CredentialList)
	link := li.Reward.CredentialList[0].Value.Reveal()
	assert.True(t, strings.HasPrefix(link, "https://rewards.tangotest.invalid/"), link)
	assert.Empty(t, li.ResendHistory)

	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out = append(out, fmt.Sprintf(verb, li), fmt.Sprintf(verb, *li))
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("line item", "li", li, "value", *li)
	out = append(out, logs.String())
	for _, s := range out {
		assert.NotContains(t, s, plantedRecipientEmail)
		assert.NotContains(t, s, link)
		assert.Contains(t, s, o.ReferenceLineItemID)
	}

	fixed := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDFixedValue, "10.00", tango.DeliveryNone)
	li, err = c.LineItems.Get(context.Background(), fixed.ReferenceLineItemID)
	require.NoError(t, err)
	assert.Nil(t, li.RemainingBalance, "Tango reports no balance for closed-loop cards")
	assert.False(t, li.CanCancel)

	_, err = c.LineItems.Get(context.Background(), "RA000000-0-00-1")
	assert.ErrorIs(t, err, tango.ErrNotFound)
	_, err = c.LineItems.Get(context.Background(), " ")
	assert.ErrorIs(t, err, tango.ErrValidation)
}

func TestLineItemListKeyset(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	var ids []string
	for range 3 {
		ids = append(ids, placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "5.00", tango.DeliveryNone).ReferenceLineItemID)
	}

	first, err := c.LineItems.List(ctx, &tango.ListLineItemsParams{ElementsPerBlock: 2})
	require.NoError(t, err)
	assert.Equal(t, "elementsPerBlock=2", requestsTo(srv, http.MethodGet, "/lineItems")[0].RawQuery)
	require.Len(t, first.LineItems, 2)
	assert.Equal(t, []string{ids[2], ids[1]}, []string{first.LineItems[0].ReferenceLineItemID, first.LineItems[1].ReferenceLineItemID},
		"newest first by default (columnSortName dateIssued, columnSortAscending false)")
	assert.Equal(t, 2, first.KeysetPage.ResultCount)
	assert.EqualValues(t, 3, first.KeysetPage.TotalCount)
	require.Len(t, first.KeysetPage.NextPageKeys, 2)
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2}T`, string(first.KeysetPage.NextPageKeys[0]), "the sort value, a string as the reference types it")
	assert.Equal(t, ids[1], string(first.KeysetPage.NextPageKeys[1]))
	assert.Empty(t, first.KeysetPage.PreviousPageKeys)
	assert.Nil(t, first.LineItems[0].Reward, "list rows carry no reward")

	second, err := c.LineItems.List(ctx, &tango.ListLineItemsParams{ElementsPerBlock: 2, PageKeys: first.KeysetPage.NextPageKeys})
	require.NoError(t, err)
	reqs := requestsTo(srv, http.MethodGet, "/lineItems")
	q, err := url.ParseQuery(reqs[len(reqs)-1].RawQuery)
	require.NoError(t, err)
	assert.Equal(t, []string{string(first.KeysetPage.NextPageKeys[0]), ids[1]}, q["pageKeys"], "keys go back one value each, in order")
	require.Len(t, second.LineItems, 1)
	assert.Equal(t, ids[0], second.LineItems[0].ReferenceLineItemID)
	assert.Empty(t, second.KeysetPage.NextPageKeys)

	back, err := c.LineItems.List(ctx, &tango.ListLineItemsParams{ElementsPerBlock: 2, PageKeys: second.KeysetPage.PreviousPageKeys, PagePrevious: true})
	require.NoError(t, err)
	reqs = requestsTo(srv, http.MethodGet, "/lineItems")
	assert.Contains(t, reqs[len(reqs)-1].RawQuery, "pagePrevious=true")
	require.Len(t, back.LineItems, 2)
	assert.Equal(t, ids[2], back.LineItems[0].ReferenceLineItemID)

	filtered, err := c.LineItems.List(ctx, &tango.ListLineItemsParams{ReferenceOrderID: second.LineItems[0].ReferenceOrderID})
	require.NoError(t, err)
	require.Len(t, filtered.LineItems, 1)
	assert.Equal(t, ids[0], filtered.LineItems[0].ReferenceLineItemID)

	asc := true
	oldest, err := c.LineItems.List(ctx, &tango.ListLineItemsParams{ColumnSortName: "dateIssued", ColumnSortAscending: &asc})
	require.NoError(t, err)
	require.Len(t, oldest.LineItems, 3)
	assert.Equal(t, ids[0], oldest.LineItems[0].ReferenceLineItemID, "columnSortAscending=true: oldest first")
	byName, err := c.LineItems.List(ctx, &tango.ListLineItemsParams{ColumnSortName: "amountIssued", ColumnSortAscending: &asc})
	require.NoError(t, err)
	require.Len(t, byName.LineItems, 3)
}

func TestLineItemAll(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	var ids []string
	for range 5 {
		ids = append(ids, placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "1.00", tango.DeliveryNone).ReferenceLineItemID)
	}
	params := &tango.ListLineItemsParams{ElementsPerBlock: 2, PagePrevious: true, PageKeys: nil}
	var got []string
	for li, err := range c.LineItems.All(ctx, params) {
		require.NoError(t, err)
		got = append(got, li.ReferenceLineItemID)
	}
	slices.Reverse(ids) // newest first
	assert.Equal(t, ids, got)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/lineItems"), 3)
	assert.True(t, params.PagePrevious, "the caller's params are not changed")

	before := len(requestsTo(srv, http.MethodGet, "/lineItems"))
	for range c.LineItems.All(ctx, &tango.ListLineItemsParams{ElementsPerBlock: 2}) {
		break
	}
	assert.Len(t, requestsTo(srv, http.MethodGet, "/lineItems"), before+1, "stopping the range stops paging")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, err := range c.LineItems.All(cancelled, nil) {
		assert.ErrorIs(t, err, context.Canceled)
	}
}

// TestLineItemAllStopsOnKeyCycle: a server whose page keys cycle (A, B, A, ...
// or back to the caller's start keys) while its totalCount stays out of reach
// ends the walk with an error after a few requests, not a request storm.
func TestLineItemAllStopsOnKeyCycle(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name     string
		keys     []string // the next keys answered to the 1st, 2nd, ... request
		start    []tango.PageKey
		wantHits int64
		wantIDs  int
	}{
		{"two keys alternate", []string{"A", "B"}, nil, 3, 2},
		{"three keys rotate", []string{"A", "B", "C"}, nil, 4, 3},
		{"back to the start keys", []string{"B", "S"}, []tango.PageKey{"S"}, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var served sync.Mutex
			n := 0
			ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				served.Lock()
				key := tt.keys[n%len(tt.keys)]
				n++
				served.Unlock()
				answerJSON(w, http.StatusOK, map[string]any{
					"keysetPage": map[string]any{"nextPageKeys": []string{key}, "resultCount": 1, "totalCount": 100},
					"lineItems":  []any{map[string]any{"referenceLineItemID": "L-" + key}},
				})
			})
			c := newCoreClient(t, ts)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var ids int
			var last error
			for _, err := range c.LineItems.All(ctx, &tango.ListLineItemsParams{PageKeys: tt.start}) {
				if err != nil {
					last = err
					break
				}
				ids++
			}
			require.Error(t, last)
			assert.NotErrorIs(t, last, context.DeadlineExceeded, "the walk stops by itself")
			assert.Contains(t, last.Error(), "already given")
			assert.Equal(t, tt.wantHits, ts.hits.Load())
			assert.Equal(t, tt.wantIDs, ids)
		})
	}
}

// TestLineItemListQuery checks every filter's name on the wire, and that a
// server handing back the keys it was given ends the walk with an error.
func TestLineItemListQuery(t *testing.T) {
	checkLeaks(t)
	var mu sync.Mutex
	var queries []string
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		id := fmt.Sprintf("RA1-%d", len(queries))
		mu.Unlock()
		keys := r.URL.Query()["pageKeys"]
		if len(keys) == 0 {
			keys = []string{"1700000000000", "RA1-1"}
		}
		answerJSON(w, http.StatusOK, map[string]any{
			"keysetPage": map[string]any{"nextPageKeys": keys, "previousPageKeys": []any{}, "resultCount": 1, "totalCount": 99},
			"lineItems":  []any{map[string]any{"referenceLineItemID": id, "status": "COMPLETE"}},
		})
	})
	c := newCoreClient(t, ts)
	asc, has := false, true
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, err := c.LineItems.List(context.Background(), &tango.ListLineItemsParams{
		ReferenceOrderID: "RA1", ExternalRefID: "ext", UTID: "U1", PTID: "P1", ETID: "E000001",
		Status: tango.LineItemCancelled, EmailStatus: tango.EmailStatusBounce, DeliveryMethod: tango.DeliveryEmail,
		DeliveryStatus: tango.DeliveryStatusFailed, OrderStatus: tango.OrderPartial, OrderSource: "RA",
		AccountIdentifier: "acct-one", Campaign: "spring", PurchaseOrderNumber: "PO-1", OrderNotes: "n",
		RecipientEmail: "r@example.com", RecipientFirstName: "R", RecipientLastName: "S", RecipientMobile: "+15555550100",
		StartDate: start, EndDate: start.Add(time.Hour), ColumnSortName: "dateIssued", ColumnSortAscending: &asc,
		MinRemainingBalance: ptrAmount("1"), MaxRemainingBalance: ptrAmount("2.50"), HasRemainingBalance: &has,
		ElementsPerBlock: 5, PageKeys: []tango.PageKey{"k1", "k2"},
	})
	require.NoError(t, err)
	want := url.Values{
		"referenceOrderID": {"RA1"}, "externalRefID": {"ext"}, "utid": {"U1"}, "ptid": {"P1"}, "etid": {"E000001"},
		"status": {"CANCELLED"}, "emailStatus": {"BOUNCE"}, "deliveryMethod": {"EMAIL"}, "deliveryStatus": {"FAILED"},
		"orderStatus": {"PARTIAL"}, "orderSource": {"RA"}, "accountIdentifier": {"acct-one"}, "campaign": {"spring"},
		"purchaseOrderNumber": {"PO-1"}, "orderNotes": {"n"}, "recipientEmail": {"r@example.com"},
		"recipientFirstName": {"R"}, "recipientLastName": {"S"}, "recipientMobileNumber": {"+15555550100"},
		"startDate": {"2026-01-02T03:04:05Z"}, "endDate": {"2026-01-02T04:04:05Z"}, "columnSortName": {"dateIssued"},
		"columnSortAscending": {"false"}, "minRemainingBalance": {"1"}, "maxRemainingBalance": {"2.50"},
		"hasRemainingBalance": {"true"}, "elementsPerBlock": {"5"}, "pageKeys": {"k1", "k2"},
	}
	assert.Equal(t, want.Encode(), queries[0])

	var n int
	var last error
	for _, err := range c.LineItems.All(context.Background(), nil) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	require.Error(t, last)
	assert.Contains(t, last.Error(), "answered the keys it was asked for")
	assert.Equal(t, 2, n)

	for _, bad := range []*tango.ListLineItemsParams{
		{ElementsPerBlock: 101}, {RecipientEmail: "nope"}, {AccountIdentifier: "a"}, {PagePrevious: true},
		{StartDate: start, EndDate: start},
	} {
		_, err := c.LineItems.List(context.Background(), bad)
		assert.ErrorIs(t, err, tango.ErrValidation, "%#v", bad)
	}
	assert.Equal(t, "{RecipientEmail:[REDACTED]}", fmt.Sprintf("%v", tango.ListLineItemsParams{RecipientEmail: "r@example.com"}))
}

func TestLineItemActions(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	o := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "10.00", tango.DeliveryEmail)
	id := o.ReferenceLineItemID
	path := "/lineItems/" + id

	campaign := "Spring 2026"
	acc, err := c.LineItems.Update(ctx, id, &tango.UpdateLineItemRequest{Campaign: &campaign})
	require.NoError(t, err, "a 202 whose body is the bare word Accepted is a success")
	assert.Equal(t, http.StatusAccepted, acc.StatusCode)
	assert.NotEmpty(t, acc.RequestID)
	assert.Equal(t, map[string]any{"campaign": "Spring 2026"}, lastBody(t, srv, http.MethodPatch, path))
	li, err := c.LineItems.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Spring 2026", li.Campaign)

	reason := &tango.LineItemActionRequest{ReasonCode: tango.ReasonOther, OtherReason: "checking with the recipient"}
	_, err = c.LineItems.Freeze(ctx, id, reason)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"reasonCode": "OTHER", "otherReason": "checking with the recipient"}, lastBody(t, srv, http.MethodPost, path+"/freeze"))
	li, err = c.LineItems.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "frozen", li.RewardStatus)
	assert.False(t, li.CanFreeze)
	require.NotNil(t, li.LineItemActionReason)
	var last string
	require.NoError(t, li.LineItemActionReason.Decode(&last), "a string, as the reference types it")
	assert.Equal(t, "OTHER", last)
	require.Len(t, li.LineItemActionHistory, 1)
	assert.Equal(t, "[REDACTED]", fmt.Sprint(li.LineItemActionHistory[0]))

	_, err = c.LineItems.Freeze(ctx, id, reason)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "403.010", apiErr.I18nKey)
	assert.ErrorIs(t, err, tango.ErrForbidden)

	_, err = c.LineItems.Unfreeze(ctx, id, &tango.LineItemActionRequest{ReasonCode: tango.ReasonVerifyOrder})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"reasonCode": "VERIFY_ORDER"}, lastBody(t, srv, http.MethodPost, path+"/unfreeze"))

	assert.Equal(t, "990.00", srv.Balance(tangotest.DemoAccount))
	_, err = c.LineItems.Cancel(ctx, id, &tango.LineItemActionRequest{ReasonCode: tango.ReasonDuplicate})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"reasonCode": "DUPLICATE"}, lastBody(t, srv, http.MethodPost, path+"/cancel"))
	assert.Equal(t, "1000.00", srv.Balance(tangotest.DemoAccount), "a cancelled reward is refunded")
	li, err = c.LineItems.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, tango.LineItemCancelled, li.Status)
	assert.False(t, li.CanCancel)
	_, err = c.LineItems.Cancel(ctx, id, &tango.LineItemActionRequest{ReasonCode: tango.ReasonDuplicate})
	assert.ErrorIs(t, err, tango.ErrForbidden)
}

func TestLineItemReissue(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	o := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "10.00", tango.DeliveryEmail)

	req := &tango.ReissueRequest{
		ReasonCode: tango.ReasonRecipient, Amount: ptrAmount("15.000"),
		Recipient: &tango.Recipient{Email: plantedNewEmail, FirstName: "Nina"}, Notes: "sent to the right person",
	}
	n, err := c.LineItems.Reissue(ctx, o.ReferenceLineItemID, req)
	require.NoError(t, err)
	body := lastBody(t, srv, http.MethodPost, "/lineItems/"+o.ReferenceLineItemID+"/reissue")
	assert.Equal(t, []string{"amount", "notes", "reasonCode", "recipient"}, keysOf(body))
	assert.Equal(t, map[string]any{"email": plantedNewEmail, "firstName": "Nina"}, body["recipient"])
	assert.EqualValues(t, 15, body["amount"])

	assert.NotEqual(t, o.ReferenceOrderID, n.ReferenceOrderID)
	require.NotNil(t, n.Denomination)
	assert.Equal(t, "15.00", n.Denomination.Value.String())
	assert.Equal(t, tango.Private(plantedNewEmail), n.Recipient.Email)
	assert.NotEmpty(t, n.RequestID)
	assert.Equal(t, "985.00", srv.Balance(tangotest.DemoAccount), "the first reward is refunded, the new one charged")

	old, err := c.LineItems.Get(ctx, o.ReferenceLineItemID)
	require.NoError(t, err)
	assert.Equal(t, tango.LineItemCancelled, old.Status)
	assert.Equal(t, n.ReferenceLineItemID, old.ReissuedToReferenceLineItemID)
	fresh, err := c.LineItems.Get(ctx, n.ReferenceLineItemID)
	require.NoError(t, err)
	assert.Equal(t, o.ReferenceLineItemID, fresh.ReissuedFromReferenceLineItemID)

	for _, s := range []string{fmt.Sprint(req), fmt.Sprintf("%+v", *req), fmt.Sprintf("%#v", req)} {
		assert.NotContains(t, s, plantedNewEmail)
	}

	_, err = c.LineItems.Reissue(ctx, o.ReferenceLineItemID, &tango.ReissueRequest{ReasonCode: tango.ReasonOther})
	assert.ErrorIs(t, err, tango.ErrForbidden, "a cancelled reward cannot be reissued again")
}

func TestLineItemResendEmbeddedAndReasonCodes(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	o := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "10.00", tango.DeliveryEmail)

	rs, err := c.LineItems.Resend(ctx, o.ReferenceLineItemID, &tango.LineItemResendRequest{
		NewEmail: plantedNewEmail, ReasonCode: tango.ReasonNotReceived,
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"newEmail": plantedNewEmail, "reasonCode": "NOT_RECEIVED"},
		lastBody(t, srv, http.MethodPost, "/lineItems/"+o.ReferenceLineItemID+"/resends"))
	assert.Positive(t, rs.ID)
	assert.Equal(t, tango.Private(plantedNewEmail), rs.Email)
	assert.Equal(t, tango.DeliveryEmail, rs.DeliveryMethod)
	assert.Equal(t, tango.ReasonNotReceived, rs.ReasonCode)
	assert.False(t, rs.CreatedAt.IsZero())
	for _, s := range []string{fmt.Sprint(rs), fmt.Sprintf("%+v", *rs), fmt.Sprintf("%#v", rs),
		fmt.Sprint(tango.LineItemResendRequest{NewEmail: plantedNewEmail})} {
		assert.NotContains(t, s, plantedNewEmail)
	}
	li, err := c.LineItems.Get(ctx, o.ReferenceLineItemID)
	require.NoError(t, err)
	require.Len(t, li.ResendHistory, 1)
	// Tango's RaasLineItemResendAuditEventDto: the recipient is nested.
	var h struct {
		Recipient  struct{ Email string }
		ReasonCode string
		DateIssued time.Time
	}
	require.NoError(t, li.ResendHistory[0].Decode(&h))
	assert.Equal(t, plantedNewEmail, h.Recipient.Email)
	assert.False(t, h.DateIssued.IsZero())

	_, err = c.LineItems.Resend(ctx, o.ReferenceLineItemID, nil)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "403.005", apiErr.I18nKey, "one resend per 30 seconds")
	assert.Equal(t, "{}", string(requestsTo(srv, http.MethodPost, "/lineItems/"+o.ReferenceLineItemID+"/resends")[1].Body))

	emb := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "5.00", tango.DeliveryEmbedded)
	u, err := c.LineItems.EmbeddedURL(ctx, emb.ReferenceLineItemID)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(u.Reveal(), "https://rewards.tangotest.invalid/"), u.Reveal())
	assert.Equal(t, "[REDACTED]", fmt.Sprint(u))
	assert.Len(t, requestsTo(srv, http.MethodGet, "/lineItems/"+emb.ReferenceLineItemID+"/embeddedUrl"), 1)
	_, err = c.LineItems.EmbeddedURL(ctx, o.ReferenceLineItemID)
	assert.Error(t, err, "an EMAIL reward has no embedded URL")

	codes, err := c.LineItems.ReasonCodes(ctx)
	require.NoError(t, err)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/lineItems/reasonCodes"), 1)
	assert.Contains(t, codes.Cancel, tango.ReasonDuplicate)
	assert.Contains(t, codes.Freeze, tango.ReasonVerifyOrder)
	assert.Contains(t, codes.Unfreeze, tango.ReasonFraud)
	assert.Contains(t, codes.CancelAndReissue, tango.ReasonRecipientRequested)
	assert.NotContains(t, codes.CancelAndReissue, tango.ReasonFraud)
}

// TestLineItemWritesNeverRetried: an action that may have reached Tango is never
// sent twice; reads are retried.
func TestLineItemWritesNeverRetried(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	o := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "10.00", tango.DeliveryEmail)
	id := o.ReferenceLineItemID
	campaign := "x"
	reason := &tango.LineItemActionRequest{ReasonCode: tango.ReasonFraud}
	tests := []struct {
		name, method, suffix string
		call                 func() error
	}{
		{"update", http.MethodPatch, "", func() error {
			_, err := c.LineItems.Update(ctx, id, &tango.UpdateLineItemRequest{Campaign: &campaign})
			return err
		}},
		{"freeze", http.MethodPost, "/freeze", func() error { _, err := c.LineItems.Freeze(ctx, id, reason); return err }},
		{"unfreeze", http.MethodPost, "/unfreeze", func() error { _, err := c.LineItems.Unfreeze(ctx, id, reason); return err }},
		{"resend", http.MethodPost, "/resends", func() error { _, err := c.LineItems.Resend(ctx, id, nil); return err }},
		{"reissue", http.MethodPost, "/reissue", func() error {
			_, err := c.LineItems.Reissue(ctx, id, &tango.ReissueRequest{ReasonCode: tango.ReasonOther})
			return err
		}},
		{"cancel", http.MethodPost, "/cancel", func() error { _, err := c.LineItems.Cancel(ctx, id, reason); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tangotest.APIPrefix + "/lineItems/" + id + tt.suffix
			before := srv.RequestCount(tt.method, p)
			srv.Inject(tangotest.Fault{Method: tt.method, Path: p, Times: 1, Action: tangotest.ConnectionReset()})
			err := tt.call()
			var unknown *tango.OutcomeUnknownError
			require.ErrorAs(t, err, &unknown)
			assert.Equal(t, before+1, srv.RequestCount(tt.method, p), "sent once")
		})
	}

	p := tangotest.APIPrefix + "/lineItems/" + id
	srv.Inject(tangotest.Fault{Method: http.MethodGet, Path: p, Times: 2, Action: tangotest.Status(503)})
	_, err := c.LineItems.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 3, srv.RequestCount(http.MethodGet, p))
}

func TestLineItemValidation(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	bad := "Spring!"
	long := strings.Repeat("n", 151)
	tests := []struct {
		name string
		call func() error
		path string
	}{
		{"update nothing", func() error { _, err := c.LineItems.Update(ctx, "li-1", &tango.UpdateLineItemRequest{}); return err }, "body"},
		{"update campaign", func() error {
			_, err := c.LineItems.Update(ctx, "li-1", &tango.UpdateLineItemRequest{Campaign: &bad})
			return err
		}, "campaign"},
		{"update notes", func() error {
			_, err := c.LineItems.Update(ctx, "li-1", &tango.UpdateLineItemRequest{OrderNotes: &long})
			return err
		}, "orderNotes"},
		{"cancel id", func() error {
			_, err := c.LineItems.Cancel(ctx, "", &tango.LineItemActionRequest{ReasonCode: tango.ReasonOther})
			return err
		}, "referenceLineItemID"},
		{"freeze reason", func() error { _, err := c.LineItems.Freeze(ctx, "li-1", &tango.LineItemActionRequest{}); return err }, "reasonCode"},
		{"unfreeze nil", func() error { _, err := c.LineItems.Unfreeze(ctx, "li-1", nil); return err }, "body"},
		{"reissue amount", func() error {
			_, err := c.LineItems.Reissue(ctx, "li-1", &tango.ReissueRequest{ReasonCode: tango.ReasonOther, Amount: ptrAmount("1.001")})
			return err
		}, "amount"},
		{"reissue address", func() error {
			_, err := c.LineItems.Reissue(ctx, "li-1", &tango.ReissueRequest{ReasonCode: tango.ReasonOther,
				Recipient: &tango.Recipient{Address: &tango.Address{City: "x"}}})
			return err
		}, "recipient.address"},
		{"reissue method", func() error {
			_, err := c.LineItems.Reissue(ctx, "li-1", &tango.ReissueRequest{ReasonCode: tango.ReasonOther, DeliveryMethod: "PIGEON"})
			return err
		}, "deliveryMethod"},
		{"resend email", func() error {
			_, err := c.LineItems.Resend(ctx, "li-1", &tango.LineItemResendRequest{NewEmail: "x@"})
			return err
		}, "newEmail"},
		{"resend etid", func() error {
			_, err := c.LineItems.Resend(ctx, "li-1", &tango.LineItemResendRequest{NewETID: "E1"})
			return err
		}, "newEtid"},
		{"embedded id", func() error { _, err := c.LineItems.EmbeddedURL(ctx, ""); return err }, "referenceLineItemID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve *tango.ValidationError
			require.ErrorAs(t, tt.call(), &ve)
			assert.Equal(t, tt.path, ve.Fields[0].Path)
		})
	}
	for _, r := range srv.Requests() {
		assert.False(t, strings.Contains(r.Path, "/lineItems"), "nothing invalid is sent: %s %s", r.Method, r.Path)
	}
}

func TestAccountScopeLineItems(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	mine := placeOrder(t, c, tangotest.DemoAccount, tangotest.UTIDRewardLink, "1.00", tango.DeliveryNone)
	theirs := placeOrder(t, c, tangotest.SecondAccount, tangotest.UTIDRewardLink, "1.00", tango.DeliveryNone)
	scope := c.Account(tangotest.DemoCustomer, tangotest.DemoAccount).LineItems()

	li, err := scope.Get(ctx, mine.ReferenceLineItemID)
	require.NoError(t, err)
	assert.Equal(t, mine.ReferenceLineItemID, li.ReferenceLineItemID)
	_, err = scope.Get(ctx, theirs.ReferenceLineItemID)
	assert.ErrorIs(t, err, tango.ErrOutsideScope)

	page, err := scope.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, page.LineItems, 1)
	assert.Equal(t, mine.ReferenceLineItemID, page.LineItems[0].ReferenceLineItemID)
	reqs := requestsTo(srv, http.MethodGet, "/lineItems")
	assert.Equal(t, "accountIdentifier=demo-account", reqs[len(reqs)-1].RawQuery)

	n := 0
	for li, err := range scope.All(ctx, nil) {
		require.NoError(t, err)
		assert.Equal(t, tangotest.DemoAccount, li.AccountIdentifier)
		n++
	}
	assert.Equal(t, 1, n)

	before := len(srv.Requests())
	_, err = scope.List(ctx, &tango.ListLineItemsParams{AccountIdentifier: tangotest.SecondAccount})
	assert.ErrorIs(t, err, tango.ErrOutsideScope)
	for _, err := range scope.All(ctx, &tango.ListLineItemsParams{AccountIdentifier: tangotest.SecondAccount}) {
		assert.ErrorIs(t, err, tango.ErrOutsideScope)
	}
	assert.Equal(t, before, len(srv.Requests()))

	// A server that answers with another account's row is caught.
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]any{
			"keysetPage": map[string]any{"nextPageKeys": []any{}, "previousPageKeys": []any{}, "resultCount": 1, "totalCount": 1},
			"lineItems":  []any{map[string]any{"referenceLineItemID": "RA9-1", "accountIdentifier": "someone-else", "customerIdentifier": "cust-9"}},
		})
	})
	hc := newCoreClient(t, ts)
	_, err = hc.Account("cust-1", "acct-1").LineItems().List(ctx, nil)
	assert.ErrorIs(t, err, tango.ErrOutsideScope)
	for _, err := range hc.Account("cust-1", "acct-1").LineItems().All(ctx, nil) {
		assert.ErrorIs(t, err, tango.ErrOutsideScope)
	}
}

// verboseLineItem is a line item as Tango documents GET /lineItems/{id}, with
// the fields the fake does not produce.
const verboseLineItem = `{
  "referenceLineItemID": "RA250101-1-11-1", "externalReferenceLineItemID": "ext-li-1",
  "referenceOrderID": "RA250101-1-11", "orderSource": "RA", "status": "COMPLETE", "orderStatus": "COMPLETE",
  "emailStatus": "SOFT_BOUNCE", "deliveryMethod": "EMAIL", "deliveryStatus": "DELIVERED", "rewardStatus": "active",
  "canCancel": true, "canFreeze": true, "lineNumber": 1, "rewardName": "Reward Link",
  "amountIssued": {"value": 25, "currencyCode": "USD", "exchangeRate": 1, "fee": 0, "total": 25},
  "amountCharged": {"value": 25, "currencyCode": "USD", "exchangeRate": 1, "fee": 0.5, "total": 25.5},
  "remainingBalance": null, "dateIssued": "2025-01-01T10:00:00.123Z", "expirationDate": "2026-01-01T00:00:00Z",
  "accountNumber": "A12345678", "accountIdentifier": "acct-1", "customerIdentifier": "cust-1",
  "etid": "E000000", "ptid": null, "utid": "U561593",
  "recipient": {"email": "rita.recipient@example.com", "firstName": "Rita", "lastName": "R", "mobileNumber": null, "address": null},
  "sender": {"firstName": "S", "lastName": "T", "email": "sender@example.com"},
  "purchaseOrderNumber": "PO-9", "campaign": "c", "orderNotes": "n",
  "lineItemActionReason": "FRAUD",
  "lineItemErrors": [{"error_code": "E1", "error_message": "retrying delivery"}], "quantity": 1,
  "reward": {"credentials": {"Redemption Link": "https://example.invalid/r/1"},
             "credentialList": [{"label": "Redemption Link", "value": "https://example.invalid/r/1", "type": "url", "credentialType": "redemptionUrl"}],
             "redemptionInstructions": "<p>Use it</p>"},
  "resendHistory": [{"dateIssued": "2025-01-02T00:00:00Z", "recipient": {"email": "rita.recipient@example.com"}}],
  "redemptionHistory": [{"amount": 5, "date": "2025-01-03T00:00:00Z"}],
  "lineItemActionHistory": [], "rewardViewHistory": [{"viewedAt": "2025-01-02T00:00:00Z"}],
  "someFutureField": {"nested": true}
}`

func TestLineItemDecodesTangoPayload(t *testing.T) {
	checkLeaks(t)
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(verboseLineItem))
	})
	c := newCoreClient(t, ts)
	li, err := c.LineItems.Get(context.Background(), "RA250101-1-11-1")
	require.NoError(t, err)
	assert.Equal(t, "ext-li-1", li.ExternalReferenceLineItemID)
	assert.Equal(t, tango.EmailStatus("SOFT_BOUNCE"), li.EmailStatus, "unknown enum values decode")
	assert.Equal(t, "25.5", li.AmountCharged.Total.String())
	assert.Nil(t, li.RemainingBalance)
	assert.Equal(t, 2026, li.ExpirationDate.Year())
	var reason string
	require.NoError(t, li.LineItemActionReason.Decode(&reason))
	assert.Equal(t, "FRAUD", reason)
	assert.Equal(t, []tango.LineItemError{{ErrorCode: "E1", ErrorMessage: "retrying delivery"}}, li.LineItemErrors)
	require.Len(t, li.RedemptionHistory, 1)
	var red struct {
		Amount tango.Amount `json:"amount"`
	}
	require.NoError(t, li.RedemptionHistory[0].Decode(&red))
	assert.Equal(t, "5", red.Amount.String())
	assert.Len(t, li.RewardViewHistory, 1)
	assert.Empty(t, li.LineItemActionHistory)
	assert.Equal(t, "https://example.invalid/r/1", li.Reward.CredentialList[0].Value.Reveal())
	for _, s := range []string{fmt.Sprintf("%+v", li), fmt.Sprintf("%#v", *li), fmt.Sprint(li.ResendHistory)} {
		assert.NotContains(t, s, plantedRecipientEmail)
		assert.NotContains(t, s, "example.invalid/r/1")
	}
	enc, err := json.Marshal(li.ResendHistory[0])
	require.NoError(t, err)
	assert.JSONEq(t, string(li.ResendHistory[0].Raw()), string(enc), "encoding/json writes a raw record as Tango sent it")
	whole, err := json.Marshal(li)
	require.NoError(t, err)
	assert.Contains(t, string(whole), plantedRecipientEmail, "a stored line item keeps its recipient")
	assert.Contains(t, string(li.ResendHistory[0].Raw()), "dateIssued", "Raw reads the record as Tango sent it")
	assert.Contains(t, string(li.ResendHistory[0].Raw()), plantedRecipientEmail)
	empty, err := json.Marshal(tango.RawRecord{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(empty))
	assert.Nil(t, tango.RawRecord{}.Raw())
}

func FuzzLineItemListDecode(f *testing.F) {
	f.Add([]byte(`{"keysetPage":{"nextPageKeys":[1700000000000,"RA1-1"],"previousPageKeys":[],"resultCount":1,"totalCount":1},"lineItems":[` + verboseLineItem + `]}`))
	f.Add([]byte(`{"keysetPage":{"nextPageKeys":[null,true,-1.5e3,"x"]},"lineItems":[]}`))
	f.Add([]byte(`{"keysetPage":{"nextPageKeys":[{"a":1}]}}`))
	f.Add([]byte(`{"lineItems":[{"resendHistory":[1,"a",null,{}],"lineItemActionReason":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var l tango.LineItemList
		if err := json.Unmarshal(data, &l); err != nil {
			return
		}
		for _, k := range l.KeysetPage.NextPageKeys {
			// A key that decoded goes back on the wire as text; decoding its JSON
			// string form again gives the same key.
			b, err := json.Marshal(string(k))
			require.NoError(t, err)
			var again tango.PageKey
			require.NoError(t, json.Unmarshal(b, &again))
			require.Equal(t, k, again)
		}
		for _, li := range l.LineItems {
			if li == nil {
				continue
			}
			_ = fmt.Sprintf("%+v", li)
			for _, h := range li.ResendHistory {
				_, err := json.Marshal(h)
				require.NoError(t, err)
			}
		}
	})
}
