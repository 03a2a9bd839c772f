package tango

import (
	"context"
	"fmt"
	"iter"
)

// Funding and line item calls bound to an AccountScope's account.

// Funding returns the funding calls of the scope's account: deposits into it,
// transfers out of it, and its credit cards. Every call of a scope whose
// identifiers are empty or malformed is refused before anything is sent.
func (a *AccountScope) Funding() *AccountFunding { return &AccountFunding{scope: a} }

// LineItems returns the line item reads of the scope's account. Every call of a
// scope whose identifiers are empty or malformed is refused before anything is
// sent.
func (a *AccountScope) LineItems() *AccountLineItems { return &AccountLineItems{scope: a} }

// AccountFunding is FundingService bound to one account.
type AccountFunding struct {
	scope *AccountScope
}

// usable refuses a scope whose identifiers are missing or malformed: with an
// empty account, a filter would match every account and a request would name
// whatever the caller put in it. Nothing is sent. The error wraps both
// ErrOutsideScope and the *ValidationError.
func (a *AccountScope) usable() error {
	var v validator
	v.identifier("customerIdentifier", a.customerIdentifier)
	v.identifier("accountIdentifier", a.accountIdentifier)
	if err := v.err(); err != nil {
		return fmt.Errorf("%w: the scope's identifiers are not usable: %w", ErrOutsideScope, err)
	}
	return nil
}

// inScope reports whether a request naming customer and account may run in the
// scope; empty names are filled from the scope by the callers.
func (a *AccountScope) inScope(customer, account string) error {
	if customer != a.customerIdentifier || account != a.accountIdentifier {
		return scopeError(a.customerIdentifier, a.accountIdentifier, customer, account)
	}
	return nil
}

// fill returns the names with empty ones taken from the scope.
func (a *AccountScope) fill(customer, account string) (string, string) {
	if customer == "" {
		customer = a.customerIdentifier
	}
	if account == "" {
		account = a.accountIdentifier
	}
	return customer, account
}

// Deposit funds the scope's account from one of its cards (see
// FundingService.Deposit). Empty customer and account identifiers in req are
// taken from the scope (the caller's struct is not changed); different ones are
// refused before anything is sent.
func (f *AccountFunding) Deposit(ctx context.Context, req *DepositRequest) (*Deposit, error) {
	a := f.scope
	if err := a.usable(); err != nil {
		return nil, err
	}
	if req == nil {
		return a.c.fundingService().Deposit(ctx, nil)
	}
	cp := *req
	cp.CustomerIdentifier, cp.AccountIdentifier = a.fill(cp.CustomerIdentifier, cp.AccountIdentifier)
	if err := a.inScope(cp.CustomerIdentifier, cp.AccountIdentifier); err != nil {
		return nil, err
	}
	return a.c.fundingService().Deposit(ctx, &cp)
}

// Transfer moves money from the scope's account to another account of the same
// currency (see FundingService.Transfer). An empty From is the scope's account;
// another one is refused before anything is sent. The account guard sees the
// source with the scope's customer.
func (f *AccountFunding) Transfer(ctx context.Context, req *TransferRequest) (*Transfer, error) {
	a := f.scope
	if err := a.usable(); err != nil {
		return nil, err
	}
	if req == nil {
		return a.c.fundingService().Transfer(ctx, nil)
	}
	cp := *req
	if cp.From == "" {
		cp.From = a.accountIdentifier
	}
	if cp.From != a.accountIdentifier {
		return nil, scopeError(a.customerIdentifier, a.accountIdentifier, "", cp.From)
	}
	return a.c.fundingService().transfer(ctx, &cp, a.customerIdentifier)
}

// RegisterCreditCard registers a card on the scope's account (see
// FundingService.RegisterCreditCard). Empty identifiers in req are taken from
// the scope; different ones are refused before anything is sent.
func (f *AccountFunding) RegisterCreditCard(ctx context.Context, req *RegisterCreditCardRequest) (*CreditCard, error) {
	a := f.scope
	if err := a.usable(); err != nil {
		return nil, err
	}
	if req == nil {
		return a.c.fundingService().RegisterCreditCard(ctx, nil)
	}
	cp := *req
	cp.CustomerIdentifier, cp.AccountIdentifier = a.fill(cp.CustomerIdentifier, cp.AccountIdentifier)
	if err := a.inScope(cp.CustomerIdentifier, cp.AccountIdentifier); err != nil {
		return nil, err
	}
	return a.c.fundingService().RegisterCreditCard(ctx, &cp)
}

