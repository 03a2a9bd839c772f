package tango_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/openapicheck"
	"github.com/tango-sdk/tango-go/tangotest"
)

// sdkOperations lists Tango's operationIds the SDK covers: 55 RaaS operations and
// the token endpoint. TestOpenAPIConformance exercises each of them.
var sdkOperations = []string{
	"getCatalog", "getChoiceProductCatalog",
	"createCustomer", "getCustomer", "listCustomers", "listCustomerAccounts", "createCustomerAccount",
	"getAccount", "listCustomerAccounts_1", "updateCustomerAccount",
	"createCreditCard", "getCreditCard", "createCreditCardUnregister", "listCreditCards",
	"createCreditCardDeposit", "getCreditCardDeposit", "transferFunds",
	"getLineItem", "listLineItems", "updateLineItem", "cancelLineItem", "freezeLineItem", "unfreezeLineItem",
	"reissueLineItem", "resendLineItem", "getEmbeddedURL", "fetchAllReasonsCodes",
	"setLowBalanceAlert", "listBalanceAlerts", "getLowBalanceAlert", "updateLowBalanceAlert", "deleteLowBalanceAlert",
	"createOrder", "listOrders", "getOrder", "getOrderResends",
	"getAllChoiceProducts", "getChoiceProductByUtid", "getBrandCategories", "listCountries",
	"listMobileCountries", "listCredentialTypes", "getExchangeRates",
	"listDigitalTemplates", "getDigitalTemplate", "createDigitalTemplate", "updateDigitalTemplate", "deleteDigitalTemplate",
	"createAsyncOrder", "listAsyncOrders", "getAsyncOrder", "updateAsyncOrder", "getAsyncOrderLineItemDetails",
	"updateAsyncLineItem", "getReasonCodes",
	"POST /oauth/token",
}

// TestOpenAPIConformance drives every operation the SDK covers against tangotest,
// records each exchange on the wire and validates the SDK's request and the fake's
// answer against Tango's OpenAPI documents, with the defects listed in
// internal/openapicheck/testdata/defects.json corrected and nothing else excused.
// It prints the counts before any excuse (the raw documents) and after.
func TestOpenAPIConformance(t *testing.T) {
	checkLeaks(t)
	exchanges := driveEveryOperation(t)

	ctx := context.Background()
	raw, err := openapicheck.NewRaw()
	require.NoError(t, err)
	fixed, err := openapicheck.New()
	require.NoError(t, err)

	rawTally := raw.TallyExchanges(ctx, exchanges)
	tally := fixed.TallyExchanges(ctx, exchanges)
	rq, rs, n := rawTally.Counts()
	report := fmt.Sprintf("openapi conformance: %d operations; raw documents: requests valid %d/%d, responses valid %d/%d", n, rq, n, rs, n)
	fq, fs, _ := tally.Counts()
	report += fmt.Sprintf("; with %d defects corrected: requests valid %d/%d, responses valid %d/%d", len(fixed.Defects()), fq, n, fs, n)
	t.Log(report)
	if os.Getenv("TANGO_OPENAPI_REPORT") != "" {
		fmt.Println(report)
		fmt.Print(tally.Failures())
	}

	assert.ElementsMatch(t, sdkOperations, tally.Operations(), "every operation the SDK covers is exercised, and only those")
	assert.Empty(t, tally.Failures(), "requests and responses the defects file does not excuse")
	assert.Equal(t, n, fq, "requests valid")
	assert.Equal(t, n, fs, "responses valid")
}

