package tango_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

func TestCatalogGet(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	cat, err := c.Catalog.Get(context.Background(), nil)
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodGet, "/catalogs")
	assert.Empty(t, r.RawQuery, "the default catalog sends no filters")
	assert.NotEmpty(t, cat.CatalogName)
	assert.NotEmpty(t, cat.RequestID)

	found, ok := cat.Find("u561593") // case does not matter
	require.True(t, ok)
	it, b := found.Item, found.Brand
	assert.Equal(t, "B000001", b.BrandKey)
	assert.Equal(t, "Tango Reward Link", b.BrandName)
	assert.Equal(t, tango.ItemActive, b.Status)
	assert.NotEmpty(t, b.ImageURLs["200w-326ppi"])
	require.NotNil(t, b.BrandRequirements)
	assert.NotEmpty(t, b.BrandRequirements.DisplayInstructions)
	assert.Equal(t, tango.VariableValue, it.ValueType)
	assert.Equal(t, tango.RewardTypeRewardLink, it.RewardType)
	assert.Equal(t, "0.01", it.MinValue.String())
	assert.Equal(t, "2000.00", it.MaxValue.String())
	assert.Nil(t, it.FaceValue)
	assert.Equal(t, []tango.ItemAttribute{tango.AttributeEmail}, it.Attributes)
	require.NotNil(t, it.QuantityConstraints)
	assert.Equal(t, 1, it.QuantityConstraints.MaxQuantity)
	assert.False(t, it.CreatedDate.IsZero())

	fixed, ok := cat.Find(tangotest.UTIDFixedValue)
	require.True(t, ok)
	assert.Equal(t, tango.FixedValue, fixed.Item.ValueType)
	assert.Equal(t, "10.00", fixed.Item.FaceValue.String())
	assert.Equal(t, []string{"cardNumber", "pin"}, fixed.Item.CredentialTypes)

	inactive, ok := cat.Find(tangotest.UTIDInactive)
	require.True(t, ok)
	assert.Equal(t, tango.ItemInactive, inactive.Item.Status)

	var n int
	for range cat.Items() {
		n++
	}
	assert.Equal(t, 4, n)
	_, ok = cat.Find("U999999")
	assert.False(t, ok)
}

func TestCatalogDecodesTangoPayload(t *testing.T) {
	checkLeaks(t)
	// Tango's sample catalog, with nulls, unknown fields and a brand field the SDK
	// does not model.
	const payload = `{"catalogName":"TestCatalog","newTopLevel":true,"brands":[{
	  "brandKey":"B916708","brandName":"Amazon.com","disclaimer":"d","description":"<p>desc</p>","shortDescription":"s","terms":"t",
	  "createdDate":"2016-06-17T16:52:24Z","lastUpdateDate":"2017-10-23T22:18:51Z",
	  "brandRequirements":{"displayInstructions":"","termsAndConditionsInstructions":"","disclaimerInstructions":"","alwaysShowDisclaimer":true},
	  "imageUrls":{"80w-326ppi":"https://img/80.png","1200w-326ppi":"https://img/1200.png"},
	  "status":"active","barcodeType":null,"categories":[{"identifier":"2a6e1c43-6d0b-4f36-9b64-3c1e5f7d8a01","description":"Gift Cards"}],
	  "brandNewThing":{"nested":[1]},
	  "items":[
	    {"utid":"U666425","rewardName":"Amazon.com Gift Card","currencyCode":"USD","status":"active",
	     "valueType":"VARIABLE_VALUE","rewardType":"gift card","minValue":0.01,"maxValue":2000,
	     "isWholeAmountValueRequired":false,"exchangeRateRule":"1 USD = 1 USD","fee":{"type":"PERCENTAGE","value":1.5},
	     "isExpirable":false,"quantityConstraints":{"minQuantity":1,"maxQuantity":1},
	     "createdDate":"2016-06-17T17:38:45.294Z","lastUpdateDate":"2017-01-01T00:00:00Z","countries":["US"],
	     "credentialTypes":["redemptionUrl"],"redemptionInstructions":"<p>Go</p>","fulfillmentType":"DIGITAL","attributes":["EMAIL","PHONE"],
	     "itemAvailability":{"itemAvailabilityStatus":"DEGRADED","note":"supplier delay"}},
	    {"utid":"U154092","rewardName":"AMC® Gift Card $10.00","currencyCode":"USD","status":"active",
	     "valueType":"FIXED_VALUE","rewardType":"a type Tango adds later","faceValue":10,"countries":["US"]}
	  ]}]}`
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(payload))
	})
	c := newCoreClient(t, ts)
	cat, err := c.Catalog.Get(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, cat.Brands, 1)
	b := cat.Brands[0]
	assert.True(t, b.BrandRequirements.AlwaysShowDisclaimer)
	assert.Len(t, b.ImageURLs, 2)
	assert.Equal(t, []tango.BrandCategory{{Identifier: tangotest.CategoryGiftCards, Description: "Gift Cards"}}, b.Categories)
	it := b.Items[0]
	assert.Equal(t, "0.01", it.MinValue.String())
	assert.Equal(t, "2000", it.MaxValue.String())
	assert.Equal(t, "1.5", it.Fee.Value.String())
	assert.Equal(t, tango.FulfillmentDigital, it.FulfillmentType) // the deprecated field still decodes
	assert.Equal(t, []tango.ItemAttribute{tango.AttributeEmail, tango.AttributePhone}, it.Attributes)
	assert.Equal(t, "DEGRADED", it.ItemAvailability.ItemAvailabilityStatus)
	assert.Equal(t, tango.RewardType("a type Tango adds later"), b.Items[1].RewardType)
	assert.Equal(t, "10", b.Items[1].FaceValue.String())
}