// UnregisterCreditCard removes a card from the scope's account (see
// FundingService.UnregisterCreditCard).
func (f *AccountFunding) UnregisterCreditCard(ctx context.Context, creditCardToken string) (*CreditCardUnregistration, error) {
	a := f.scope
	if err := a.usable(); err != nil {
		return nil, err
	}
	return a.c.fundingService().UnregisterCreditCard(ctx, &UnregisterCreditCardRequest{
		CustomerIdentifier: a.customerIdentifier, AccountIdentifier: a.accountIdentifier, CreditCardToken: creditCardToken,
	})
}

// AccountLineItems is LineItemsService bound to one account.
type AccountLineItems struct {
	scope *AccountScope
}

// owns reports an error when a line item Tango returned belongs to another
// account.
func (l *AccountLineItems) owns(li *LineItem) error {
	a := l.scope
	if li.AccountIdentifier != a.accountIdentifier || (li.CustomerIdentifier != "" && li.CustomerIdentifier != a.customerIdentifier) {
		return fmt.Errorf("tango: line item %s: %w", li.ReferenceLineItemID,
			scopeError(a.customerIdentifier, a.accountIdentifier, li.CustomerIdentifier, li.AccountIdentifier))
	}
	return nil
}

// Get fetches a line item of the scope's account (see LineItemsService.Get). A
// line item of another account is not returned: the error wraps ErrOutsideScope.
func (l *AccountLineItems) Get(ctx context.Context, referenceLineItemID string) (*LineItem, error) {
	if err := l.scope.usable(); err != nil {
		return nil, err
	}
	li, err := l.scope.c.lineItemsService().Get(ctx, referenceLineItemID)
	if err != nil {
		return nil, err
	}
	if err := l.owns(li); err != nil {
		return nil, err
	}
	return li, nil
}

// List fetches one page of the scope's line items; the account filter of params
// is set from the scope (another one is refused). A page holding a line item of
// another account is refused with an error wrapping ErrOutsideScope.
func (l *AccountLineItems) List(ctx context.Context, params *ListLineItemsParams) (*LineItemList, error) {
	p, err := l.scoped(params)
	if err != nil {
		return nil, err
	}
	page, err := l.scope.c.lineItemsService().list(ctx, p, l.scope.customerIdentifier)
	if err != nil {
		return nil, err
	}
	for _, li := range page.LineItems {
		if li == nil {
			continue
		}
		if err := l.owns(li); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// All walks the scope's line items (see LineItemsService.All). A line item of
// another account ends the walk with an error wrapping ErrOutsideScope.
func (l *AccountLineItems) All(ctx context.Context, params *ListLineItemsParams) iter.Seq2[*LineItem, error] {
	p, err := l.scoped(params)
	if err != nil {
		return func(yield func(*LineItem, error) bool) { yield(nil, err) }
	}
	return func(yield func(*LineItem, error) bool) {
		for li, err := range l.scope.c.lineItemsService().all(ctx, p, l.scope.customerIdentifier) {
			if err == nil {
				err = l.owns(li)
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(li, nil) {
				return
			}
		}
	}
}

// scoped copies params with the scope's account filter, refusing another.
func (l *AccountLineItems) scoped(params *ListLineItemsParams) (*ListLineItemsParams, error) {
	a := l.scope
	if err := a.usable(); err != nil {
		return nil, err
	}
	var p ListLineItemsParams
	if params != nil {
		p = *params
	}
	if p.AccountIdentifier != "" && p.AccountIdentifier != a.accountIdentifier {
		return nil, scopeError(a.customerIdentifier, a.accountIdentifier, "", p.AccountIdentifier)
	}
	p.AccountIdentifier = a.accountIdentifier
	return &p, nil
}
