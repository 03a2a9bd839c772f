package tango_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func TestChoiceProducts(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()

	all, err := c.Reference.ChoiceProducts(ctx, nil)
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodGet, "/choiceProducts")
	assert.Empty(t, r.RawQuery)
	require.Len(t, all, 1)
	assert.Equal(t, tango.ChoiceProduct{UTID: tangotest.UTIDRewardLink, RewardName: "Reward Link", CurrencyCode: "USD", Countries: []string{"US"}}, *all[0])

	none, err := c.Reference.ChoiceProducts(ctx, &tango.ChoiceProductsParams{RewardName: "Link", CurrencyCode: "EUR", Countries: []string{"DE", "FR"}})
	require.NoError(t, err)
	assert.Empty(t, none)
	rs := requestsTo(srv, http.MethodGet, "/choiceProducts")
	assert.Equal(t, url.Values{"rewardName": {"Link"}, "currencyCode": {"EUR"}, "countries": {"DE", "FR"}}, queryOf(t, rs[1]))

	one, err := c.Reference.ChoiceProduct(ctx, tangotest.UTIDRewardLink)
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodGet, "/choiceProducts/"+tangotest.UTIDRewardLink)
	assert.Equal(t, "Reward Link", one.RewardName)

	// Tango answers an unknown choice product with 400, not 404.
	_, err = c.Reference.ChoiceProduct(ctx, "U999999")
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.True(t, apiErr.HasKey("422.024"))

	for _, bad := range []func() error{
		func() error { _, err := c.Reference.ChoiceProduct(ctx, "nope"); return err },
		func() error {
			_, err := c.Reference.ChoiceProducts(ctx, &tango.ChoiceProductsParams{Countries: []string{"United States"}})
			return err
		},
		func() error {
			_, err := c.Reference.ChoiceProducts(ctx, &tango.ChoiceProductsParams{CurrencyCode: "dollars"})
			return err
		},
	} {
		assert.ErrorIs(t, bad(), tango.ErrValidation)
	}
	assert.Len(t, srv.Requests(), 4)
}

func TestBrandCategoriesMobileCountriesCredentialTypes(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()

	cats, err := c.Reference.BrandCategories(ctx)
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodGet, "/brandCategories")
	assert.Contains(t, cats, tango.BrandCategory{Identifier: tangotest.CategoryDining, Description: "Dining"})

	mobile, err := c.Reference.MobileCountries(ctx)
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodGet, "/mobileCountries")
	require.NotEmpty(t, mobile)
	assert.Equal(t, tango.MobileCountry{IsoCode: "US", CountryName: "United States", CountryCode: "1", LanguageCode: "en"}, *mobile[0])

	types, err := c.Reference.CredentialTypes(ctx)
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodGet, "/credentialtypes")
	var names []string
	for _, ct := range types {
		names = append(names, ct.CredentialType)
	}
	assert.Contains(t, names, "redemptionUrl")
	assert.Contains(t, names, "pin")
}

func TestReferenceDecodesTangoShapes(t *testing.T) {
	checkLeaks(t)
	// Tango's reference describes /mobileCountries with the schema of one row;
	// the SDK reads a single object as a list of one, and an array as a list.
	answers := map[string]string{
		"/raas/v2/mobileCountries": `{"isoCode":"GB","countryName":"United Kingdom","countryCode":"44","languageCode":"en","extra":1}`,
		"/raas/v2/credentialtypes": `[{"credentialType":"cardNumber","description":"Card Number"},{"credentialType":"securityCode"}]`,
		"/raas/v2/exchangerates": `{"disclaimer":"Exchange rates are provided here for reference.","exchangeRates":[
		  {"lastModifiedDate":"2018-04-26T12:30:00.000Z","rewardCurrency":"EUR","baseCurrency":"USD","baseFx":1.3599},
		  {"lastModifiedDate":"2018-04-26T12:30:00.000Z","rewardCurrency":"GBP","baseCurrency":"USD","baseFx":"0.771234567891"},
		  {"lastModifiedDate":"2018-04-26T12:30:00.000Z","rewardCurrency":"JPY","baseCurrency":"USD","baseFx":1.0E-2}]}`,
	}
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answers[r.URL.Path]))
	})
	c := newCoreClient(t, ts)
	ctx := context.Background()

	mobile, err := c.Reference.MobileCountries(ctx)
	require.NoError(t, err)
	require.Len(t, mobile, 1)
	assert.Equal(t, "44", mobile[0].CountryCode)

	types, err := c.Reference.CredentialTypes(ctx)
	require.NoError(t, err)
	require.Len(t, types, 2)
	assert.Equal(t, "Card Number", types[0].Description)

	rates, err := c.Reference.ExchangeRates(ctx, nil)
	require.NoError(t, err)
	require.Len(t, rates.ExchangeRates, 3)
	assert.Equal(t, "1.3599", rates.ExchangeRates[0].BaseFx.String(), "a number decodes exactly")
	assert.Equal(t, "0.771234567891", rates.ExchangeRates[1].BaseFx.String(), "a string decodes exactly")
	assert.True(t, rates.ExchangeRates[2].BaseFx.Equal(tango.MustParseAmount("0.01")), "exponent form")
	assert.Equal(t, 12, rates.ExchangeRates[0].LastModifiedDate.Hour())
	assert.False(t, rates.NextPageAvailable)
}

