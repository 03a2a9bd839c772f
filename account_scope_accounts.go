package tango

import (
	"context"
	"fmt"
	"iter"
)

// The account reads and low balance alerts of an AccountScope. Every call names
// the scope's customer and account, so the AccountGuard sees both.

// AccountBalance is an account's balance at the time it was read.
type AccountBalance struct {
	// CurrentBalance is the money available for orders, exact.
	CurrentBalance Amount
	// CurrencyCode is the account's currency.
	CurrencyCode string
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string
}

// Get fetches the scope's account with its balance (GET /accounts/{accountIdentifier}).
//
// Tango does not check on this endpoint that the account belongs to the scope's
// customer (it checks when an order is placed); the AccountGuard, if any, is
// shown both.
func (a *AccountScope) Get(ctx context.Context) (*Account, error) {
	acct, err := a.c.accountsService().get(ctx, a.customerIdentifier, a.accountIdentifier)
	if err != nil {
		return nil, err
	}
	if acct.AccountIdentifier != "" && acct.AccountIdentifier != a.accountIdentifier {
		return nil, fmt.Errorf("tango: account %s: %w", a.accountIdentifier, scopeError(a.customerIdentifier, a.accountIdentifier, a.customerIdentifier, acct.AccountIdentifier))
	}
	return acct, nil
}

// Balance reads the scope's account balance (GET /accounts/{accountIdentifier}).
func (a *AccountScope) Balance(ctx context.Context) (*AccountBalance, error) {
	acct, err := a.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &AccountBalance{CurrentBalance: acct.CurrentBalance, CurrencyCode: acct.CurrencyCode, RequestID: acct.RequestID}, nil
}

// LowBalanceAlerts returns the low balance alerts of the scope's account.
func (a *AccountScope) LowBalanceAlerts() *AccountLowBalanceAlerts {
	return &AccountLowBalanceAlerts{scope: a}
}

// AccountLowBalanceAlerts is LowBalanceAlertsService bound to one account.
type AccountLowBalanceAlerts struct {
	scope *AccountScope
}

// svc returns the client's own alert service.
func (l *AccountLowBalanceAlerts) svc() *LowBalanceAlertsService {
	return l.scope.c.lowBalanceAlertsService()
}

// check refuses an alert that Tango reports for another account.
func (l *AccountLowBalanceAlerts) check(al *LowBalanceAlert) (*LowBalanceAlert, error) {
	a := l.scope
	if (al.CustomerIdentifier != "" && al.CustomerIdentifier != a.customerIdentifier) ||
		(al.AccountIdentifier != "" && al.AccountIdentifier != a.accountIdentifier) {
		return nil, fmt.Errorf("tango: low balance alert %s: %w", al.BalanceAlertID,
			scopeError(a.customerIdentifier, a.accountIdentifier, al.CustomerIdentifier, al.AccountIdentifier))
	}
	return al, nil
}

// Create sets an alert on the scope's account (see LowBalanceAlertsService.Create).
func (l *AccountLowBalanceAlerts) Create(ctx context.Context, req *CreateLowBalanceAlertRequest) (*LowBalanceAlert, error) {
	al, err := l.svc().Create(ctx, l.scope.customerIdentifier, l.scope.accountIdentifier, req)
	if err != nil {
		return nil, err
	}
	return l.check(al)
}

// List fetches one page of the scope's alerts (see LowBalanceAlertsService.List).
func (l *AccountLowBalanceAlerts) List(ctx context.Context, params *ListLowBalanceAlertsParams) (*LowBalanceAlertList, error) {
	list, err := l.svc().List(ctx, l.scope.customerIdentifier, l.scope.accountIdentifier, params)
	if err != nil {
		return nil, err
	}
	for _, al := range list.LowBalanceAlerts {
		if _, err := l.check(al); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// All walks the scope's alerts (see LowBalanceAlertsService.All).
func (l *AccountLowBalanceAlerts) All(ctx context.Context, params *ListLowBalanceAlertsParams) iter.Seq2[*LowBalanceAlert, error] {
	return func(yield func(*LowBalanceAlert, error) bool) {
		for al, err := range l.svc().All(ctx, l.scope.customerIdentifier, l.scope.accountIdentifier, params) {
			if err == nil {
				al, err = l.check(al)
			}
			if !yield(al, err) || err != nil {
				return
			}
		}
	}
}

// Get fetches one of the scope's alerts (see LowBalanceAlertsService.Get).
func (l *AccountLowBalanceAlerts) Get(ctx context.Context, balanceAlertID string) (*LowBalanceAlert, error) {
	al, err := l.svc().Get(ctx, l.scope.customerIdentifier, l.scope.accountIdentifier, balanceAlertID)
	if err != nil {
		return nil, err
	}
	return l.check(al)
}

// Update changes one of the scope's alerts (see LowBalanceAlertsService.Update).
func (l *AccountLowBalanceAlerts) Update(ctx context.Context, balanceAlertID string, req *UpdateLowBalanceAlertRequest) (*LowBalanceAlert, error) {
	al, err := l.svc().Update(ctx, l.scope.customerIdentifier, l.scope.accountIdentifier, balanceAlertID, req)
	if err != nil {
		return nil, err
	}
	return l.check(al)
}

// Delete removes one of the scope's alerts (see LowBalanceAlertsService.Delete).
func (l *AccountLowBalanceAlerts) Delete(ctx context.Context, balanceAlertID string) (*DeletedLowBalanceAlert, error) {
	return l.svc().Delete(ctx, l.scope.customerIdentifier, l.scope.accountIdentifier, balanceAlertID)
}
