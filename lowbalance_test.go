package tango_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

const alertsRoot = "/customers/" + tangotest.DemoCustomer + "/accounts/" + tangotest.DemoAccount + "/lowbalance"

func TestLowBalanceAlertsLifecycle(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	svc := c.LowBalanceAlerts

	created, err := svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{
		BalanceAlertDisplayName:  "Running low",
		BalanceAlertThreshold:    tango.MustParseAmount("250.00"),
		BalanceAlertNotification: []tango.NotificationEmail{{EmailAddress: "finance@example.com"}},
	})
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodPost, alertsRoot)
	assert.JSONEq(t, `{"balanceAlertDisplayName":"Running low","balanceAlertThreshold":250.00,"balanceAlertNotification":[{"emailAddress":"finance@example.com"}]}`, string(r.Body))
	assert.Contains(t, string(r.Body), `"balanceAlertThreshold":250.00`, "the threshold keeps its exact digits")
	_, err = uuid.Parse(created.BalanceAlertID)
	require.NoError(t, err)
	assert.Equal(t, tangotest.DemoCustomer, created.CustomerIdentifier)
	assert.Equal(t, tangotest.DemoAccount, created.AccountIdentifier)
	assert.Equal(t, "Running low", created.BalanceAlertDisplayName)
	assert.Equal(t, "250.00", created.BalanceAlertThreshold.String())
	assert.Equal(t, []tango.NotificationEmail{{EmailAddress: "finance@example.com"}}, created.BalanceAlertNotification)
	assert.False(t, created.CreatedAt.IsZero())

	got, err := svc.Get(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, created.BalanceAlertID)
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodGet, alertsRoot+"/"+created.BalanceAlertID)
	assert.Equal(t, created.BalanceAlertID, got.BalanceAlertID)

	// PATCH: nil keeps the notification list, [] clears it.
	id := created.BalanceAlertID
	upd, err := svc.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, id, &tango.UpdateLowBalanceAlertRequest{BalanceAlertThreshold: ptrAmount("100.5")})
	require.NoError(t, err)
	assert.Equal(t, "100.50", upd.BalanceAlertThreshold.String())
	assert.Len(t, upd.BalanceAlertNotification, 1, "nil leaves the list alone")
	upd, err = svc.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, id, &tango.UpdateLowBalanceAlertRequest{BalanceAlertNotification: []tango.NotificationEmail{}})
	require.NoError(t, err)
	assert.Empty(t, upd.BalanceAlertNotification, "an empty list clears it")
	patches := requestsTo(srv, http.MethodPatch, alertsRoot+"/"+id)
	require.Len(t, patches, 2)
	assert.JSONEq(t, `{"balanceAlertThreshold":100.5}`, string(patches[0].Body))
	assert.JSONEq(t, `{"balanceAlertNotification":[]}`, string(patches[1].Body))

	del, err := svc.Delete(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, id)
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodDelete, alertsRoot+"/"+id)
	assert.Equal(t, tango.AlertDeleted, del.Status)
	assert.Equal(t, id, del.BalanceAlertID)

	_, err = svc.Get(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, id)
	assert.ErrorIs(t, err, tango.ErrNotFound)
	_, err = svc.Create(ctx, tangotest.DemoCustomer, "unknown-account", &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("1")})
	assert.ErrorIs(t, err, tango.ErrNotFound)
}

func TestLowBalanceAlertsListAndAll(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	svc := c.LowBalanceAlerts
	for i := range 5 {
		_, err := svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{
			BalanceAlertDisplayName: fmt.Sprintf("alert %d", i), BalanceAlertThreshold: tango.MustParseAmount(fmt.Sprintf("%d0.00", i+1)),
		})
		require.NoError(t, err)
	}

	list, err := svc.List(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.ListLowBalanceAlertsParams{ElementsPerBlock: 2, Page: 1})
	require.NoError(t, err)
	r := onlyRequest(t, srv, http.MethodGet, alertsRoot)
	assert.Equal(t, url.Values{"elementsPerBlock": {"2"}, "page": {"1"}}, queryOf(t, r))
	assert.Equal(t, tango.CollectionPage{Size: 2, TotalElements: 5, TotalPages: 3, Number: 1}, list.Page)
	require.Len(t, list.LowBalanceAlerts, 2)
	assert.Equal(t, "alert 2", list.LowBalanceAlerts[0].BalanceAlertDisplayName)

	filtered, err := svc.List(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.ListLowBalanceAlertsParams{BalanceAlertDisplayName: "alert", BalanceAlertThreshold: ptrAmount("30.00")})
	require.NoError(t, err)
	rs := requestsTo(srv, http.MethodGet, alertsRoot)
	assert.Equal(t, url.Values{"balanceAlertDisplayName": {"alert"}, "balanceAlertThreshold": {"30.00"}}, queryOf(t, rs[1]))
	require.Len(t, filtered.LowBalanceAlerts, 1)
	assert.Equal(t, "alert 2", filtered.LowBalanceAlerts[0].BalanceAlertDisplayName)

	params := &tango.ListLowBalanceAlertsParams{ElementsPerBlock: 2}
	all, err := collect(svc.All(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, params))
	require.NoError(t, err)
	assert.Len(t, all, 5)
	assert.Equal(t, 0, params.Page, "the caller's params are not changed")
	assert.Len(t, requestsTo(srv, http.MethodGet, alertsRoot), 2+3)

	for range svc.All(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, params) {
		break
	}
	assert.Len(t, requestsTo(srv, http.MethodGet, alertsRoot), 2+3+1, "breaking stops paging")

	_, err = svc.List(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.ListLowBalanceAlertsParams{ElementsPerBlock: 101})
	assert.ErrorIs(t, err, tango.ErrValidation)
}