func TestRewardCountries(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()

	page, err := c.Reference.RewardCountries(ctx, &tango.RewardCountriesParams{Countries: []string{"US", "DEU", "FR"}, PreferredCurrencies: []string{"USD", "EUR"}})
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodGet, "/rewardCountries")
	assert.Equal(t, url.Values{"countries": {"US,DEU,FR"}, "preferredCurrencies": {"USD,EUR"}}, queryOf(t, r))
	var codes []string
	for _, ct := range page.Items {
		codes = append(codes, ct.TwoLetterCode)
	}
	assert.Equal(t, []string{"DE", "FR", "US"}, codes)
	assert.Equal(t, tango.RewardCountry{TwoLetterCode: "DE", ThreeLetterCode: "DEU", CountryName: "Germany", PreferredCurrency: "EUR"}, *page.Items[0])

	all, err := collect(c.Reference.AllRewardCountries(ctx, &tango.RewardCountriesParams{CursorParams: tango.CursorParams{MaxResults: 4}}))
	require.NoError(t, err)
	assert.Len(t, all, 9)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/rewardCountries"), 1+3)

	_, err = collect(c.Reference.AllRewardCountries(ctx, &tango.RewardCountriesParams{PreferredCurrencies: []string{"US Dollar"}}))
	assert.ErrorIs(t, err, tango.ErrValidation)
}

func TestExchangeRates(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	require.NoError(t, srv.SetExchangeRate("GBP", "USD", "1.271234"))
	require.NoError(t, srv.SetExchangeRate("CAD", "USD", "0.73"))
	require.NoError(t, srv.SetExchangeRate("USD", "EUR", "0.92"))
	c := resClient(t, srv)
	ctx := context.Background()

	rates, err := c.Reference.ExchangeRates(ctx, &tango.ExchangeRatesParams{BaseCurrencies: []string{"USD"}, RewardCurrencies: []string{"EUR", "GBP"}})
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodGet, "/exchangerates")
	assert.Equal(t, url.Values{"paginate": {"true"}, "baseCurrency": {"USD"}, "rewardCurrency": {"EUR", "GBP"}}, queryOf(t, r))
	assert.Contains(t, rates.Disclaimer, "updated at least once a day")
	require.Len(t, rates.ExchangeRates, 2)
	assert.Equal(t, "EUR", rates.ExchangeRates[0].RewardCurrency)
	assert.Equal(t, "USD", rates.ExchangeRates[0].BaseCurrency)
	assert.Equal(t, tangotest.EURPerUSD, rates.ExchangeRates[0].BaseFx.String())
	assert.Equal(t, "1.271234", rates.ExchangeRates[1].BaseFx.String())
	assert.False(t, rates.ExchangeRates[0].LastModifiedDate.IsZero())
	assert.NotEmpty(t, rates.RequestID)

	page, err := c.Reference.ExchangeRates(ctx, &tango.ExchangeRatesParams{CursorParams: tango.CursorParams{MaxResults: 2}})
	require.NoError(t, err)
	assert.Len(t, page.ExchangeRates, 2)
	assert.True(t, page.NextPageAvailable)
	assert.NotEmpty(t, page.NextCursor)

	all, err := collect(c.Reference.AllExchangeRates(ctx, &tango.ExchangeRatesParams{CursorParams: tango.CursorParams{MaxResults: 3}}))
	require.NoError(t, err)
	assert.Len(t, all, 4)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/exchangerates"), 2+2)

	_, err = c.Reference.ExchangeRates(ctx, &tango.ExchangeRatesParams{BaseCurrencies: []string{"usd"}})
	assert.ErrorIs(t, err, tango.ErrValidation)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/exchangerates"), 4)

	// Reads retry.
	srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/exchangerates", Times: 1, Action: tangotest.Status(http.StatusBadGateway)})
	_, err = c.Reference.ExchangeRates(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/exchangerates"), 6)
}
