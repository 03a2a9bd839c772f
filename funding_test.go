package tango_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Planted card data: a Luhn-valid number and a security code that must never be
// printed, logged or put into an error.
const (
	plantedCardPAN = "4000056655665556"
	plantedCardCVC = "737"
)

// startFake starts a tangotest server with its fixtures, closed when the test ends.
func startFake(t *testing.T, opts ...tangotest.Option) *tangotest.Server {
	t.Helper()
	srv := tangotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// fakeAPI returns a Basic-auth client for srv with quick retries (4 attempts) on a
// fake clock, so that backoff never sleeps.
func fakeAPI(t *testing.T, srv *tangotest.Server, opts ...tango.Option) *tango.Client {
	t.Helper()
	base := []tango.Option{
		tango.WithRootCAs(srv.RootCAs()),
		tango.WithClock(testclock.New(time.Now())),
		quickRetries(4),
		noPacing(),
	}
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// lastBody decodes the body of the last request to method and path.
func lastBody(t *testing.T, srv *tangotest.Server, method, path string) map[string]any {
	t.Helper()
	reqs := requestsTo(srv, method, path)
	require.NotEmpty(t, reqs, "no %s %s reached the fake", method, path)
	var m map[string]any
	require.NoError(t, json.Unmarshal(reqs[len(reqs)-1].Body, &m))
	return m
}

// logSink collects slog output for leak scans.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// debugLogger logs everything, as JSON, into the sink.
func (l *logSink) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// cardRequest is a valid registration on the fixture account.
func cardRequest(label string) *tango.RegisterCreditCardRequest {
	return &tango.RegisterCreditCardRequest{
		CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier:  tangotest.DemoAccount,
		Label:              label,
		IPAddress:          "203.0.113.7",
		CreditCard: tango.CreditCardDetails{
			Number:             tango.NewSecret(plantedCardPAN),
			Expiration:         "2031-09",
			VerificationNumber: tango.NewSecret(plantedCardCVC),
		},
		BillingAddress: tango.BillingAddress{
			FirstName: "Ada", LastName: "Lovelace", AddressLine1: "1 Analytical Way", City: "Springfield",
			State: "IL", PostalCode: "62701", Country: "US", EmailAddress: "ada.billing@example.com",
		},
		ContactInformation: []tango.ContactInformation{{FullName: "Ada Lovelace", EmailAddress: "ada.contact@example.com"}},
	}
}

func registerCard(t *testing.T, c *tango.Client, label string) *tango.CreditCard {
	t.Helper()
	card, err := c.Funding.RegisterCreditCard(context.Background(), cardRequest(label))
	require.NoError(t, err)
	return card
}

func TestRegisterCreditCard(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)

	card, err := c.Funding.RegisterCreditCard(context.Background(), cardRequest("Ops card"))
	require.NoError(t, err)

	body := lastBody(t, srv, http.MethodPost, "/creditCards")
	assert.Equal(t, []string{"accountIdentifier", "billingAddress", "contactInformation", "creditCard", "customerIdentifier", "ipAddress", "label"}, keysOf(body))
	cc := body["creditCard"].(map[string]any)
	assert.Equal(t, map[string]any{"number": plantedCardPAN, "expiration": "2031-09", "verificationNumber": plantedCardCVC}, cc,
		"the wire body carries the revealed card")
	assert.Equal(t, []string{"addressLine1", "city", "country", "emailAddress", "firstName", "lastName", "postalCode", "state"},
		keysOf(body["billingAddress"].(map[string]any)))
	assert.Equal(t, "ada.contact@example.com", body["contactInformation"].([]any)[0].(map[string]any)["emailAddress"])

	assert.Len(t, card.Token, 40)
	assert.Equal(t, "5556", card.LastFourDigits)
	assert.Equal(t, tango.CreditCardActive, card.Status)
	assert.Equal(t, "2031-09", card.ExpirationDate)
	assert.Equal(t, tangotest.DemoAccount, card.AccountIdentifier)
	assert.NotEmpty(t, card.AccountNumber)
	assert.False(t, card.CreatedDate.IsZero())
	assert.False(t, card.ActivationDate.IsZero())
	require.Len(t, card.ContactInformation, 1)
	assert.Equal(t, tango.Private("Ada Lovelace"), card.ContactInformation[0].FullName)
	assert.NotEmpty(t, card.RequestID)

	got, err := c.Funding.GetCreditCard(context.Background(), card.Token)
	require.NoError(t, err)
	assert.Equal(t, card.Token, got.Token)
	assert.Equal(t, "Ops card", got.Label)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/creditCards/"+card.Token), 1)

	_, err = c.Funding.GetCreditCard(context.Background(), strings.Repeat("0", 40))
	assert.ErrorIs(t, err, tango.ErrNotFound)
}

func TestRegisterCreditCardValidation(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	tests := []struct {
		name   string
		change func(*tango.RegisterCreditCardRequest)
		path   string
		key    string
	}{
		{"missing number", func(r *tango.RegisterCreditCardRequest) { r.CreditCard.Number = tango.Secret{} }, "creditCard.number", "422.007"},
		{"number with spaces", func(r *tango.RegisterCreditCardRequest) {
			r.CreditCard.Number = tango.NewSecret("4000 0566 5566 5556")
		}, "creditCard.number", "422.001"},
		{"check digit", func(r *tango.RegisterCreditCardRequest) { r.CreditCard.Number = tango.NewSecret("4000056655665557") }, "creditCard.number", "422.001"},
		{"cvv letters", func(r *tango.RegisterCreditCardRequest) { r.CreditCard.VerificationNumber = tango.NewSecret("7a7") }, "creditCard.verificationNumber", "422.001"},
		{"expiry format", func(r *tango.RegisterCreditCardRequest) { r.CreditCard.Expiration = "09/31" }, "creditCard.expiration", "422.001"},
		{"expiry month", func(r *tango.RegisterCreditCardRequest) { r.CreditCard.Expiration = "2031-13" }, "creditCard.expiration", "422.001"},
		{"label", func(r *tango.RegisterCreditCardRequest) { r.Label = " " }, "label", "422.007"},
		{"label markup", func(r *tango.RegisterCreditCardRequest) { r.Label = "<b>card</b>" }, "label", "422.111"},
		{"ip", func(r *tango.RegisterCreditCardRequest) { r.IPAddress = "203.0.113.7:443" }, "ipAddress", "422.001"},
		{"ip missing (the reference requires it)", func(r *tango.RegisterCreditCardRequest) { r.IPAddress = "" }, "ipAddress", "422.007"},
		{"account", func(r *tango.RegisterCreditCardRequest) { r.AccountIdentifier = "a b" }, "accountIdentifier", "422.501"},
		{"billing city", func(r *tango.RegisterCreditCardRequest) { r.BillingAddress.City = "" }, "billingAddress.city", "422.007"},
		{"billing email", func(r *tango.RegisterCreditCardRequest) { r.BillingAddress.EmailAddress = "ada@" }, "billingAddress.emailAddress", "422.134"},
		{"billing country", func(r *tango.RegisterCreditCardRequest) { r.BillingAddress.Country = "United States" }, "billingAddress.country", "422.001"},
		{"contact email", func(r *tango.RegisterCreditCardRequest) { r.ContactInformation[0].EmailAddress = "nope" }, "contactInformation[0].emailAddress", "422.134"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := cardRequest("x-card")
			tt.change(req)
			_, err := c.Funding.RegisterCreditCard(context.Background(), req)
			var ve *tango.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, "%v", ve)
			assert.Equal(t, tt.path, ve.Fields[0].Path)
			assert.Equal(t, tt.key, ve.Fields[0].I18nKey)
			assert.NotContains(t, err.Error(), plantedCardPAN)
		})
	}
	_, err := c.Funding.RegisterCreditCard(context.Background(), nil)
	assert.ErrorIs(t, err, tango.ErrValidation)
	assert.Zero(t, srv.RequestCount(http.MethodPost, tangotest.APIPrefix+"/creditCards"), "nothing may be sent")
}

