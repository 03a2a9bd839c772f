package tango_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/openapicheck"
	"github.com/tango-sdk/tango-go/tangotest"
)

// recordedDecoders decode a recorded answer into the SDK type that operation
// returns and encode it again.
var recordedDecoders = map[string]func([]byte) ([]byte, error){
	"listCustomerAccounts":    roundTrip[[]tango.Account],
	"listCustomerAccounts_1":  roundTrip[[]tango.Account],
	"getAccount":              roundTrip[tango.Account],
	"getCatalog":              roundTrip[tango.Catalog],
	"listCustomers":           roundTrip[[]tango.Customer],
	"getCustomer":             roundTrip[tango.Customer],
	"getExchangeRates":        roundTrip[tango.ExchangeRates],
	"getCreditCardDeposit":    roundTrip[tango.Deposit],
	"createCreditCardDeposit": roundTrip[tango.Deposit],
	"listCreditCards":         roundTrip[[]tango.CreditCard],
	"getCreditCard":           roundTrip[tango.CreditCard],
	"getOrder":                roundTrip[tango.Order],
	"createOrder":             roundTrip[tango.Order],
}

func roundTrip[T any](raw []byte) ([]byte, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func decodeAny(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}

// TestRecordedAnswersDecodeLosslessly decodes every answer recorded from Tango's
// sandbox (Tango's official 2018 SDKs' tests) into the SDK's type and checks that
// encoding it again keeps every name and JSON type: no field is dropped.
func TestRecordedAnswersDecodeLosslessly(t *testing.T) {
	recs, err := openapicheck.LoadRecorded()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	for _, rec := range recs {
		t.Run(rec.Name, func(t *testing.T) {
			rt, ok := recordedDecoders[rec.Operation]
			require.True(t, ok, "no SDK type for %s", rec.Operation)
			out, err := rt(rec.Response)
			require.NoError(t, err)
			assert.Empty(t, openapicheck.DroppedFields(decodeAny(t, rec.Response), decodeAny(t, out)), "fields the SDK drops")
		})
	}
}

// TestTangotestAnswersLikeRecorded sends tangotest the requests recorded against
// Tango's sandbox (ids mapped to the fake's) and checks that its answers have the
// recorded shape: the same names, JSON types and nesting.
func TestTangotestAnswersLikeRecorded(t *testing.T) {
	checkLeaks(t)
	recs, err := openapicheck.LoadRecorded()
	require.NoError(t, err)
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	hc := srv.Client()
	t.Cleanup(hc.CloseIdleConnections)
	send := func(method, path string, body []byte) (int, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, srv.Environment().APIBaseURL+path, rd)
		require.NoError(t, err)
		req.SetBasicAuth(srv.PlatformName(), srv.PlatformKey())
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, b
	}

	// State the recorded requests refer to: a card, a deposit and an order.
	c := fakeClient(t, srv, srv.BasicAuth())
	ctx := context.Background()
	card, err := c.Funding.RegisterCreditCard(ctx, &tango.RegisterCreditCardRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount, Label: "recorded", IPAddress: "203.0.113.7",
		CreditCard: tango.CreditCardDetails{Number: tango.NewSecret(plantedCardPAN), Expiration: "2031-09", VerificationNumber: tango.NewSecret(plantedCardCVC)},
		BillingAddress: tango.BillingAddress{FirstName: "Ada", LastName: "Lovelace", AddressLine1: "1 Analytical Way",
			City: "Springfield", State: "IL", PostalCode: "62701", Country: "US", EmailAddress: "ada.billing@example.com"},
		ContactInformation: []tango.ContactInformation{{FullName: "Ada Lovelace", EmailAddress: "ada.contact@example.com"}},
	})
	require.NoError(t, err)
	dep, err := c.Funding.Deposit(ctx, &tango.DepositRequest{CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier: tangotest.DemoAccount, CreditCardToken: card.Token, Amount: tango.MustParseAmount("1.25")})
	require.NoError(t, err)
	order, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier: tangotest.DemoAccount, UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("1.00"),
		SendEmail: new(false), ExternalRefID: "recorded-1"})
	require.NoError(t, err)

	// The sandbox's ids and the fake's.
	ids := strings.NewReplacer(
		"sdkautotest1", tangotest.DemoCustomer, "sdkautotest4", tangotest.DemoCustomer,
		"sdkautotest2", tangotest.DemoAccount, "sdkautotest3", tangotest.DemoAccount, "sdkautotest5", tangotest.DemoAccount,
		"RA180426-1401-64", order.ReferenceOrderID, "RAD-180426-5407", dep.ReferenceDepositID,
		"56ac1a30-6ba2-4047-9b8c-70f97a5502c5", card.Token,
	)
	for _, rec := range recs {
		t.Run(rec.Name, func(t *testing.T) {
			var body []byte
			if len(rec.Request.Body) > 0 && string(rec.Request.Body) != "null" {
				body = []byte(ids.Replace(string(rec.Request.Body)))
			}
			status, got := send(rec.Request.Method, ids.Replace(rec.Request.Path), body)
			require.Less(t, status, 300, "%s", got)
			assert.Empty(t, openapicheck.ShapeDiff(decodeAny(t, rec.Response), decodeAny(t, got)), "where tangotest's answer differs from Tango's")
		})
	}
}