func TestCatalogFilters(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	require.NoError(t, srv.AddItem(tangotest.Item{UTID: "U800001", RewardName: "Pizza Place $25", BrandKey: "B800001", BrandName: "Pizza Place",
		ValueType: tangotest.ValueTypeFixed, FaceValue: "25.00", Categories: []string{tangotest.CategoryDining}, Attributes: []string{"EMAIL", "PHONE"}}))
	require.NoError(t, srv.AddItem(tangotest.Item{UTID: "U800002", RewardName: "Cinema Night", BrandKey: "B800002", BrandName: "Cinema World",
		MinValue: "5.00", MaxValue: "50.00", Categories: []string{tangotest.CategoryEntertainment}, Attributes: []string{"EMBEDDED"}, Countries: []string{"CA"}, CurrencyCode: "CAD"}))
	c := resClient(t, srv)

	tests := []struct {
		name      string
		params    tango.CatalogParams
		wantQuery url.Values
		wantUTIDs []string
	}{
		{"brief", tango.CatalogParams{Brief: true, UTID: "U800001"}, url.Values{"verbose": {"false"}, "utid": {"U800001"}}, []string{"U800001"}},
		{"brand key and name", tango.CatalogParams{BrandKey: "B800002", BrandName: "Cinema"}, url.Values{"brandKey": {"B800002"}, "brandName": {"Cinema"}}, []string{"U800002"}},
		{"reward name, currency and country", tango.CatalogParams{RewardName: "Cinema", CurrencyCode: "CAD", Country: "CA"},
			url.Values{"rewardName": {"Cinema"}, "currencyCode": {"CAD"}, "country": {"CA"}}, []string{"U800002"}},
		{"status", tango.CatalogParams{Status: tango.ItemInactive}, url.Values{"status": {"inactive"}}, []string{tangotest.UTIDInactive}},
		{"reward types", tango.CatalogParams{RewardTypes: []tango.RewardType{tango.RewardTypeRewardLink, tango.RewardTypeDonation}},
			url.Values{"rewardType": {"reward link", "donation"}}, []string{tangotest.UTIDRewardLink}},
		{"item attributes", tango.CatalogParams{ItemAttributes: []tango.ItemAttribute{tango.AttributePhone, tango.AttributeEmbedded}},
			url.Values{"itemAttribute": {"PHONE", "EMBEDDED"}}, []string{"U800001", "U800002"}},
		{"categories", tango.CatalogParams{CategoryIDs: []string{tangotest.CategoryDining}},
			url.Values{"categoryIds": {tangotest.CategoryDining}}, []string{"U800001"}},
		{"deprecated fulfillment type", tango.CatalogParams{UTID: "U800001", FulfillmentTypes: []tango.FulfillmentType{tango.FulfillmentDigital}}, // deprecated, still sent
			url.Values{"utid": {"U800001"}, "fulfillmentType": {"DIGITAL"}}, []string{"U800001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(requestsTo(srv, http.MethodGet, "/catalogs"))
			cat, err := c.Catalog.Get(context.Background(), &tt.params)
			require.NoError(t, err)
			rs := requestsTo(srv, http.MethodGet, "/catalogs")
			require.Len(t, rs, before+1)
			assert.Equal(t, tt.wantQuery, queryOf(t, rs[len(rs)-1]))
			var got []string
			for _, it := range cat.Items() {
				got = append(got, it.UTID)
			}
			assert.Equal(t, tt.wantUTIDs, got)
		})
	}

	// Brands carry the categories of their items.
	cat, err := c.Catalog.Get(context.Background(), &tango.CatalogParams{UTID: "U800001"})
	require.NoError(t, err)
	assert.Equal(t, []tango.BrandCategory{{Identifier: tangotest.CategoryDining, Description: "Dining"}}, cat.Brands[0].Categories)

	// Malformed filters never reach the wire.
	before := len(srv.Requests())
	for _, p := range []tango.CatalogParams{{UTID: "561593"}, {CategoryIDs: []string{"not-a-uuid"}}, {CurrencyCode: "usd"}, {Country: "U1"}, {BrandName: "<script>"}} {
		_, err := c.Catalog.Get(context.Background(), &p)
		assert.ErrorIs(t, err, tango.ErrValidation, "%+v", p)
	}
	assert.Len(t, srv.Requests(), before)
}