func TestRegisterCreditCardNeverRetriedOnceSent(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/creditCards", Method: http.MethodPost, Times: 1, Action: tangotest.StatusAfterCommit(503)})
	_, err := c.Funding.RegisterCreditCard(context.Background(), cardRequest("ops"))
	var unknown *tango.OutcomeUnknownError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, 1, srv.RequestCount(http.MethodPost, tangotest.APIPrefix+"/creditCards"))

	// A 429 means nothing was done, so it is retried.
	srv.Inject(tangotest.Fault{Path: tangotest.APIPrefix + "/creditCards", Method: http.MethodPost, Times: 1, Action: tangotest.RateLimited(0)})
	_, err = c.Funding.RegisterCreditCard(context.Background(), cardRequest("ops 2"))
	require.NoError(t, err)
	assert.Equal(t, 3, srv.RequestCount(http.MethodPost, tangotest.APIPrefix+"/creditCards"))
}

func TestListCreditCards(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	var tokens []string
	for i := range 3 {
		tokens = append(tokens, registerCard(t, c, fmt.Sprintf("card %d", i)).Token)
	}
	other := cardRequest("other account")
	other.AccountIdentifier = tangotest.SecondAccount
	_, err := c.Funding.RegisterCreditCard(ctx, other)
	require.NoError(t, err)

	page, err := c.Funding.ListCreditCards(ctx, &tango.ListCreditCardsParams{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		LastFourDigits: "5556", ShowInactive: true, CursorParams: tango.CursorParams{MaxResults: 2},
	})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	assert.True(t, page.HasNext())
	reqs := requestsTo(srv, http.MethodGet, "/creditCards")
	assert.Equal(t, "accountIdentifier=demo-account&customerIdentifier=demo-customer&lastFourDigits=5556&maxResults=2&paginate=true&showInactive=true",
		reqs[len(reqs)-1].RawQuery)

	var walked []string
	for card, err := range c.Funding.AllCreditCards(ctx, &tango.ListCreditCardsParams{
		AccountIdentifier: tangotest.DemoAccount, CursorParams: tango.CursorParams{MaxResults: 2},
	}) {
		require.NoError(t, err)
		walked = append(walked, card.Token)
	}
	assert.Equal(t, tokens, walked)

	all := 0
	for _, err := range c.Funding.AllCreditCards(ctx, nil) {
		require.NoError(t, err)
		all++
	}
	assert.Equal(t, 4, all)

	_, err = c.Funding.ListCreditCards(ctx, &tango.ListCreditCardsParams{ExpirationDate: "9/31"})
	assert.ErrorIs(t, err, tango.ErrValidation)
	for _, err := range c.Funding.AllCreditCards(ctx, &tango.ListCreditCardsParams{EmailAddress: "x@"}) {
		assert.ErrorIs(t, err, tango.ErrValidation)
	}
}