// driveEveryOperation runs each SDK operation once or more against a tangotest
// server behind a recorder and returns what went over the wire.
func driveEveryOperation(t *testing.T) []openapicheck.Exchange {
	t.Helper()
	fake := tangotest.NewServer()
	t.Cleanup(fake.Close)
	rec := &openapicheck.Recorder{Next: fake}
	ts := httptest.NewUnstartedServer(rec)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	env := tango.Environment{Name: "conformance", APIBaseURL: ts.URL + tangotest.APIPrefix, TokenURL: ts.URL + tangotest.PathToken}
	newClient := func(auth tango.Auth) *tango.Client {
		c, err := tango.NewClient(env, auth, tango.WithRootCAs(pool), tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	c := newClient(fake.BasicAuth())
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		require.NoError(t, err)
	}
	mustFail := func(err error) {
		t.Helper()
		require.Error(t, err)
	}

	// Token endpoint, through an OAuth2 client.
	oc := newClient(tango.OAuth2(fake.ClientID(), fake.ClientSecret()))
	_, err := oc.Accounts.Get(ctx, tangotest.DemoAccount)
	must(err)

	// Catalog and reference data.
	_, err = c.Catalog.Get(ctx, nil)
	must(err)
	_, err = c.Catalog.Get(ctx, &tango.CatalogParams{UTID: tangotest.UTIDRewardLink})
	must(err)
	cps, err := c.Reference.ChoiceProducts(ctx, nil)
	must(err)
	if len(cps) > 0 {
		_, err = c.Reference.ChoiceProduct(ctx, cps[0].UTID)
		must(err)
		_, err = c.Catalog.ChoiceProductCatalog(ctx, cps[0].UTID, nil)
		must(err)
	}
	_, err = c.Reference.BrandCategories(ctx)
	must(err)
	_, err = c.Reference.RewardCountries(ctx, nil)
	must(err)
	_, err = c.Reference.MobileCountries(ctx)
	must(err)
	_, err = c.Reference.CredentialTypes(ctx)
	must(err)
	_, err = c.Reference.ExchangeRates(ctx, nil)
	must(err)
	_, err = c.Reference.ExchangeRates(ctx, &tango.ExchangeRatesParams{BaseCurrencies: []string{"USD"}, RewardCurrencies: []string{"EUR"}})
	must(err)

	// Customers and accounts.
	_, err = c.Customers.Create(ctx, &tango.CreateCustomerRequest{CustomerIdentifier: "conformance-cust", DisplayName: "Conformance"})
	must(err)
	_, err = c.Customers.Get(ctx, "conformance-cust")
	must(err)
	_, err = c.Customers.Get(ctx, "no-such-customer")
	mustFail(err)
	_, err = c.Customers.List(ctx, nil)
	must(err)
	_, err = c.Customers.CreateAccount(ctx, "conformance-cust", &tango.CreateAccountRequest{
		AccountIdentifier: "conformance-acct", DisplayName: "Conformance account", ContactEmail: "ops@example.com",
	})
	must(err)
	_, err = c.Customers.ListAccounts(ctx, "conformance-cust", nil)
	must(err)
	_, err = c.Accounts.Get(ctx, "conformance-acct")
	must(err)
	_, err = c.Accounts.List(ctx, nil)
	must(err)
	_, err = c.Accounts.Update(ctx, "conformance-cust", "conformance-acct", &tango.UpdateAccountRequest{
		DisplayName: "Renamed", FundingNotification: []tango.NotificationEmail{{EmailAddress: "fund@example.com"}},
	})
	must(err)

	// Funding.
	card, err := c.Funding.RegisterCreditCard(ctx, &tango.RegisterCreditCardRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		Label: "conformance", IPAddress: "203.0.113.7",
		CreditCard: tango.CreditCardDetails{Number: tango.NewSecret(plantedCardPAN), Expiration: "2031-09",
			VerificationNumber: tango.NewSecret(plantedCardCVC)},
		BillingAddress: tango.BillingAddress{FirstName: "Ada", LastName: "Lovelace", AddressLine1: "1 Analytical Way",
			City: "Springfield", State: "IL", PostalCode: "62701", Country: "US", EmailAddress: "ada.billing@example.com"},
		ContactInformation: []tango.ContactInformation{{FullName: "Ada Lovelace", EmailAddress: "ada.contact@example.com"}},
	})
	must(err)
	_, err = c.Funding.GetCreditCard(ctx, card.Token)
	must(err)
	_, err = c.Funding.ListCreditCards(ctx, nil)
	must(err)
	dep, err := c.Funding.Deposit(ctx, &tango.DepositRequest{CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier: tangotest.DemoAccount, CreditCardToken: card.Token, Amount: tango.MustParseAmount("100.00")})
	must(err)
	_, err = c.Funding.GetDeposit(ctx, dep.ReferenceDepositID)
	must(err)
	_, err = c.Funding.UnregisterCreditCard(ctx, &tango.UnregisterCreditCardRequest{CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier: tangotest.DemoAccount, CreditCardToken: card.Token})
	must(err)
	_, err = c.Funding.Transfer(ctx, &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount,
		Amount: tango.MustParseAmount("5.00"), Notes: "conformance"})
	must(err)

	// Low balance alerts.
	alert, err := c.LowBalanceAlerts.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{
		BalanceAlertDisplayName: "low", BalanceAlertThreshold: tango.MustParseAmount("50.00"),
		BalanceAlertNotification: []tango.NotificationEmail{{EmailAddress: "alerts@example.com"}},
	})
	must(err)
	_, err = c.LowBalanceAlerts.List(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, nil)
	must(err)
	_, err = c.LowBalanceAlerts.Get(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, alert.BalanceAlertID)
	must(err)
	threshold := tango.MustParseAmount("75.00")
	_, err = c.LowBalanceAlerts.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, alert.BalanceAlertID,
		&tango.UpdateLowBalanceAlertRequest{BalanceAlertThreshold: &threshold})
	must(err)
	_, err = c.LowBalanceAlerts.Delete(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, alert.BalanceAlertID)
	must(err)

	// Templates.
	tpl, err := c.Templates.Create(ctx, &tango.CreateTemplateRequest{
		Name: "Conformance", FromName: "Acme Rewards", Subject: "Your reward", HeaderImage: "iVBORw0KGgo=",
		HeaderImageAltText: "Acme", AccentColor: "#336699", MessageBody: "Thanks!", Closing: "Cheers",
	})
	must(err)
	_, err = c.Templates.Get(ctx, tpl.ETID)
	must(err)
	_, err = c.Templates.List(ctx, nil)
	must(err)
	subject := "Your new reward"
	_, err = c.Templates.Update(ctx, tpl.ETID, &tango.UpdateTemplateRequest{Subject: &subject})
	must(err)

	// Orders and line items.
	orderReq := func(ref, utid, amount string) *tango.CreateOrderRequest {
		return &tango.CreateOrderRequest{
			ExternalRefID: ref, CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
			UTID: utid, Amount: tango.MustParseAmount(amount), SendEmail: new(true), ETID: tpl.ETID,
			Recipient: &tango.Recipient{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"},
			Sender:    &tango.Sender{FirstName: "Acme", Email: "rewards@example.com"},
			Message:   "Thank you", Campaign: "conformance", Notes: "n", PurchaseOrderNumber: "PO-1",
			CustomFields: map[string]any{"costCenter": "CC-12", "seats": 3},
		}
	}
	o1, err := c.Orders.Create(ctx, orderReq("conf-1", tangotest.UTIDRewardLink, "10.00"))
	must(err)
	_, err = c.Orders.Create(ctx, orderReq("conf-1", tangotest.UTIDRewardLink, "10.00")) // replay: 200
	must(err)
	o2, err := c.Orders.Create(ctx, orderReq("conf-2", tangotest.UTIDEuro, "5.00"))
	must(err)
	_, err = c.Orders.Create(ctx, orderReq("conf-3", tangotest.UTIDFixedValue, "10.00"))
	must(err)
	embedded := orderReq("conf-4", tangotest.UTIDRewardLink, "3.00")
	embedded.DeliveryMethod, embedded.SendEmail, embedded.Recipient = tango.DeliveryEmbedded, nil, nil
	o4, err := c.Orders.Create(ctx, embedded)
	must(err)
	_, err = c.Orders.Get(ctx, o1.ReferenceOrderID)
	must(err)
	_, err = c.Orders.Get(ctx, "RA000000-0000-00")
	mustFail(err)
	_, err = c.Orders.List(ctx, nil)
	must(err)
	_, err = c.Orders.List(ctx, &tango.ListOrdersParams{AccountIdentifier: tangotest.DemoAccount, ElementsPerBlock: 1})
	must(err)
	_, err = c.Orders.Resend(ctx, o1.ReferenceOrderID, nil)
	must(err)

	li := o1.ReferenceLineItemID
	_, err = c.LineItems.Get(ctx, li)
	must(err)
	_, err = c.LineItems.List(ctx, nil)
	must(err)
	page, err := c.LineItems.List(ctx, &tango.ListLineItemsParams{ElementsPerBlock: 1})
	must(err)
	if keys := page.KeysetPage.NextPageKeys; len(keys) > 0 {
		_, err = c.LineItems.List(ctx, &tango.ListLineItemsParams{ElementsPerBlock: 1, PageKeys: keys})
		must(err)
	}
	_, err = c.LineItems.EmbeddedURL(ctx, o4.ReferenceLineItemID)
	must(err)
	_, err = c.LineItems.ReasonCodes(ctx)
	must(err)
	notes := "updated"
	_, err = c.LineItems.Update(ctx, li, &tango.UpdateLineItemRequest{OrderNotes: &notes})
	must(err)
	_, err = c.LineItems.Resend(ctx, li, &tango.LineItemResendRequest{NewEmail: "ada2@example.com", ReasonCode: tango.ReasonCode("NOT_RECEIVED")})
	must(err)
	_, err = c.LineItems.Freeze(ctx, li, &tango.LineItemActionRequest{ReasonCode: tango.ReasonFraud})
	must(err)
	_, err = c.LineItems.Unfreeze(ctx, li, &tango.LineItemActionRequest{ReasonCode: tango.ReasonVerifyOrder})
	must(err)
	_, err = c.LineItems.Reissue(ctx, o2.ReferenceLineItemID, &tango.ReissueRequest{ReasonCode: tango.ReasonDeliveryInfo,
		Recipient: &tango.Recipient{Email: "ada3@example.com", FirstName: "Ada"}})
	must(err)
	_, err = c.LineItems.Cancel(ctx, li, &tango.LineItemActionRequest{ReasonCode: tango.ReasonDuplicate})
	must(err)
	_, err = c.LineItems.Get(ctx, li)
	must(err)

	_, err = c.Templates.Delete(ctx, tpl.ETID)
	must(err)

	// Async orders.
	sub, err := c.AsyncOrders.Create(ctx, &tango.CreateAsyncOrderRequest{
		ExternalRefID: "conf-async", CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		Campaign: "conformance", Sender: &tango.Sender{FirstName: "Acme", Email: "rewards@example.com"},
		LineItems: []tango.AsyncLineItemRequest{{ExternalRefLineItemID: "row-1", UTID: tangotest.UTIDRewardLink,
			Amount: tango.MustParseAmount("1.00"), Recipient: &tango.Recipient{Email: "ada@example.com", FirstName: "Ada"}}},
	})
	must(err)
	_, err = c.AsyncOrders.Wait(ctx, sub)
	must(err)
	_, err = c.AsyncOrders.List(ctx, nil)
	must(err)
	_, err = c.AsyncOrders.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, "conf-async", &tango.UpdateAsyncOrderRequest{Notes: "checked"})
	must(err)
	_, err = c.AsyncOrders.Get(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, "conf-async", nil)
	must(err)
	asyncItems, err := c.AsyncOrders.LineItems(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, "conf-async", nil)
	must(err)
	require.NotEmpty(t, asyncItems.LineItems)
	_, err = c.AsyncOrders.UpdateLineItem(ctx, asyncItems.LineItems[0].ReferenceLineItemID, &tango.UpdateAsyncLineItemRequest{LineItemNote: "resent"})
	must(err)
	_, err = c.AsyncOrders.ReasonCodes(ctx)
	must(err)

	exs := rec.Exchanges()
	require.NotEmpty(t, exs)
	for _, ex := range exs {
		require.False(t, strings.HasPrefix(ex.Path, "/raas/v2/raas"), "paths are not doubled")
	}
	return exs
}
