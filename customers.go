package tango

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// Display names of customers and accounts: 5 to 100 characters.
const (
	minDisplayNameLength = 5
	maxDisplayNameLength = 100
	keyLengthRange       = "422.126" // length must be between the bounds
)

// CustomerStatus is the state of a customer, as Tango writes it (lowercase). It is
// a string type so that statuses Tango adds later still decode.
type CustomerStatus string

// Customer statuses Tango is known to send.
const (
	// CustomerActive is a customer whose accounts can be used.
	CustomerActive CustomerStatus = "active"
	// CustomerInactive is a customer that was switched off.
	CustomerInactive CustomerStatus = "inactive"
)

// Customer is a customer of the platform: a group of accounts, usually one of the
// platform's own clients (Tango's CustomerViewSummary).
type Customer struct {
	// CustomerIdentifier is the platform's id for the customer.
	CustomerIdentifier string `json:"customerIdentifier"`
	// DisplayName is the customer's friendly name.
	DisplayName string `json:"displayName"`
	// Status is the customer's state ("active").
	Status CustomerStatus `json:"status,omitempty"`
	// CreatedAt is when the customer was created.
	CreatedAt time.Time `json:"createdAt"`
	// Accounts summarizes the customer's accounts (without balances). A customer
	// that was just created has none.
	Accounts []*AccountSummary `json:"accounts,omitempty"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (c *Customer) setRequestID(id string) { c.RequestID = id }

// AccountSummary is an account as listed inside a customer (Tango's
// AccountViewSummary): no balance and no contact data.
type AccountSummary struct {
	// AccountIdentifier is the platform's id for the account.
	AccountIdentifier string `json:"accountIdentifier"`
	// AccountNumber is Tango's number for the account ("A11720237").
	AccountNumber string `json:"accountNumber,omitempty"`
	// DisplayName is the account's friendly name.
	DisplayName string `json:"displayName,omitempty"`
	// CreatedAt is when the account was created.
	CreatedAt time.Time `json:"createdAt"`
	// Status is the account's state.
	Status AccountStatus `json:"status,omitempty"`
	// CurrencyCode is the account's currency ("USD").
	CurrencyCode string `json:"currencyCode,omitempty"`
}

// CreateCustomerRequest is the body of POST /customers.
type CreateCustomerRequest struct {
	// CustomerIdentifier is a new, unique id: 5 to 100 letters, digits or hyphens.
	CustomerIdentifier string `json:"customerIdentifier"`
	// DisplayName is a friendly name of 5 to 100 letters, digits, punctuation and
	// spaces; unique on the platform.
	DisplayName string `json:"displayName"`
}

// Create creates a customer (POST /customers). Tango answers 409 when the
// identifier (409.010, 409.012) or the display name (409.011) is taken.
//
// A create is never retried once it may have reached Tango: an uncertain outcome
// is an *OutcomeUnknownError; look the customer up with Get before trying again.
func (s *CustomersService) Create(ctx context.Context, req *CreateCustomerRequest) (*Customer, error) {
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, "/customers", nil, req, retryUnsafe)
	if err != nil {
		return nil, err
	}
	r.customer = req.CustomerIdentifier
	return sendDecoded[Customer](ctx, s.c, r)
}

// Get fetches a customer with a summary of its accounts
// (GET /customers/{customerIdentifier}). An unknown customer is a 404
// (errors.Is(err, ErrNotFound)).
func (s *CustomersService) Get(ctx context.Context, customerIdentifier string) (*Customer, error) {
	var v validator
	v.identifier("customerIdentifier", customerIdentifier)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, "/customers/"+url.PathEscape(customerIdentifier), nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	r.customer = customerIdentifier
	return sendDecoded[Customer](ctx, s.c, r)
}

// ListCustomersParams filters GET /customers. Zero fields are left out. Display
// names are business names, not personal data (see [Private]'s policy in the
// README): they print as they are.
type ListCustomersParams struct {
	// DisplayName matches the customer's display name.
	DisplayName string
	// Status matches the customer's status.
	Status CustomerStatus
	// CreatedAfter and CreatedBefore bound the customer's createdAt
	// (customerMinDateCreatedAt, customerMaxDateCreatedAt).
	CreatedAfter, CreatedBefore time.Time
	// AccountIdentifier, AccountNumber, AccountDisplayName and AccountStatus
	// select customers that own a matching account.
	AccountIdentifier  string
	AccountNumber      string
	AccountDisplayName string
	AccountStatus      AccountStatus
	// AccountCreatedAfter and AccountCreatedBefore bound the createdAt of the
	// customer's accounts (accountMinDateCreatedAt, accountMaxDateCreatedAt).
	AccountCreatedAfter, AccountCreatedBefore time.Time
	// CursorParams pages the list.
	CursorParams
}

// query encodes the filters with Tango's parameter names.
func (p *ListCustomersParams) query() url.Values {
	q := listQuery{url.Values{}}
	q.str("displayName", p.DisplayName)
	q.str("status", string(p.Status))
	q.time("customerMinDateCreatedAt", p.CreatedAfter)
	q.time("customerMaxDateCreatedAt", p.CreatedBefore)
	q.str("accountIdentifier", p.AccountIdentifier)
	q.str("accountNumber", p.AccountNumber)
	q.str("accountDisplayName", p.AccountDisplayName)
	q.str("accountStatus", string(p.AccountStatus))
	q.time("accountMinDateCreatedAt", p.AccountCreatedAfter)
	q.time("accountMaxDateCreatedAt", p.AccountCreatedBefore)
	return q.Values
}

// List fetches one page of the platform's customers (GET /customers with
// paginate=true). params may be nil; pass Page.NextCursor back in
// params.NextCursor for the next page, or use All.
func (s *CustomersService) List(ctx context.Context, params *ListCustomersParams) (*Page[Customer], error) {
	p, err := checkedParams(params, (*ListCustomersParams).validate)
	if err != nil {
		return nil, err
	}
	return listPage[Customer](ctx, s.c, "/customers", p.query(), p.CursorParams, "", p.AccountIdentifier)
}

// All walks every customer that matches params, page after page (see List). The
// caller's params are copied, never changed. Paging stops after the last page,
// on an empty page or when Tango repeats a cursor; an error ends the walk.
func (s *CustomersService) All(ctx context.Context, params *ListCustomersParams) iter.Seq2[*Customer, error] {
	return allPages(ctx, s.c, params, (*ListCustomersParams).validate, s.List)
}

// ListAccounts fetches one page of a customer's accounts, with balances
// (GET /customers/{customerIdentifier}/accounts with paginate=true). params may
// be nil.
func (s *CustomersService) ListAccounts(ctx context.Context, customerIdentifier string, params *ListAccountsParams) (*Page[Account], error) {
	p, err := checkedParams(params, customerAccountsCheck(customerIdentifier))
	if err != nil {
		return nil, err
	}
	return listPage[Account](ctx, s.c, "/customers/"+url.PathEscape(customerIdentifier)+"/accounts", p.query(), p.CursorParams, customerIdentifier, "")
}

// AllAccounts walks every account of a customer that matches params (see
// ListAccounts and All).
func (s *CustomersService) AllAccounts(ctx context.Context, customerIdentifier string, params *ListAccountsParams) iter.Seq2[*Account, error] {
	return allPages(ctx, s.c, params, customerAccountsCheck(customerIdentifier), func(ctx context.Context, q *ListAccountsParams) (*Page[Account], error) {
		return s.ListAccounts(ctx, customerIdentifier, q)
	})
}

// CreateAccount creates an account under a customer
// (POST /customers/{customerIdentifier}/accounts). Its currency can never change
// once the account has transactions. Tango answers 409 when the identifier
// (409.003, 409.007, 409.018) or display name (409.004, 409.017) is taken.
//
// A create is never retried once it may have reached Tango: an uncertain outcome
// is an *OutcomeUnknownError; look the account up with AccountsService.Get
// before trying again.
func (s *CustomersService) CreateAccount(ctx context.Context, customerIdentifier string, req *CreateAccountRequest) (*Account, error) {
	var v validator
	v.identifier("customerIdentifier", customerIdentifier)
	req.validate(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, "/customers/"+url.PathEscape(customerIdentifier)+"/accounts", nil, req, retryUnsafe)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = customerIdentifier, req.AccountIdentifier
	return sendDecoded[Account](ctx, s.c, r)
}