func TestUnregisterCreditCard(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	card := registerCard(t, c, "to remove")

	out, err := c.Funding.UnregisterCreditCard(ctx, &tango.UnregisterCreditCardRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount, CreditCardToken: card.Token,
	})
	require.NoError(t, err)
	assert.Equal(t, card.Token, out.Token)
	assert.NotEmpty(t, out.Message)
	assert.False(t, out.CreatedDate.IsZero())
	assert.Equal(t, map[string]any{"customerIdentifier": tangotest.DemoCustomer, "accountIdentifier": tangotest.DemoAccount, "creditCardToken": card.Token},
		lastBody(t, srv, http.MethodPost, "/creditCardUnregisters"))

	got, err := c.Funding.GetCreditCard(ctx, card.Token)
	require.NoError(t, err)
	assert.Equal(t, tango.CreditCardDeleted, got.Status)

	active, err := c.Funding.ListCreditCards(ctx, &tango.ListCreditCardsParams{AccountIdentifier: tangotest.DemoAccount})
	require.NoError(t, err)
	assert.Empty(t, active.Items, "deleted cards are hidden by default")
	deleted, err := c.Funding.ListCreditCards(ctx, &tango.ListCreditCardsParams{AccountIdentifier: tangotest.DemoAccount, Status: tango.CreditCardDeleted})
	require.NoError(t, err)
	assert.Len(t, deleted.Items, 1)

	_, err = c.Funding.UnregisterCreditCard(ctx, &tango.UnregisterCreditCardRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount, CreditCardToken: card.Token,
	})
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "422.002", apiErr.I18nKey)

	_, err = c.Funding.UnregisterCreditCard(ctx, &tango.UnregisterCreditCardRequest{CustomerIdentifier: tangotest.DemoCustomer})
	assert.ErrorIs(t, err, tango.ErrValidation)
}

func TestDeposit(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	card := registerCard(t, c, "funding")

	d, err := c.Funding.Deposit(ctx, &tango.DepositRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		CreditCardToken: card.Token, Amount: tango.MustParseAmount("100.000"),
	})
	require.NoError(t, err)
	body := lastBody(t, srv, http.MethodPost, "/creditCardDeposits")
	assert.Equal(t, []string{"accountIdentifier", "amount", "creditCardToken", "customerIdentifier", "externalRefID"}, keysOf(body))
	raw := requestsTo(srv, http.MethodPost, "/creditCardDeposits")[0].Body
	assert.Contains(t, string(raw), `"amount":100.00`, "the amount goes out exactly, with at most two decimals")
	_, err = uuid.Parse(body["externalRefID"].(string))
	require.NoError(t, err, "an empty externalRefID is replaced by a UUID")

	assert.Equal(t, body["externalRefID"], d.ExternalRefID)
	assert.Regexp(t, `^RAD-\d{6}-\d{4}$`, d.ReferenceDepositID)
	assert.Equal(t, "100.00", d.Amount.String())
	require.NotNil(t, d.AmountCharged)
	assert.Equal(t, "103.50", d.AmountCharged.String(), "the card pays the 3.5% fee")
	require.NotNil(t, d.FeePercent)
	assert.True(t, d.FeePercent.Equal(tango.MustParseAmount("3.5")))
	assert.Equal(t, tango.DepositSuccess, d.Status)
	assert.False(t, d.AlreadyProcessed)
	assert.False(t, d.CreatedDate.IsZero())
	assert.Equal(t, "1100.00", srv.Balance(tangotest.DemoAccount))

	got, err := c.Funding.GetDeposit(ctx, d.ReferenceDepositID)
	require.NoError(t, err)
	assert.Equal(t, d.ReferenceDepositID, got.ReferenceDepositID)
	assert.Equal(t, d.ExternalRefID, got.ExternalRefID)
	_, err = c.Funding.GetDeposit(ctx, "RAD-000000-0000")
	assert.ErrorIs(t, err, tango.ErrNotFound)
	_, err = c.Funding.GetDeposit(ctx, "")
	assert.ErrorIs(t, err, tango.ErrValidation)

	given, err := c.Funding.Deposit(ctx, &tango.DepositRequest{
		CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		CreditCardToken: card.Token, Amount: tango.MustParseAmount("1.25"), ExternalRefID: "dep-given-1",
	})
	require.NoError(t, err)
	assert.Equal(t, "dep-given-1", given.ExternalRefID)
	assert.Equal(t, "1.29", given.AmountCharged.String(), "3.5% of 1.25 rounds half up to the cent")
}