func TestCatalogFindItem(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	found, err := c.Catalog.FindItem(ctx, tangotest.UTIDFixedValue)
	require.NoError(t, err)
	assert.Equal(t, "Example Cinema", found.Brand.BrandName)
	assert.Equal(t, tangotest.UTIDFixedValue, found.Item.UTID)
	r := onlyRequest(t, srv, http.MethodGet, "/catalogs")
	assert.Equal(t, url.Values{"utid": {tangotest.UTIDFixedValue}}, queryOf(t, r))

	_, err = c.Catalog.FindItem(ctx, "U424242")
	assert.ErrorIs(t, err, tango.ErrItemNotFound)
	_, err = c.Catalog.FindItem(ctx, "gift card")
	assert.ErrorIs(t, err, tango.ErrValidation)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/catalogs"), 2)
}

func TestChoiceProductCatalog(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	cat, err := c.Catalog.ChoiceProductCatalog(ctx, tangotest.UTIDRewardLink, &tango.CatalogParams{Status: tango.ItemActive})
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodGet, "/choiceProducts/"+tangotest.UTIDRewardLink+"/catalog")
	assert.Equal(t, url.Values{"status": {"active"}}, queryOf(t, r))
	var got []string
	for _, it := range cat.Items() {
		got = append(got, it.UTID)
	}
	assert.Equal(t, []string{tangotest.UTIDFixedValue}, got, "USD items a Reward Link recipient can pick")

	_, err = c.Catalog.ChoiceProductCatalog(ctx, tangotest.UTIDFixedValue, nil)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)

	_, err = c.Catalog.ChoiceProductCatalog(ctx, "../catalogs", nil)
	assert.ErrorIs(t, err, tango.ErrValidation)
}

