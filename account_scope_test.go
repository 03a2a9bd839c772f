package tango_test

// Account scoping: an AccountScope's orders can only touch its own account, and
// WithAccountGuard vetoes any call that names an account before it is sent. A
// refusal must leave no trace at the fake: zero requests.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// ordOrdersRequests counts every request to /orders and below.
func ordOrdersRequests(srv *tangotest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Path == tangotest.PathOrders || strings.HasPrefix(r.Path, tangotest.PathOrders+"/") {
			n++
		}
	}
	return n
}

func TestScopeCreateRefusesOtherAccounts(t *testing.T) {
	tests := []struct {
		name               string
		customer, account  string
		wantCust, wantAcct string
	}{
		{"other account of the same customer", tangotest.DemoCustomer, tangotest.SecondAccount, tangotest.DemoCustomer, tangotest.SecondAccount},
		{"other customer", "other-customer", tangotest.DemoAccount, "other-customer", tangotest.DemoAccount},
		{"other account, customer from the scope", "", tangotest.SecondAccount, tangotest.DemoCustomer, tangotest.SecondAccount},
		{"account differing in case", tangotest.DemoCustomer, "DEMO-ACCOUNT", tangotest.DemoCustomer, "DEMO-ACCOUNT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			scope := c.Account(tangotest.DemoCustomer, tangotest.DemoAccount)

			req := ordRequest("scope-ref-00001")
			req.CustomerIdentifier, req.AccountIdentifier = tt.customer, tt.account
			o, err := scope.Orders.Create(context.Background(), req)
			require.ErrorIs(t, err, tango.ErrOutsideScope)
			assert.Nil(t, o)
			assert.Equal(t, "scope-ref-00001", ordErrorRef(t, err))
			assert.Contains(t, err.Error(), tt.wantAcct)
			assert.False(t, errors.Is(err, tango.ErrOutcomeUnknown), "nothing was sent")
			assert.Empty(t, srv.Requests(), "refused before sending")
			assert.Equal(t, tt.customer, req.CustomerIdentifier, "the caller's request is not changed")
		})
	}
}

func TestScopeCreateFillsItsAccount(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	scope := c.Account(tangotest.DemoCustomer, tangotest.SecondAccount)
	assert.Equal(t, tangotest.DemoCustomer, scope.CustomerIdentifier())
	assert.Equal(t, tangotest.SecondAccount, scope.AccountIdentifier())

	req := ordRequest("scope-fill-0001")
	req.CustomerIdentifier, req.AccountIdentifier = "", ""
	o, err := scope.Orders.Create(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, tangotest.SecondAccount, o.AccountIdentifier)
	assert.Equal(t, 1, srv.OrderCount(tangotest.SecondAccount, "scope-fill-0001"))
	assert.Zero(t, srv.OrderCount(tangotest.DemoAccount, ""))
	assert.Empty(t, req.AccountIdentifier, "the caller's request is not changed")

	same := ordRequest("scope-fill-0002")
	same.AccountIdentifier = tangotest.SecondAccount
	_, err = scope.Orders.Create(context.Background(), same)
	require.NoError(t, err, "naming the scope's own account is fine")
}

// TestScopeCreateLookupStaysInTheAccount: when the scope's create has to look its
// order up, the lookup asks for the scope's account only.
func TestScopeCreateLookupStaysInTheAccount(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.ConnectionResetAfterCommit()})

	req := ordRequest("scope-lookup-01")
	req.CustomerIdentifier, req.AccountIdentifier = "", ""
	o, err := c.Account(tangotest.DemoCustomer, tangotest.SecondAccount).Orders.Create(context.Background(), req)
	require.NoError(t, err)
	assert.True(t, o.Recovered)
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == tangotest.PathOrders {
			q, err := url.ParseQuery(r.RawQuery)
			require.NoError(t, err)
			assert.Equal(t, tangotest.SecondAccount, q.Get("accountIdentifier"))
			assert.Equal(t, tangotest.DemoCustomer, q.Get("customerIdentifier"))
			assert.Equal(t, "scope-lookup-01", q.Get("externalRefID"))
		}
	}
}