func TestDepositValidation(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ok := tango.DepositRequest{CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		CreditCardToken: "tok", Amount: tango.MustParseAmount("5")}
	tests := []struct {
		name   string
		change func(*tango.DepositRequest)
		path   string
	}{
		{"zero", func(r *tango.DepositRequest) { r.Amount = tango.Amount{} }, "amount"},
		{"decimals", func(r *tango.DepositRequest) { r.Amount = tango.MustParseAmount("5.001") }, "amount"},
		{"token", func(r *tango.DepositRequest) { r.CreditCardToken = "" }, "creditCardToken"},
		{"key length", func(r *tango.DepositRequest) { r.ExternalRefID = strings.Repeat("k", 101) }, "externalRefID"},
		{"customer", func(r *tango.DepositRequest) { r.CustomerIdentifier = "" }, "customerIdentifier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := ok
			tt.change(&req)
			_, err := c.Funding.Deposit(context.Background(), &req)
			var ve *tango.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.path, ve.Fields[0].Path)
		})
	}
	assert.Zero(t, srv.RequestCount(http.MethodPost, tangotest.APIPrefix+"/creditCardDeposits"))
}

// TestDepositRetries: a deposit carries one externalRefID through every retry; a
// duplicate answer after an attempt whose fate was unknown means that attempt
// went through.
func TestDepositRetries(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name          string
		action        tangotest.Action
		wantProcessed bool
		wantAttempts  int
	}{
		{"reset after commit", tangotest.ConnectionResetAfterCommit(), true, 2},
		{"503 after commit", tangotest.StatusAfterCommit(503), true, 2},
		{"reset before handling", tangotest.ConnectionReset(), false, 2},
		{"503 before handling", tangotest.Status(503), false, 2},
		{"429", tangotest.RateLimited(0), false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			c := fakeAPI(t, srv)
			card := registerCard(t, c, "retries")
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.APIPrefix + "/creditCardDeposits", Times: 1, Action: tt.action})

			d, err := c.Funding.Deposit(context.Background(), &tango.DepositRequest{
				CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
				CreditCardToken: card.Token, Amount: tango.MustParseAmount("50.00"),
			})
			require.NoError(t, err)
			assert.Equal(t, tt.wantProcessed, d.AlreadyProcessed)
			assert.Equal(t, "1050.00", srv.Balance(tangotest.DemoAccount), "credited exactly once")

			reqs := requestsTo(srv, http.MethodPost, "/creditCardDeposits")
			require.Len(t, reqs, tt.wantAttempts)
			assert.Equal(t, reqs[0].Body, reqs[1].Body, "every attempt sends the same bytes, key included")
			var first map[string]any
			require.NoError(t, json.Unmarshal(reqs[0].Body, &first))
			assert.Equal(t, first["externalRefID"], d.ExternalRefID)
			if tt.wantProcessed {
				assert.Empty(t, d.ReferenceDepositID, "Tango's answer was lost")
				assert.Empty(t, d.Status)
				assert.Equal(t, "50.00", d.Amount.String(), "what the SDK sent is filled in")
				assert.Contains(t, d.String(), "already processed")
			} else {
				assert.NotEmpty(t, d.ReferenceDepositID)
			}
		})
	}
}

func TestDepositDuplicateKey(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	card := registerCard(t, c, "dup")
	req := &tango.DepositRequest{CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		CreditCardToken: card.Token, Amount: tango.MustParseAmount("10"), ExternalRefID: "dep-reused-7"}
	_, err := c.Funding.Deposit(context.Background(), req)
	require.NoError(t, err)

	d, err := c.Funding.Deposit(context.Background(), req)
	assert.Nil(t, d)
	var dup *tango.DuplicateFundingError
	require.ErrorAs(t, err, &dup, "a duplicate on the first attempt is the caller's reused key")
	assert.Equal(t, "dep-reused-7", dup.ExternalRefID)
	assert.ErrorIs(t, err, tango.ErrConflict)
	assert.False(t, dup.AfterUnknownOutcome)
	assert.NotErrorIs(t, err, tango.ErrOutcomeUnknown, "no attempt of this call was uncertain")
	assert.Contains(t, err.Error(), "already processed on this account, by an earlier call")
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 409, apiErr.StatusCode)
	assert.Contains(t, err.Error(), "dep-reused-7")
	assert.Equal(t, "1010.00", srv.Balance(tangotest.DemoAccount))
	assert.Equal(t, 2, srv.RequestCount(http.MethodPost, tangotest.APIPrefix+"/creditCardDeposits"), "a 409 is not retried")
}

