package tango_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func TestExchangeRatePrice(t *testing.T) {
	tests := []struct {
		name           string
		baseFx, reward string
		want           string
		wantErr        bool
	}{
		// Rows recorded from Tango's sandbox (2018-04-19): one NZD buys 0.7313 USD,
		// one AUD buys 51.29066 INR.
		{"USD reward, NZD account", "0.7313", "10.00", "13.67", false},
		{"INR reward, AUD account", "51.29066", "1000", "19.50", false},
		{"tangotest fixture: 20 EUR at 0.92 EUR per USD", tangotest.EURPerUSD, "20.00", "21.74", false},
		{"same currency", "1", "12.34", "12.34", false},
		{"half a cent rounds away from zero", "2", "0.01", "0.01", false},
		{"negative rounds away from zero", "2", "-0.01", "-0.01", false},
		{"zero rate", "0", "10", "", true},
		{"negative rate", "-1", "10", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &tango.ExchangeRate{BaseFx: tango.MustParseAmount(tt.baseFx)}
			got, err := r.Price(tango.MustParseAmount(tt.reward))
			if tt.wantErr {
				assert.ErrorIs(t, err, tango.ErrInvalidAmount)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
	var nilRate *tango.ExchangeRate
	_, err := nilRate.Price(tango.MustParseAmount("1"))
	assert.ErrorIs(t, err, tango.ErrInvalidAmount)
}

// The fake charges what the published rate says, Tango's way round: a preview with
// ExchangeRate.Price equals the order's amountCharged.
func TestExchangeRatePriceMatchesTangotestCharge(t *testing.T) {
	checkLeaks(t)
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	c := fakeClient(t, srv, srv.BasicAuth())
	ctx := context.Background()
	rates, err := c.Reference.ExchangeRates(ctx, &tango.ExchangeRatesParams{BaseCurrencies: []string{"USD"}, RewardCurrencies: []string{"EUR"}})
	require.NoError(t, err)
	require.Len(t, rates.ExchangeRates, 1)
	reward := tango.MustParseAmount("20.00")
	preview, err := rates.ExchangeRates[0].Price(reward)
	require.NoError(t, err)

	order, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		UTID: tangotest.UTIDEuro, Amount: reward, ExternalRefID: "fx-preview",
		Recipient: &tango.Recipient{Email: "ada@example.com", FirstName: "Ada"},
	})
	require.NoError(t, err)
	require.NotNil(t, order.AmountCharged)
	assert.Equal(t, "USD", order.AmountCharged.CurrencyCode)
	require.NotNil(t, order.AmountCharged.Total)
	assert.True(t, preview.Equal(*order.AmountCharged.Total), "preview %s, charged %s", preview, order.AmountCharged.Total)
	assert.Equal(t, "978.26", srv.Balance(tangotest.DemoAccount))
}

func TestExchangeRateDecodesZonelessTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{`{"lastModifiedDate":"2018-04-19T13:00:14.291","rewardCurrency":"EUR","baseCurrency":"NZD","baseFx":0.5912}`,
			time.Date(2018, 4, 19, 13, 0, 14, 291e6, time.UTC), false},
		{`{"lastModifiedDate":"2026-11-29T12:00:00.000Z","baseFx":1}`, time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), false},
		{`{"lastModifiedDate":"2026-11-29T12:00:00+02:00","baseFx":1}`, time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC), false},
		{`{"lastModifiedDate":null,"baseFx":1}`, time.Time{}, false},
		{`{"baseFx":1}`, time.Time{}, false},
		{`{"lastModifiedDate":"yesterday","baseFx":1}`, time.Time{}, true},
	}
	for _, tt := range tests {
		var r tango.ExchangeRate
		err := json.Unmarshal([]byte(tt.in), &r)
		if tt.wantErr {
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.True(t, tt.want.Equal(r.LastModifiedDate), "%s: got %v", tt.in, r.LastModifiedDate)
		assert.False(t, r.BaseFx.IsZero(), "the other fields still decode: %s", tt.in)
	}
}