func TestScopeReads(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	c := ordClient(t, srv, nil)
	ctx := context.Background()
	mine, err := c.Orders.Create(ctx, ordRequest("scope-mine-0001"))
	require.NoError(t, err)
	otherReq := ordRequest("scope-other-001")
	otherReq.AccountIdentifier = tangotest.SecondAccount
	other, err := c.Orders.Create(ctx, otherReq)
	require.NoError(t, err)
	scope := c.Account(tangotest.DemoCustomer, tangotest.DemoAccount)

	t.Run("Get own order", func(t *testing.T) {
		o, err := scope.Orders.Get(ctx, mine.ReferenceOrderID)
		require.NoError(t, err)
		assert.Equal(t, mine.ReferenceOrderID, o.ReferenceOrderID)
	})
	t.Run("Get another account's order", func(t *testing.T) {
		o, err := scope.Orders.Get(ctx, other.ReferenceOrderID)
		require.ErrorIs(t, err, tango.ErrOutsideScope)
		assert.Nil(t, o, "nothing of the other account is returned")
		assert.Contains(t, err.Error(), other.ReferenceOrderID)
	})
	t.Run("List is filtered to the scope", func(t *testing.T) {
		list, err := scope.Orders.List(ctx, nil)
		require.NoError(t, err)
		require.Len(t, list.Orders, 1)
		assert.Equal(t, mine.ReferenceOrderID, list.Orders[0].ReferenceOrderID)
		list, err = scope.Orders.List(ctx, &tango.ListOrdersParams{AccountIdentifier: tangotest.DemoAccount})
		require.NoError(t, err)
		assert.Len(t, list.Orders, 1)
	})
	t.Run("All is filtered to the scope", func(t *testing.T) {
		var ids []string
		for o, err := range scope.Orders.All(ctx, nil) {
			require.NoError(t, err)
			ids = append(ids, o.ReferenceOrderID)
		}
		assert.Equal(t, []string{mine.ReferenceOrderID}, ids)
	})
	t.Run("List and All naming another account send nothing", func(t *testing.T) {
		before := ordOrdersRequests(srv)
		for _, p := range []*tango.ListOrdersParams{
			{AccountIdentifier: tangotest.SecondAccount},
			{CustomerIdentifier: "other-customer"},
			{CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.SecondAccount},
		} {
			_, err := scope.Orders.List(ctx, p)
			assert.ErrorIs(t, err, tango.ErrOutsideScope)
			n := 0
			for o, err := range scope.Orders.All(ctx, p) {
				n++
				assert.Nil(t, o)
				assert.ErrorIs(t, err, tango.ErrOutsideScope)
			}
			assert.Equal(t, 1, n, "one error, then the walk ends")
		}
		assert.Equal(t, before, ordOrdersRequests(srv), "refused before sending")
	})
}

// ordGuard records the calls of an account guard and refuses one account.
type ordGuard struct {
	mu     sync.Mutex
	calls  [][2]string
	ctxOK  bool
	refuse string
}

type ordCtxKey struct{}

var errOrdGuard = errors.New("guard: this caller may not use that account")

func (g *ordGuard) check(ctx context.Context, customer, account string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, [2]string{customer, account})
	g.ctxOK = ctx.Value(ordCtxKey{}) == "caller"
	if account == g.refuse {
		return errOrdGuard
	}
	return nil
}

func (g *ordGuard) seen() [][2]string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([][2]string(nil), g.calls...)
}

func TestAccountGuardVetoesBeforeSending(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	g := &ordGuard{refuse: tangotest.SecondAccount}
	c := ordClient(t, srv, nil, tango.WithAccountGuard(g.check))
	ctx := context.WithValue(context.Background(), ordCtxKey{}, "caller")

	refused := ordRequest("guard-ref-00001")
	refused.AccountIdentifier = tangotest.SecondAccount
	calls := []struct {
		name string
		call func() error
	}{
		{"Create", func() error { _, err := c.Orders.Create(ctx, refused); return err }},
		{"List", func() error {
			_, err := c.Orders.List(ctx, &tango.ListOrdersParams{AccountIdentifier: tangotest.SecondAccount})
			return err
		}},
		{"All", func() error {
			for _, err := range c.Orders.All(ctx, &tango.ListOrdersParams{AccountIdentifier: tangotest.SecondAccount}) {
				return err
			}
			return nil
		}},
		{"scope Create", func() error {
			req := ordRequest("guard-ref-00002")
			req.CustomerIdentifier, req.AccountIdentifier = "", ""
			_, err := c.Account(tangotest.DemoCustomer, tangotest.SecondAccount).Orders.Create(ctx, req)
			return err
		}},
		{"scope List", func() error {
			_, err := c.Account(tangotest.DemoCustomer, tangotest.SecondAccount).Orders.List(ctx, nil)
			return err
		}},
	}
	for _, cl := range calls {
		t.Run(cl.name, func(t *testing.T) {
			err := cl.call()
			require.ErrorIs(t, err, errOrdGuard, "the guard's error is kept")
			assert.False(t, errors.Is(err, tango.ErrOutcomeUnknown))
			assert.Contains(t, err.Error(), tangotest.SecondAccount)
			assert.Empty(t, srv.Requests(), "nothing is sent")
		})
	}
	var oe *tango.OrderError
	_, err := c.Orders.Create(ctx, refused)
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "guard-ref-00001", oe.ExternalRefID)

	// The allowed account goes through, and the guard saw the caller's context.
	o, err := c.Orders.Create(ctx, ordRequest("guard-ok-000001"))
	require.NoError(t, err)
	assert.Equal(t, tangotest.DemoAccount, o.AccountIdentifier)
	seen := g.seen()
	assert.Equal(t, [2]string{tangotest.DemoCustomer, tangotest.DemoAccount}, seen[len(seen)-1])
	assert.True(t, g.ctxOK, "the guard gets the caller's context")
	assert.Zero(t, srv.OrderCount(tangotest.SecondAccount, ""))
}