func TestDepositOutcomeUnknown(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	clock := testclock.New(time.Now())
	c := fakeAPI(t, srv, tango.WithClock(clock))
	card := registerCard(t, c, "unknown")
	path := tangotest.APIPrefix + "/creditCardDeposits"
	// The first attempt credits the account and its answer is lost; from the
	// first backoff on, every attempt is dropped before the fake handles it.
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: path, Times: 1, Action: tangotest.StatusAfterCommit(503)})
	var once sync.Once
	clock.OnSleep(func(time.Duration) {
		once.Do(func() {
			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: path, Action: tangotest.ConnectionReset()})
		})
	})
	req := &tango.DepositRequest{CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		CreditCardToken: card.Token, Amount: tango.MustParseAmount("1"), ExternalRefID: "dep-unknown-1"}
	_, err := c.Funding.Deposit(context.Background(), req)
	var unknown *tango.OutcomeUnknownError
	require.ErrorAs(t, err, &unknown)
	assert.ErrorIs(t, err, tango.ErrOutcomeUnknown)
	assert.Equal(t, "dep-unknown-1", unknown.ExternalRefID)
	assert.Equal(t, 4, unknown.Attempts)
	assert.Contains(t, err.Error(), "dep-unknown-1")
	assert.Equal(t, "1001.00", srv.Balance(tangotest.DemoAccount))

	srv.ClearFaults()
	clock.OnSleep(nil)
	d, err := c.Funding.Deposit(context.Background(), req)
	var dup *tango.DuplicateFundingError
	require.ErrorAs(t, err, &dup, "calling again with the key settles it: the deposit exists")
	assert.Nil(t, d)
	assert.ErrorIs(t, err, tango.ErrConflict)
	assert.NotErrorIs(t, err, tango.ErrOutcomeUnknown, "the settling call's own attempt was answered")
	assert.False(t, dup.AfterUnknownOutcome)
	assert.Contains(t, err.Error(), "if that call ended with an unknown outcome, it went through")
	assert.Equal(t, "1001.00", srv.Balance(tangotest.DemoAccount))
}

// TestDepositDuplicateAfterUncertainAttempt: a duplicate answer after an attempt
// of the same call whose outcome was unknown proves that attempt went through
// only when the SDK made the key up within the call. With the caller's key an
// earlier call may have used it (here for another amount), so the call fails
// with a *DuplicateFundingError that matches both ErrConflict and
// ErrOutcomeUnknown, never with a success.
func TestDepositDuplicateAfterUncertainAttempt(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name        string
		earlier     string // key of an earlier deposit of 1.00 ("" for none)
		key         string // key of the call under test ("" lets the SDK make one)
		action      tangotest.Action
		wantBalance string
	}{
		{"SDK key, 503 after commit", "", "", tangotest.StatusAfterCommit(503), "1050.00"},
		{"SDK key, reset after commit", "", "", tangotest.ConnectionResetAfterCommit(), "1050.00"},
		{"caller key used before, 503 before handling", "payroll-2026-05", "payroll-2026-05", tangotest.Status(503), "1001.00"},
		{"caller key used before, reset before handling", "payroll-2026-06", "payroll-2026-06", tangotest.ConnectionReset(), "1001.00"},
		{"fresh caller key, 503 after commit", "", "dep-fresh-1", tangotest.StatusAfterCommit(503), "1050.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			c := fakeAPI(t, srv)
			ctx := context.Background()
			card := registerCard(t, c, "uncertain")
			base := tango.DepositRequest{CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount, CreditCardToken: card.Token}
			want := "1000.00"
			if tt.earlier != "" {
				first := base
				first.Amount, first.ExternalRefID = tango.MustParseAmount("1.00"), tt.earlier
				_, err := c.Funding.Deposit(ctx, &first)
				require.NoError(t, err)
				want = "1001.00"
			}
			require.Equal(t, want, srv.Balance(tangotest.DemoAccount))

			srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.APIPrefix + "/creditCardDeposits", Times: 1, Action: tt.action})
			req := base
			req.Amount, req.ExternalRefID = tango.MustParseAmount("50.00"), tt.key
			d, err := c.Funding.Deposit(ctx, &req)
			assert.Equal(t, tt.wantBalance, srv.Balance(tangotest.DemoAccount))

			if tt.key == "" {
				require.NoError(t, err)
				assert.True(t, d.AlreadyProcessed, "only this call can have used a key the SDK made up")
				assert.Equal(t, "50.00", d.Amount.String())
				assert.NotEmpty(t, d.ExternalRefID)
				return
			}
			assert.Nil(t, d, "a caller's key never turns a duplicate into a success")
			var dup *tango.DuplicateFundingError
			require.ErrorAs(t, err, &dup)
			assert.Equal(t, tt.key, dup.ExternalRefID)
			assert.True(t, dup.AfterUnknownOutcome)
			assert.ErrorIs(t, err, tango.ErrConflict)
			assert.ErrorIs(t, err, tango.ErrOutcomeUnknown)
			var unknown *tango.OutcomeUnknownError
			require.ErrorAs(t, err, &unknown)
			assert.Equal(t, tt.key, unknown.ExternalRefID)
			var apiErr *tango.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
			assert.Contains(t, err.Error(), "by this call (an attempt whose outcome was unknown) or by an earlier call")
			assert.Contains(t, err.Error(), "check the account's funding history or balance")
		})
	}
}