func TestCatalogReadsRetry(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	srv.Inject(tangotest.Fault{Path: tangotest.PathCatalogs, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
	_, err := c.Catalog.Get(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/catalogs"), 2)
}

func TestCatalogCacheTTLAndInvalidate(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	clock := testclock.New(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	c := resClient(t, srv, tango.WithClock(clock))
	ctx := context.Background()
	cache, err := tango.NewCatalogCache(c.Catalog, tango.DefaultCatalogTTL)
	require.NoError(t, err)
	fetches := func() int { return len(requestsTo(srv, http.MethodGet, "/catalogs")) }

	cached, at := cache.Cached()
	assert.Nil(t, cached)
	assert.True(t, at.IsZero())
	assert.Equal(t, 0, fetches(), "nothing is fetched until asked")

	first, err := cache.Get(ctx)
	require.NoError(t, err)
	for range 10 {
		found, err := cache.FindItem(ctx, tangotest.UTIDRewardLink)
		require.NoError(t, err)
		assert.Equal(t, "Reward Link", found.Item.RewardName)
	}
	_, err = cache.FindItem(ctx, "U123")
	assert.ErrorIs(t, err, tango.ErrItemNotFound)
	assert.Equal(t, 1, fetches())

	clock.Advance(tango.DefaultCatalogTTL - time.Second)
	again, err := cache.Get(ctx)
	require.NoError(t, err)
	assert.Same(t, first, again)
	assert.Equal(t, 1, fetches())

	clock.Advance(time.Second)
	refreshed, err := cache.Get(ctx)
	require.NoError(t, err)
	assert.NotSame(t, first, refreshed)
	assert.Equal(t, 2, fetches())

	cache.Invalidate()
	_, err = cache.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, fetches())

	// A failed refresh returns its error and keeps the old catalog for Cached.
	clock.Advance(tango.DefaultCatalogTTL)
	srv.Inject(tangotest.Fault{Path: tangotest.PathCatalogs, Action: tangotest.Status(http.StatusBadRequest)})
	_, err = cache.Get(ctx)
	require.Error(t, err)
	stale, when := cache.Cached()
	require.NotNil(t, stale)
	assert.Equal(t, clock.Now().Add(-tango.DefaultCatalogTTL), when)

	_, err = tango.NewCatalogCache(c.Catalog, 0)
	assert.Error(t, err)
	_, err = tango.NewCatalogCache(nil, time.Hour)
	assert.Error(t, err)
}

func TestCatalogCacheSingleFlight(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	cache, err := tango.NewCatalogCache(c.Catalog, time.Hour)
	require.NoError(t, err)
	// Hold the one catalog call long enough for every caller to pile up on it.
	srv.Inject(tangotest.Fault{Path: tangotest.PathCatalogs, Times: 1, Action: tangotest.Latency(150 * time.Millisecond)})

	const callers = 20
	cats := make([]*tango.Catalog, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			cat, err := cache.Get(context.Background())
			assert.NoError(t, err)
			cats[i] = cat
		})
	}
	wg.Wait()
	assert.Len(t, requestsTo(srv, http.MethodGet, "/catalogs"), 1)
	for _, cat := range cats {
		assert.Same(t, cats[0], cat)
	}
}

func TestCatalogCacheWaiterTakesOverFromCancelledFetcher(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	cache, err := tango.NewCatalogCache(c.Catalog, time.Hour)
	require.NoError(t, err)
	srv.Inject(tangotest.Fault{Path: tangotest.PathCatalogs, Times: 1, Action: tangotest.Latency(300 * time.Millisecond)})

	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() {
		_, err := cache.Get(leaderCtx)
		leaderDone <- err
	}()
	require.Eventually(t, func() bool { return len(requestsTo(srv, http.MethodGet, "/catalogs")) == 1 }, 2*time.Second, time.Millisecond)

	// A waiter whose own context ends stops waiting at once.
	short, cancelShort := context.WithCancel(context.Background())
	cancelShort()
	_, err = cache.Get(short)
	require.ErrorIs(t, err, context.Canceled)

	waiterDone := make(chan error, 1)
	go func() {
		_, err := cache.Get(context.Background())
		waiterDone <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the waiter block on the leader's fetch
	cancel()
	require.ErrorIs(t, <-leaderDone, context.Canceled)
	require.NoError(t, <-waiterDone, "the waiter fetched in the leader's place")
	assert.Len(t, requestsTo(srv, http.MethodGet, "/catalogs"), 2)
	cat, _ := cache.Cached()
	assert.NotNil(t, cat)
}

// A catalog cache looks items up per order without a catalog call each time:
// Tango asks for at most two catalog calls a day.
func ExampleCatalogCache() {
	srv := tangotest.NewServer() // a fake Tango on loopback
	defer srv.Close()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		panic(err)
	}
	defer c.Close()

	cache, err := tango.NewCatalogCache(c.Catalog, tango.DefaultCatalogTTL)
	if err != nil {
		panic(err)
	}
	for range 3 {
		found, err := cache.FindItem(context.Background(), "U561593")
		if err != nil {
			panic(err)
		}
		fmt.Println(found.Brand.BrandName, found.Item.MinValue, found.Item.MaxValue)
	}
	fmt.Println("catalog calls:", srv.RequestCount(http.MethodGet, tangotest.PathCatalogs))
	// Output:
	// Tango Reward Link 0.01 2000.00
	// Tango Reward Link 0.01 2000.00
	// Tango Reward Link 0.01 2000.00
	// catalog calls: 1
}
