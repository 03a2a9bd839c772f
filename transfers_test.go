package tango_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func TestTransfer(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)

	tr, err := c.Funding.Transfer(context.Background(), &tango.TransferRequest{
		From: tangotest.DemoAccount, To: tangotest.SecondAccount, Amount: tango.MustParseAmount("12.50"), Notes: "Q3 budget",
	})
	require.NoError(t, err)
	body := lastBody(t, srv, http.MethodPost, "/transferFunds")
	assert.Equal(t, []string{"amount", "externalRefID", "transferFrom", "transferNotes", "transferTo"}, keysOf(body))
	assert.Equal(t, tangotest.DemoAccount, body["transferFrom"])
	assert.Equal(t, tangotest.SecondAccount, body["transferTo"])
	assert.Equal(t, "Q3 budget", body["transferNotes"])
	_, err = uuid.Parse(body["externalRefID"].(string))
	require.NoError(t, err)

	assert.Equal(t, "987.50", srv.Balance(tangotest.DemoAccount))
	assert.Equal(t, "37.50", srv.Balance(tangotest.SecondAccount))
	assert.Equal(t, "12.50", tr.TransferredAmount.String())
	assert.Equal(t, "Q3 budget", tr.TransferNotes)
	assert.Equal(t, body["externalRefID"], tr.ExternalRefID)
	assert.False(t, tr.TransferDate.IsZero())
	require.NotNil(t, tr.From)
	require.NotNil(t, tr.To)
	assert.Equal(t, tangotest.DemoAccount, tr.From.AccountIdentifier)
	assert.Equal(t, "USD", tr.From.CurrencyCode)
	assert.Equal(t, "1000.00", tr.From.StartingBalance.String())
	assert.Equal(t, "987.50", tr.From.EndingBalance.String())
	assert.Equal(t, "25.00", tr.To.StartingBalance.String())
	assert.Equal(t, "37.50", tr.To.EndingBalance.String())
	assert.NotEmpty(t, tr.RequestID)
}

func TestTransferRefused(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	require.NoError(t, srv.AddAccount(tangotest.DemoCustomer, "euro-account", "EUR", "100.00"))
	c := fakeAPI(t, srv)
	ctx := context.Background()

	_, err := c.Funding.Transfer(ctx, &tango.TransferRequest{From: tangotest.DemoAccount, To: "euro-account", Amount: tango.MustParseAmount("1")})
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	require.Len(t, apiErr.Errors, 1)
	assert.Equal(t, "transferTo", apiErr.Errors[0].Path)

	_, err = c.Funding.Transfer(ctx, &tango.TransferRequest{From: tangotest.SecondAccount, To: tangotest.DemoAccount, Amount: tango.MustParseAmount("25.01")})
	assert.ErrorIs(t, err, tango.ErrInsufficientFunds)

	_, err = c.Funding.Transfer(ctx, &tango.TransferRequest{From: tangotest.DemoAccount, To: "no-such-account", Amount: tango.MustParseAmount("1")})
	assert.ErrorIs(t, err, tango.ErrNotFound)
	assert.Equal(t, "1000.00", srv.Balance(tangotest.DemoAccount), "refused transfers move nothing")
	sent := srv.RequestCount(http.MethodPost, tangotest.APIPrefix+"/transferFunds")
	assert.Equal(t, 3, sent, "4xx answers are final")

	tests := []struct {
		name string
		req  *tango.TransferRequest
		path string
	}{
		{"same account", &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.DemoAccount, Amount: tango.MustParseAmount("1")}, "transferTo"},
		{"notes", &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount, Amount: tango.MustParseAmount("1"), Notes: strings.Repeat("n", 151)}, "transferNotes"},
		{"negative", &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount, Amount: tango.MustParseAmount("-1")}, "amount"},
		{"from", &tango.TransferRequest{To: tangotest.SecondAccount, Amount: tango.MustParseAmount("1")}, "transferFrom"},
		{"key markup", &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount, Amount: tango.MustParseAmount("1"), ExternalRefID: "<k>"}, "externalRefID"},
		{"nil", nil, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Funding.Transfer(ctx, tt.req)
			var ve *tango.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.path, ve.Fields[0].Path)
		})
	}
	assert.Equal(t, sent, srv.RequestCount(http.MethodPost, tangotest.APIPrefix+"/transferFunds"), "invalid transfers are not sent")
}