// TestDuplicateFundingRecognition runs Tango's possible 409 shapes through an
// httptest server: only a duplicate-key 409 is read as one.
func TestDuplicateFundingRecognition(t *testing.T) {
	checkLeaks(t)
	tests := []struct {
		name  string
		key   string
		msg   string
		field *wireFieldError
		dup   bool
	}{
		{"documented message", "", "externalRefID is not unique. Duplicate funding request.", nil, true},
		{"with a key", "409.031", "Duplicate funding request.", nil, true},
		{"field error", "", "", &wireFieldError{Path: "externalRefID", I18nKey: "409.031", Message: "must be unique"}, true},
		{"another conflict", "409.017", "The account display name already exists.", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				var fields []wireFieldError
				if tt.field != nil {
					fields = append(fields, *tt.field)
				}
				writeTangoError(w, r, http.StatusConflict, tt.key, tt.msg, fields...)
			})
			c := newCoreClient(t, ts, quickRetries(3))
			_, err := c.Funding.Transfer(context.Background(), &tango.TransferRequest{From: "acct-one", To: "acct-two", Amount: tango.MustParseAmount("1")})
			var dup *tango.DuplicateFundingError
			assert.Equal(t, tt.dup, errors.As(err, &dup), "%v", err)
			assert.ErrorIs(t, err, tango.ErrConflict)
			assert.EqualValues(t, 1, ts.hits.Load())
		})
	}
}

// TestCardDataNeverPrinted plants a card number and security code and scans every
// way they could leak: fmt verbs, slog (text and JSON), JSON encoding of the
// request, errors from the SDK's checks and from a server that echoes them back,
// and the client's debug log.
func TestCardDataNeverPrinted(t *testing.T) {
	checkLeaks(t)
	var sink logSink
	srv := startFake(t)
	c := fakeAPI(t, srv, tango.WithLogger(sink.logger()))
	req := cardRequest("leak check")

	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out = append(out, fmt.Sprintf(verb, req), fmt.Sprintf(verb, *req), fmt.Sprintf(verb, req.CreditCard), fmt.Sprintf(verb, req.BillingAddress))
	}
	// encoding/json keeps the billing data but never the card: the one
	// documented exception to faithful JSON.
	js, err := json.Marshal(req)
	require.NoError(t, err)
	assert.NotContains(t, string(js), plantedCardPAN)
	assert.NotContains(t, string(js), plantedCardCVC+"-cvv")
	assert.Contains(t, string(js), "ada.billing@example.com")
	var text bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("register", "req", req, "details", req.CreditCard, "value", *req)
	slog.New(slog.NewJSONHandler(&text, nil)).Info("register", "req", req, "details", req.CreditCard, "value", *req)
	out = append(out, text.String())

	card, err := c.Funding.RegisterCreditCard(context.Background(), req)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		out = append(out, fmt.Sprintf(verb, card), fmt.Sprintf(verb, *card))
	}
	text.Reset()
	slog.New(slog.NewJSONHandler(&text, nil)).Info("card", "card", card, "value", *card)
	out = append(out, text.String())

	bad := cardRequest("bad")
	bad.CreditCard.Number = tango.NewSecret(plantedCardPAN + "1")
	_, err = c.Funding.RegisterCreditCard(context.Background(), bad)
	require.Error(t, err)
	out = append(out, err.Error(), fmt.Sprintf("%+v", err))

	// A server that echoes the rejected number back, as Tango's validation does.
	echo := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeTangoError(w, r, http.StatusBadRequest, "", "", wireFieldError{
			Path: "creditCard.number", I18nKey: "422.001", Message: "The credit card number is not valid.", InvalidValue: plantedCardPAN,
		}, wireFieldError{Path: "creditCard.verificationNumber", I18nKey: "422.001", Message: "bad", InvalidValue: plantedCardCVC + "-cvv"})
	})
	ec := newCoreClient(t, echo, tango.WithLogger(sink.logger()))
	_, err = ec.Funding.RegisterCreditCard(context.Background(), cardRequest("echo"))
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "creditCard.number", apiErr.Errors[0].Path)
	out = append(out, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))

	out = append(out, sink.String())
	require.NotEmpty(t, sink.String(), "the debug log ran")
	for i, s := range out {
		assert.NotContains(t, s, plantedCardPAN, "output %d leaks the card number: %s", i, s)
		assert.NotContains(t, s, plantedCardCVC+"-cvv", "output %d leaks the security code", i)
		assert.NotContains(t, s, "ada.billing@example.com", "output %d leaks the billing email", i)
		assert.NotContains(t, s, "ada.contact@example.com", "output %d leaks the contact email", i)
	}
	assert.NotContains(t, sink.String(), `"`+plantedCardCVC+`"`)
}