func TestLowBalanceAlertsAllStopsWithoutProgress(t *testing.T) {
	checkLeaks(t)
	var hits int
	var mu sync.Mutex
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		// A server that ignores the page parameter: always page 0 of 3.
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"page":{"size":1,"totalElements":3,"totalPages":3,"number":0},"lowBalanceAlerts":[{"balanceAlertID":"` + uuid.NewString() + `","balanceAlertThreshold":"5"}]}`))
	})
	c := newCoreClient(t, ts)
	got, err := collect(c.LowBalanceAlerts.All(context.Background(), "cust-1", "acct-1", nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "page 0 when asked for page 1")
	assert.Len(t, got, 1)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 2, hits)
}

func TestLowBalanceAlertInputsRefusedBeforeSending(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	svc := c.LowBalanceAlerts
	ok := &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("10")}
	tests := []struct {
		name string
		call func() error
		path string
	}{
		{"bad customer", func() error { _, err := svc.Create(ctx, "x", tangotest.DemoAccount, ok); return err }, "customerIdentifier"},
		{"bad account", func() error { _, err := svc.List(ctx, tangotest.DemoCustomer, "a/b/c", nil); return err }, "accountIdentifier"},
		{"nil create", func() error {
			_, err := svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, nil)
			return err
		}, "request"},
		{"negative threshold", func() error {
			_, err := svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("-1")})
			return err
		}, "balanceAlertThreshold"},
		{"three decimals", func() error {
			_, err := svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("1.005")})
			return err
		}, "balanceAlertThreshold"},
		{"markup in name", func() error {
			_, err := svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{BalanceAlertDisplayName: "<img src=x>", BalanceAlertThreshold: tango.MustParseAmount("1")})
			return err
		}, "balanceAlertDisplayName"},
		{"bad address", func() error {
			_, err := svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("1"),
				BalanceAlertNotification: []tango.NotificationEmail{{EmailAddress: "a@b"}}})
			return err
		}, "balanceAlertNotification[0].emailAddress"},
		{"alert id not a uuid", func() error {
			_, err := svc.Get(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, "../../orders")
			return err
		}, "balanceAlertID"},
		{"empty alert id", func() error { _, err := svc.Delete(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, ""); return err }, "balanceAlertID"},
		{"update that changes nothing", func() error {
			_, err := svc.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, uuid.NewString(), &tango.UpdateLowBalanceAlertRequest{})
			return err
		}, "request"},
		{"negative page", func() error {
			_, err := svc.List(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.ListLowBalanceAlertsParams{Page: -1})
			return err
		}, "page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve *tango.ValidationError
			require.ErrorAs(t, tt.call(), &ve)
			assert.Equal(t, tt.path, ve.Fields[0].Path, "%v", ve)
		})
	}
	assert.Empty(t, srv.Requests())
}

func TestLowBalanceAlertWritesAreNotRetried(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	c := resClient(t, srv)
	ctx := context.Background()
	svc := c.LowBalanceAlerts
	created, err := svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("5")})
	require.NoError(t, err)
	idPath := alertsRoot + "/" + created.BalanceAlertID

	for _, method := range []string{http.MethodPost, http.MethodPatch, http.MethodDelete} {
		srv.Inject(tangotest.Fault{Method: method, Path: tangotest.APIPrefix + alertsRoot, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
	}
	_, err = svc.Create(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("5")})
	assert.ErrorIs(t, err, tango.ErrServerError)
	_, err = svc.Update(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, created.BalanceAlertID, &tango.UpdateLowBalanceAlertRequest{BalanceAlertDisplayName: "renamed"})
	assert.ErrorIs(t, err, tango.ErrServerError)
	_, err = svc.Delete(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, created.BalanceAlertID)
	assert.ErrorIs(t, err, tango.ErrServerError)
	assert.Len(t, requestsTo(srv, http.MethodPost, alertsRoot), 2)
	assert.Len(t, requestsTo(srv, http.MethodPatch, idPath), 1)
	assert.Len(t, requestsTo(srv, http.MethodDelete, idPath), 1)

	// A lost connection after the delete is an uncertain outcome, not a failure.
	srv.Inject(tangotest.Fault{Method: http.MethodDelete, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
	_, err = svc.Delete(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, created.BalanceAlertID)
	assert.ErrorIs(t, err, tango.ErrOutcomeUnknown)
	_, err = svc.Get(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, created.BalanceAlertID)
	assert.ErrorIs(t, err, tango.ErrNotFound, "it was deleted")

	// Reads retry.
	srv.Inject(tangotest.Fault{Method: http.MethodGet, Path: tangotest.APIPrefix + alertsRoot, Times: 1, Action: tangotest.Status(http.StatusServiceUnavailable)})
	_, err = svc.List(ctx, tangotest.DemoCustomer, tangotest.DemoAccount, nil)
	require.NoError(t, err)
}

func TestLowBalanceAlertPrintingHidesAddresses(t *testing.T) {
	const planted = "planted.alert.address@example.com"
	notify := []tango.NotificationEmail{{EmailAddress: planted}}
	alert := &tango.LowBalanceAlert{BalanceAlertID: "id-1", AccountIdentifier: "acct-1", BalanceAlertThreshold: tango.MustParseAmount("9.99"), BalanceAlertNotification: notify}
	create := &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("1"), BalanceAlertNotification: notify}
	update := &tango.UpdateLowBalanceAlertRequest{BalanceAlertNotification: notify}
	list := &tango.LowBalanceAlertList{LowBalanceAlerts: []*tango.LowBalanceAlert{alert}}
	var out strings.Builder
	for _, v := range []any{alert, *alert, create, *create, update, *update, list, *list} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("alert", "alert", alert)
	assert.NotContains(t, out.String(), "planted")
	assert.NotContains(t, logs.String(), "planted")
	assert.Contains(t, out.String(), "9.99")
	assert.Contains(t, logs.String(), "id-1")
}

func TestAccountScopeAccountAndAlerts(t *testing.T) {
	checkLeaks(t)
	srv := resFake(t)
	var mu sync.Mutex
	var seen [][2]string
	guard := func(_ context.Context, customer, account string) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, [2]string{customer, account})
		return nil
	}
	c := resClient(t, srv, tango.WithAccountGuard(guard))
	ctx := context.Background()
	scope := c.Account(tangotest.DemoCustomer, tangotest.DemoAccount)

	bal, err := scope.Balance(ctx)
	require.NoError(t, err)
	assert.Equal(t, "1000.00", bal.CurrentBalance.String())
	assert.Equal(t, "USD", bal.CurrencyCode)
	assert.NotEmpty(t, bal.RequestID)
	acct, err := scope.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, tangotest.DemoAccount, acct.AccountIdentifier)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/accounts/"+tangotest.DemoAccount), 2)

	alerts := scope.LowBalanceAlerts()
	created, err := alerts.Create(ctx, &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("50")})
	require.NoError(t, err)
	onlyRequest(t, srv, http.MethodPost, alertsRoot)
	_, err = alerts.Get(ctx, created.BalanceAlertID)
	require.NoError(t, err)
	list, err := alerts.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, list.LowBalanceAlerts, 1)
	all, err := collect(alerts.All(ctx, nil))
	require.NoError(t, err)
	assert.Len(t, all, 1)
	_, err = alerts.Update(ctx, created.BalanceAlertID, &tango.UpdateLowBalanceAlertRequest{BalanceAlertDisplayName: "scoped"})
	require.NoError(t, err)
	_, err = alerts.Delete(ctx, created.BalanceAlertID)
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 8)
	for _, s := range seen {
		assert.Equal(t, [2]string{tangotest.DemoCustomer, tangotest.DemoAccount}, s)
	}
}

func TestAccountScopeRefusesAnotherAccountsAnswers(t *testing.T) {
	checkLeaks(t)
	// A server that answers with another account's data: the scope must not pass
	// it on.
	id := uuid.NewString()
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/raas/v2/accounts/") {
			_, _ = w.Write([]byte(`{"accountIdentifier":"someone-else","currentBalance":1}`))
			return
		}
		_, _ = w.Write([]byte(`{"balanceAlertID":"` + id + `","customerIdentifier":"cust-1","accountIdentifier":"someone-else","balanceAlertThreshold":1}`))
	})
	c := newCoreClient(t, ts)
	scope := c.Account("cust-1", "acct-1")
	_, err := scope.Balance(context.Background())
	assert.ErrorIs(t, err, tango.ErrOutsideScope)
	_, err = scope.LowBalanceAlerts().Get(context.Background(), id)
	assert.ErrorIs(t, err, tango.ErrOutsideScope)
	_, err = scope.LowBalanceAlerts().Create(context.Background(), &tango.CreateLowBalanceAlertRequest{BalanceAlertThreshold: tango.MustParseAmount("1")})
	assert.ErrorIs(t, err, tango.ErrOutsideScope)
}