func TestTransferIdempotency(t *testing.T) {
	checkLeaks(t)
	path := tangotest.APIPrefix + "/transferFunds"
	t.Run("reused key", func(t *testing.T) {
		srv := startFake(t)
		c := fakeAPI(t, srv)
		req := &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount, Amount: tango.MustParseAmount("10"), ExternalRefID: "tr-1"}
		_, err := c.Funding.Transfer(context.Background(), req)
		require.NoError(t, err)
		_, err = c.Funding.Transfer(context.Background(), req)
		var dup *tango.DuplicateFundingError
		require.ErrorAs(t, err, &dup)
		assert.Equal(t, "tr-1", dup.ExternalRefID)
		assert.Equal(t, "990.00", srv.Balance(tangotest.DemoAccount))
	})
	t.Run("answer lost, caller's key", func(t *testing.T) {
		srv := startFake(t)
		c := fakeAPI(t, srv)
		srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: path, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
		tr, err := c.Funding.Transfer(context.Background(), &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount,
			Amount: tango.MustParseAmount("10"), ExternalRefID: "tr-2"})
		assert.Nil(t, tr, "an earlier call may have used the caller's key: no success")
		var dup *tango.DuplicateFundingError
		require.ErrorAs(t, err, &dup)
		assert.Equal(t, "tr-2", dup.ExternalRefID)
		assert.True(t, dup.AfterUnknownOutcome)
		assert.ErrorIs(t, err, tango.ErrConflict)
		assert.ErrorIs(t, err, tango.ErrOutcomeUnknown)
		assert.Equal(t, "990.00", srv.Balance(tangotest.DemoAccount), "moved once")
	})
	t.Run("answer lost", func(t *testing.T) {
		srv := startFake(t)
		c := fakeAPI(t, srv)
		srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: path, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
		tr, err := c.Funding.Transfer(context.Background(), &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount,
			Amount: tango.MustParseAmount("10"), Notes: "q2 budget"})
		require.NoError(t, err)
		assert.True(t, tr.AlreadyProcessed)
		assert.NotEmpty(t, tr.ExternalRefID)
		assert.True(t, tr.TransferredAmount.Equal(tango.MustParseAmount("10")), "what the SDK sent is filled in")
		assert.Equal(t, "q2 budget", tr.TransferNotes)
		require.NotNil(t, tr.From)
		require.NotNil(t, tr.To)
		assert.Equal(t, tango.TransferAccount{AccountIdentifier: tangotest.DemoAccount}, *tr.From, "only what the SDK sent is known")
		assert.Equal(t, tango.TransferAccount{AccountIdentifier: tangotest.SecondAccount}, *tr.To)
		assert.True(t, tr.TransferDate.IsZero())
		assert.True(t, tr.AlreadyProcessed)
		assert.Equal(t, "990.00", srv.Balance(tangotest.DemoAccount), "moved once")
		assert.Equal(t, "35.00", srv.Balance(tangotest.SecondAccount))
		reqs := requestsTo(srv, http.MethodPost, "/transferFunds")
		require.Len(t, reqs, 2)
		assert.Equal(t, reqs[0].Body, reqs[1].Body)
	})
	t.Run("5xx before handling is retried", func(t *testing.T) {
		srv := startFake(t)
		c := fakeAPI(t, srv)
		srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: path, Times: 2, Action: tangotest.Status(502)})
		tr, err := c.Funding.Transfer(context.Background(), &tango.TransferRequest{From: tangotest.DemoAccount, To: tangotest.SecondAccount,
			Amount: tango.MustParseAmount("10")})
		require.NoError(t, err)
		assert.False(t, tr.AlreadyProcessed)
		assert.Equal(t, 3, srv.RequestCount(http.MethodPost, path))
		assert.Equal(t, "990.00", srv.Balance(tangotest.DemoAccount))
	})
}