func TestAccountGuardSeesFundingCalls(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	type seen struct{ customer, account string }
	var mu sync.Mutex
	var calls []seen
	guard := func(_ context.Context, customer, account string) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, seen{customer, account})
		if account == "forbidden-acct" {
			return errors.New("not yours")
		}
		return nil
	}
	c := fakeAPI(t, srv, tango.WithAccountGuard(guard))
	ctx := context.Background()
	card := registerCard(t, c, "guarded")
	_, err := c.Funding.Deposit(ctx, &tango.DepositRequest{CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		CreditCardToken: card.Token, Amount: tango.MustParseAmount("1")})
	require.NoError(t, err)
	_, err = c.Funding.Transfer(ctx, &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount, Amount: tango.MustParseAmount("1")})
	require.NoError(t, err)
	_, err = c.Funding.Transfer(ctx, &tango.TransferRequest{From: tangotest.DemoAccount, To: "forbidden-acct", Amount: tango.MustParseAmount("1")})
	require.ErrorContains(t, err, "not yours")
	_, err = c.Account(tangotest.DemoCustomer, tangotest.DemoAccount).Funding().Transfer(ctx,
		&tango.TransferRequest{To: tangotest.SecondAccount, Amount: tango.MustParseAmount("1")})
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []seen{
		{tangotest.DemoCustomer, tangotest.DemoAccount}, // register
		{tangotest.DemoCustomer, tangotest.DemoAccount}, // deposit
		{"", tangotest.SecondAccount},                   // transfer: destination
		{"", tangotest.DemoAccount},                     // transfer: source
		{"", "forbidden-acct"},                          // refused destination
		{"", tangotest.SecondAccount},                   // scoped transfer: destination
		{tangotest.DemoCustomer, tangotest.DemoAccount}, // scoped transfer: source, with the scope's customer
	}, calls)
	assert.Equal(t, 2, srv.RequestCount(http.MethodPost, tangotest.APIPrefix+"/transferFunds"))
}

func TestAccountScopeFunding(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	scope := c.Account(tangotest.DemoCustomer, tangotest.DemoAccount)

	req := cardRequest("scoped")
	req.CustomerIdentifier, req.AccountIdentifier = "", ""
	card, err := scope.Funding().RegisterCreditCard(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, tangotest.DemoAccount, card.AccountIdentifier)
	assert.Empty(t, req.AccountIdentifier, "the caller's request is not changed")

	d, err := scope.Funding().Deposit(ctx, &tango.DepositRequest{CreditCardToken: card.Token, Amount: tango.MustParseAmount("20")})
	require.NoError(t, err)
	assert.Equal(t, tango.DepositSuccess, d.Status)
	assert.Equal(t, "1020.00", srv.Balance(tangotest.DemoAccount))

	tr, err := scope.Funding().Transfer(ctx, &tango.TransferRequest{To: tangotest.SecondAccount, Amount: tango.MustParseAmount("5")})
	require.NoError(t, err)
	assert.Equal(t, tangotest.DemoAccount, tr.From.AccountIdentifier)

	before := len(srv.Requests())
	_, err = scope.Funding().Deposit(ctx, &tango.DepositRequest{AccountIdentifier: tangotest.SecondAccount, CreditCardToken: card.Token, Amount: tango.MustParseAmount("1")})
	assert.ErrorIs(t, err, tango.ErrOutsideScope)
	_, err = scope.Funding().Transfer(ctx, &tango.TransferRequest{From: tangotest.SecondAccount, To: tangotest.DemoAccount, Amount: tango.MustParseAmount("1")})
	assert.ErrorIs(t, err, tango.ErrOutsideScope)
	other := cardRequest("other")
	other.CustomerIdentifier = "other-customer"
	_, err = scope.Funding().RegisterCreditCard(ctx, other)
	assert.ErrorIs(t, err, tango.ErrOutsideScope)
	assert.Equal(t, before, len(srv.Requests()), "refused scoped calls send nothing")

	_, err = scope.Funding().UnregisterCreditCard(ctx, card.Token)
	require.NoError(t, err)
	_, err = scope.Funding().Deposit(ctx, nil)
	assert.ErrorIs(t, err, tango.ErrValidation)
}