// TestAccountGuardVetsTheLookup: the lookup after a lost answer names the account
// too, so it is vetted like the order itself.
func TestAccountGuardVetsTheLookup(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	g := &ordGuard{}
	c := ordClient(t, srv, nil, tango.WithAccountGuard(g.check))
	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: tangotest.PathOrders, Action: tangotest.ConnectionResetAfterCommit()})

	o, err := c.Orders.Create(context.Background(), ordRequest("guard-lookup-01"))
	require.NoError(t, err)
	assert.True(t, o.Recovered)
	want := [2]string{tangotest.DemoCustomer, tangotest.DemoAccount}
	assert.Equal(t, [][2]string{want, want, want}, g.seen(), "the order, its lookup, then the owner of the order the lookup fetched")
}

func TestAccountGuardConcurrentCallers(t *testing.T) {
	checkLeaks(t)
	srv := ordFake(t)
	g := &ordGuard{refuse: tangotest.SecondAccount}
	c := ordClient(t, srv, nil, tango.WithAccountGuard(g.check))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			req := ordRequest("")
			if i%2 == 1 {
				req.AccountIdentifier = tangotest.SecondAccount
			}
			_, err := c.Orders.Create(context.Background(), req)
			if i%2 == 1 {
				assert.ErrorIs(t, err, errOrdGuard)
			} else {
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.Len(t, g.seen(), 20)
	assert.Equal(t, 10, srv.OrdersCreated())
	assert.Zero(t, srv.OrderCount(tangotest.SecondAccount, ""))
}

func TestAccountGuardOptionValidates(t *testing.T) {
	srv := ordFake(t)
	_, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()), tango.WithAccountGuard(nil))
	require.Error(t, err)
}

// TestScopeWithEmptyIdentifiersRefusesEverything: a scope built from a missing
// identifier must not turn into a scope of everything.
func TestScopeWithEmptyIdentifiersRefusesEverything(t *testing.T) {
	for _, sc := range [][2]string{{"", ""}, {tangotest.DemoCustomer, ""}, {"", tangotest.DemoAccount}} {
		t.Run(sc[0]+"/"+sc[1], func(t *testing.T) {
			checkLeaks(t)
			srv := ordFake(t)
			c := ordClient(t, srv, nil)
			scope := c.Account(sc[0], sc[1])
			ctx := context.Background()

			_, err := scope.Orders.Create(ctx, ordRequest("empty-scope-001"))
			assert.ErrorIs(t, err, tango.ErrOutsideScope, "Create naming an account")
			req := ordRequest("empty-scope-002")
			req.CustomerIdentifier, req.AccountIdentifier = "", ""
			_, err = scope.Orders.Create(ctx, req)
			assert.True(t, errors.Is(err, tango.ErrOutsideScope) || errors.Is(err, tango.ErrValidation), "Create naming none: %v", err)
			_, err = scope.Orders.Get(ctx, "RA260301-1-11")
			assert.ErrorIs(t, err, tango.ErrOutsideScope, "Get")
			_, err = scope.Orders.List(ctx, nil)
			assert.ErrorIs(t, err, tango.ErrOutsideScope, "List")
			n := 0
			for _, err := range scope.Orders.All(ctx, nil) {
				n++
				assert.ErrorIs(t, err, tango.ErrOutsideScope, "All")
			}
			assert.Equal(t, 1, n)
			assert.Empty(t, srv.Requests(), "refused before sending")
			assert.Zero(t, srv.OrdersCreated())
		})
	}
}
