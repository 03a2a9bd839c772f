package tango

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// AccountStatus is the state of an account, as Tango writes it (uppercase). It is
// a string type so that statuses Tango adds later still decode.
type AccountStatus string

// Account statuses Tango documents.
const (
	// AccountActive accepts deposits and orders.
	AccountActive AccountStatus = "ACTIVE"
	// AccountInactive was switched off.
	AccountInactive AccountStatus = "INACTIVE"
	// AccountDisabled was disabled by Tango.
	AccountDisabled AccountStatus = "DISABLED"
	// AccountFrozen is held: no orders until Tango releases it.
	AccountFrozen AccountStatus = "FROZEN"
	// AccountDeleted was deleted.
	AccountDeleted AccountStatus = "DELETED"
)

// NotificationEmail is one address Tango notifies: of deposits (an account's
// fundingNotification) or of a low balance (an alert's balanceAlertNotification).
// The address is [Private].
type NotificationEmail struct {
	// EmailAddress is the address.
	EmailAddress Private `json:"emailAddress"`
}

// LogValue presents the entry to slog; see logValueOf.
func (n NotificationEmail) LogValue() slog.Value { return logValueOf(n) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (n NotificationEmail) Format(f fmt.State, verb rune) { formatValue(f, verb, n) }

// Account is an account with its balance (Tango's AccountView).
//
// Its contact addresses are [Private]: printed redacted, encoded as they are.
type Account struct {
	// AccountIdentifier is the platform's id for the account.
	AccountIdentifier string `json:"accountIdentifier"`
	// AccountNumber is Tango's number for the account ("A11720237").
	AccountNumber string `json:"accountNumber,omitempty"`
	// DisplayName is the account's friendly name.
	DisplayName string `json:"displayName,omitempty"`
	// CurrencyCode is the account's currency ("USD").
	CurrencyCode string `json:"currencyCode,omitempty"`
	// CurrentBalance is the money available for orders, exact.
	CurrentBalance Amount `json:"currentBalance"`
	// CreatedAt is when the account was created.
	CreatedAt time.Time `json:"createdAt"`
	// Status is the account's state.
	Status AccountStatus `json:"status,omitempty"`
	// ContactEmail is the address of the account's representative.
	ContactEmail Private `json:"contactEmail,omitempty"`
	// FundingNotification lists who is told about deposits.
	FundingNotification []NotificationEmail `json:"fundingNotification,omitempty"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (a *Account) setRequestID(id string) { a.RequestID = id }

// LogValue presents the account to slog; see logValueOf.
func (a Account) LogValue() slog.Value { return logValueOf(a) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (a Account) Format(f fmt.State, verb rune) { formatValue(f, verb, a) }

// CreateAccountRequest is the body of POST /customers/{customerIdentifier}/accounts.
// Its contact addresses are [Private].
type CreateAccountRequest struct {
	// AccountIdentifier is a new, unique id: 5 to 100 letters, digits or hyphens.
	AccountIdentifier string `json:"accountIdentifier"`
	// DisplayName is a friendly name of 5 to 100 characters, unique on the
	// platform.
	DisplayName string `json:"displayName"`
	// ContactEmail is the address of the account's representative (required).
	ContactEmail Private `json:"contactEmail"`
	// CurrencyCode is the account's currency; empty means USD. It can never change
	// once the account has transactions.
	CurrencyCode string `json:"currencyCode,omitempty"`
	// FundingNotification lists who is told about deposits (optional).
	FundingNotification []NotificationEmail `json:"fundingNotification,omitempty"`
}

// LogValue presents the request to slog; see logValueOf.
func (r CreateAccountRequest) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r CreateAccountRequest) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// UpdateAccountRequest is the body of PATCH /customers/{c}/accounts/{a}. Every
// field is optional: a zero field leaves the account's value as it is.
//
// FundingNotification distinguishes nil from empty: nil (the zero value) leaves
// the list alone, a non-nil empty slice ([]NotificationEmail{}) clears it, and a
// non-empty slice replaces it. ClearFundingNotification says the middle case in
// words.
//
// Its contact addresses are [Private].
type UpdateAccountRequest struct {
	// DisplayName renames the account; empty leaves the name alone.
	DisplayName string `json:"displayName,omitempty"`
	// ContactEmail changes the representative's address; empty leaves it alone.
	ContactEmail Private `json:"contactEmail,omitempty"`
	// FundingNotification replaces (non-empty), clears (empty, non-nil) or keeps
	// (nil) who is told about deposits. The omitzero option leaves only nil out of
	// the JSON, so an empty slice is sent as [].
	FundingNotification []NotificationEmail `json:"fundingNotification,omitzero"`
}

// ClearFundingNotification sets FundingNotification to an empty, non-nil list, so
// that the update removes every funding notification address.
func (r *UpdateAccountRequest) ClearFundingNotification() {
	r.FundingNotification = []NotificationEmail{}
}

// LogValue presents the request to slog; see logValueOf.
func (r UpdateAccountRequest) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r UpdateAccountRequest) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// ListAccountsParams filters GET /accounts and GET /customers/{c}/accounts. Zero
// fields are left out. Filters that name addresses are [Private]; the SDK never
// logs query strings.
type ListAccountsParams struct {
	// AccountNumber matches Tango's account number.
	AccountNumber string
	// DisplayName matches the account's display name.
	DisplayName string
	// Status matches the account's status.
	Status AccountStatus
	// ContactEmail matches the representative's address.
	ContactEmail Private
	// CurrencyCodes matches accounts in any of these currencies.
	CurrencyCodes []string
	// MinBalance and MaxBalance bound currentBalance.
	MinBalance, MaxBalance *Amount
	// CreatedAfter and CreatedBefore bound createdAt (minDateCreatedAt,
	// maxDateCreatedAt).
	CreatedAfter, CreatedBefore time.Time
	// FundingNotificationEmails matches accounts that notify any of these
	// addresses.
	FundingNotificationEmails []Private
	// CursorParams pages the list.
	CursorParams
}

// LogValue presents the filters to slog; see logValueOf.
func (p ListAccountsParams) LogValue() slog.Value { return logValueOf(p) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (p ListAccountsParams) Format(f fmt.State, verb rune) { formatValue(f, verb, p) }

// query encodes the filters with Tango's parameter names.
func (p *ListAccountsParams) query() url.Values {
	q := listQuery{url.Values{}}
	q.str("accountNumber", p.AccountNumber)
	q.str("displayName", p.DisplayName)
	q.str("status", string(p.Status))
	q.str("contactEmail", string(p.ContactEmail))
	q.strs("currencyCode", p.CurrencyCodes)
	q.amount("minBalance", p.MinBalance)
	q.amount("maxBalance", p.MaxBalance)
	q.time("minDateCreatedAt", p.CreatedAfter)
	q.time("maxDateCreatedAt", p.CreatedBefore)
	q.strs("fundingNotificationEmail", privateStrings(p.FundingNotificationEmails))
	return q.Values
}

// Get fetches an account with its balance (GET /accounts/{accountIdentifier}). An
// unknown account is a 404 (errors.Is(err, ErrNotFound)).
func (s *AccountsService) Get(ctx context.Context, accountIdentifier string) (*Account, error) {
	return s.get(ctx, "", accountIdentifier)
}

// get is Get; customer, when set, is shown to the AccountGuard with the account.
func (s *AccountsService) get(ctx context.Context, customer, accountIdentifier string) (*Account, error) {
	var v validator
	v.identifier("accountIdentifier", accountIdentifier)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, "/accounts/"+url.PathEscape(accountIdentifier), nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = customer, accountIdentifier
	return sendDecoded[Account](ctx, s.c, r)
}

// List fetches one page of the platform's accounts (GET /accounts with
// paginate=true). params may be nil; pass Page.NextCursor back in
// params.NextCursor for the next page, or use All.
func (s *AccountsService) List(ctx context.Context, params *ListAccountsParams) (*Page[Account], error) {
	p, err := checkedParams(params, (*ListAccountsParams).validate)
	if err != nil {
		return nil, err
	}
	return listPage[Account](ctx, s.c, "/accounts", p.query(), p.CursorParams, "", "")
}

// All walks every account that matches params, page after page (see List). The
// caller's params are copied, never changed. Paging stops after the last page, on
// an empty page or when Tango repeats a cursor; an error ends the walk.
func (s *AccountsService) All(ctx context.Context, params *ListAccountsParams) iter.Seq2[*Account, error] {
	return allPages(ctx, s.c, params, (*ListAccountsParams).validate, s.List)
}

// Update changes an account's display name, contact address or funding
// notification list (PATCH /customers/{customerIdentifier}/accounts/{accountIdentifier})
// and returns the account as Tango stored it. See UpdateAccountRequest for how
// nil and empty lists differ. An update that changes nothing is refused before
// anything is sent (*ValidationError).
//
// An update is never retried once it may have reached Tango: an uncertain
// outcome is an *OutcomeUnknownError; read the account with Get to settle it.
func (s *AccountsService) Update(ctx context.Context, customerIdentifier, accountIdentifier string, req *UpdateAccountRequest) (*Account, error) {
	var v validator
	v.identifier("customerIdentifier", customerIdentifier)
	v.identifier("accountIdentifier", accountIdentifier)
	req.validate(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	path := "/customers/" + url.PathEscape(customerIdentifier) + "/accounts/" + url.PathEscape(accountIdentifier)
	r, err := newRequest(http.MethodPatch, path, nil, req, retryUnsafe)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = customerIdentifier, accountIdentifier
	return sendDecoded[Account](ctx, s.c, r)
}