// TestCreditCardDecoding reads Tango's card and deposit shapes, a plain array
// answer included (what Tango sends when paging is off), with fields the fake does
// not produce and unknown ones.
func TestCreditCardDecoding(t *testing.T) {
	checkLeaks(t)
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case apiRoot + "/creditCards":
			_, _ = w.Write([]byte(`[{"customerIdentifier":"cust-1","accountIdentifier":"acct-1","accountNumber":"A11720237",
				"token":"0123456789abcdef0123456789abcdef01234567","label":"Main","lastFourDigits":"1111","expirationDate":"2030-01",
				"status":"SUSPENDED","createdDate":"2018-04-26T20:08:59.624Z","activationDate":"2018-04-29T20:08:59.624Z",
				"contactInformation":[{"fullName":"Ada","emailAddress":"ada.contact@example.com"}],"newField":[1,2]}]`))
		default:
			_, _ = w.Write([]byte(`{"referenceDepositID":"RAD-180426-5407","amount":1.25,"amountCharged":null,"feePercent":3.5,
				"status":"PENDING","createdDate":"2018-04-26T20:08:59.624Z","externalRefID":null,"accountNumber":"A11720237"}`))
		}
	})
	c := newCoreClient(t, ts)
	page, err := c.Funding.ListCreditCards(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	card := page.Items[0]
	assert.Equal(t, tango.CreditCardStatus("SUSPENDED"), card.Status, "unknown statuses decode")
	assert.Equal(t, 2018, card.ActivationDate.Year())
	assert.Equal(t, tango.Private("ada.contact@example.com"), card.ContactInformation[0].EmailAddress)
	assert.False(t, page.HasNext())
	for _, s := range []string{fmt.Sprintf("%+v", card), fmt.Sprintf("%#v", *card)} {
		assert.NotContains(t, s, "ada.contact@example.com")
	}

	d, err := c.Funding.GetDeposit(context.Background(), "RAD-180426-5407")
	require.NoError(t, err)
	assert.Equal(t, tango.DepositPending, d.Status)
	assert.Nil(t, d.AmountCharged, "a pending deposit has charged nothing yet")
	assert.Equal(t, "1.25", d.Amount.String())
	assert.Equal(t, "3.5", d.FeePercent.String())
}

// TestUnusableScopeRefusesFundingAndLineItems: a scope with a missing or
// malformed identifier sends nothing (an empty account filter would match every
// account).
func TestUnusableScopeRefusesFundingAndLineItems(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	for _, ids := range [][2]string{{"", ""}, {tangotest.DemoCustomer, ""}, {"", tangotest.DemoAccount}, {tangotest.DemoCustomer, "a b"}} {
		scope := c.Account(ids[0], ids[1])
		calls := map[string]func() error{
			"deposit": func() error {
				_, err := scope.Funding().Deposit(ctx, &tango.DepositRequest{CustomerIdentifier: tangotest.DemoCustomer,
					AccountIdentifier: tangotest.DemoAccount, CreditCardToken: "tok", Amount: tango.MustParseAmount("1")})
				return err
			},
			"transfer": func() error {
				_, err := scope.Funding().Transfer(ctx, &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount, Amount: tango.MustParseAmount("1")})
				return err
			},
			"register":   func() error { _, err := scope.Funding().RegisterCreditCard(ctx, cardRequest("x")); return err },
			"unregister": func() error { _, err := scope.Funding().UnregisterCreditCard(ctx, "tok"); return err },
			"get":        func() error { _, err := scope.LineItems().Get(ctx, "RA1-1"); return err },
			"list":       func() error { _, err := scope.LineItems().List(ctx, nil); return err },
			"all": func() error {
				for _, err := range scope.LineItems().All(ctx, nil) {
					return err
				}
				return nil
			},
		}
		for name, call := range calls {
			err := call()
			assert.ErrorIs(t, err, tango.ErrOutsideScope, "%s with scope %q", name, ids)
			assert.ErrorIs(t, err, tango.ErrValidation, "%s with scope %q", name, ids)
		}
	}
	for _, r := range srv.Requests() {
		assert.False(t, strings.Contains(r.Path, "/creditCard") || strings.Contains(r.Path, "/transferFunds") || strings.Contains(r.Path, "/lineItems"),
			"an unusable scope sent %s %s", r.Method, r.Path)
	}
	assert.Equal(t, "1000.00", srv.Balance(tangotest.DemoAccount))
}
