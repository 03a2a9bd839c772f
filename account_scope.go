package tango

import (
	"context"
	"fmt"
	"iter"
)

// AccountScope is a view of the client that can only touch one customer's account.
// Tango leaves it to each platform to stop one of its users from spending from
// another's account; a handler given an AccountScope instead of the Client cannot
// make that mistake. Get one with Client.Account.
type AccountScope struct {
	c                  *Client
	customerIdentifier string
	accountIdentifier  string
	// Orders places and reads orders of this account only.
	Orders *AccountOrders
}

// Account returns a scope bound to one customer and account.
//
// Building a scope never fails, so that it chains; but a scope whose identifiers
// are empty or malformed (say, a field missing from the caller's user record) would
// bound nothing, so every call through it is refused before anything is sent, with
// an error that wraps ErrOutsideScope and the *ValidationError.
func (c *Client) Account(customerIdentifier, accountIdentifier string) *AccountScope {
	a := &AccountScope{c: c, customerIdentifier: customerIdentifier, accountIdentifier: accountIdentifier}
	var v validator
	v.identifier("customerIdentifier", customerIdentifier)
	v.identifier("accountIdentifier", accountIdentifier)
	if err := v.err(); err != nil {
		// A copy of the client that refuses every call: each scope method reaches
		// Tango through a.c, so none can slip past.
		refusing := *c
		refusing.refuse = fmt.Errorf("%w: the scope's identifiers are invalid: %w", ErrOutsideScope, err)
		refusing.initServices()
		a.c = &refusing
	}
	a.Orders = &AccountOrders{scope: a}
	return a
}

// CustomerIdentifier returns the customer the scope is bound to.
func (a *AccountScope) CustomerIdentifier() string { return a.customerIdentifier }

// AccountIdentifier returns the account the scope is bound to.
func (a *AccountScope) AccountIdentifier() string { return a.accountIdentifier }

// scopeError says that a call named an account the scope does not allow.
func scopeError(wantCustomer, wantAccount, gotCustomer, gotAccount string) error {
	return fmt.Errorf("%w: scope is customer %q account %q, the call names customer %q account %q",
		ErrOutsideScope, wantCustomer, wantAccount, gotCustomer, gotAccount)
}

// AccountOrders is OrdersService bound to one account.
type AccountOrders struct {
	scope *AccountScope
}

// Create places an order on the scope's account. Empty customer and account
// identifiers in req are taken from the scope (the caller's struct is not
// changed); different ones are refused before anything is sent.
func (o *AccountOrders) Create(ctx context.Context, req *CreateOrderRequest) (*Order, error) {
	a := o.scope
	if req != nil && (req.CustomerIdentifier == "" || req.AccountIdentifier == "") {
		cp := *req
		if cp.CustomerIdentifier == "" {
			cp.CustomerIdentifier = a.customerIdentifier
		}
		if cp.AccountIdentifier == "" {
			cp.AccountIdentifier = a.accountIdentifier
		}
		req = &cp
	}
	return a.c.ordersService().create(ctx, req, a.customerIdentifier, a.accountIdentifier)
}

// Get fetches an order of the scope's account. An order of another account is
// not returned: the error wraps ErrOutsideScope.
func (o *AccountOrders) Get(ctx context.Context, referenceOrderID string) (*Order, error) {
	a := o.scope
	order, err := a.c.ordersService().Get(ctx, referenceOrderID)
	if err != nil {
		return nil, err
	}
	if order.CustomerIdentifier != a.customerIdentifier || order.AccountIdentifier != a.accountIdentifier {
		return nil, fmt.Errorf("tango: order %s: %w", referenceOrderID, scopeError(a.customerIdentifier, a.accountIdentifier, order.CustomerIdentifier, order.AccountIdentifier))
	}
	return order, nil
}

// List fetches one page of the scope's orders; the account filters of params are
// set from the scope.
func (o *AccountOrders) List(ctx context.Context, params *ListOrdersParams) (*OrderList, error) {
	p, err := o.scoped(params)
	if err != nil {
		return nil, err
	}
	return o.scope.c.ordersService().List(ctx, p)
}

// All walks the scope's orders (see OrdersService.All).
func (o *AccountOrders) All(ctx context.Context, params *ListOrdersParams) iter.Seq2[*Order, error] {
	p, err := o.scoped(params)
	if err != nil {
		return func(yield func(*Order, error) bool) { yield(nil, err) }
	}
	return o.scope.c.ordersService().All(ctx, p)
}

// scoped copies params with the scope's account filters, refusing others.
func (o *AccountOrders) scoped(params *ListOrdersParams) (*ListOrdersParams, error) {
	a := o.scope
	var p ListOrdersParams
	if params != nil {
		p = *params
	}
	if (p.CustomerIdentifier != "" && p.CustomerIdentifier != a.customerIdentifier) ||
		(p.AccountIdentifier != "" && p.AccountIdentifier != a.accountIdentifier) {
		return nil, scopeError(a.customerIdentifier, a.accountIdentifier, p.CustomerIdentifier, p.AccountIdentifier)
	}
	p.CustomerIdentifier, p.AccountIdentifier = a.customerIdentifier, a.accountIdentifier
	return &p, nil
}
