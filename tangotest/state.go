package tangotest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// identifierPattern is Tango's rule for customer and account identifiers.
var identifierPattern = regexp.MustCompile(`^[-a-zA-Z0-9]{5,100}$`)

// currencyPattern is a three-letter ISO 4217 code.
var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// Status strings as Tango writes them: customers lowercase, accounts uppercase.
const (
	customerActive = "active"
	accountActive  = "ACTIVE"
)

// ErrExists is returned (wrapped) by the state helpers when the identifier is taken.
var ErrExists = errors.New("tangotest: already exists")

// ErrUnknown is returned (wrapped) by the state helpers when a named customer,
// account or item does not exist.
var ErrUnknown = errors.New("tangotest: no such entity")

// customer is a stored customer.
type customer struct {
	id          string
	displayName string
	status      string
	createdAt   time.Time
	accounts    []*account
}

// account is a stored account with its balance.
type account struct {
	id                  string
	number              string
	customer            *customer
	displayName         string
	currency            string
	balance             amount
	status              string
	contactEmail        string
	fundingNotification []string
	createdAt           time.Time
}

// AddCustomer creates a customer, as POST /customers would. The identifier follows
// Tango's rule (5 to 100 letters, digits or hyphens).
func (s *Server) AddCustomer(identifier, displayName string) error {
	if !identifierPattern.MatchString(identifier) {
		return fmt.Errorf("tangotest: customer identifier %q does not match %s", identifier, identifierPattern)
	}
	if displayName == "" {
		displayName = identifier
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.addCustomerLocked(identifier, displayName)
	return err
}

func (s *Server) addCustomerLocked(identifier, displayName string) (*customer, error) {
	if _, ok := s.customers[identifier]; ok {
		return nil, fmt.Errorf("customer %q: %w", identifier, ErrExists)
	}
	c := &customer{id: identifier, displayName: displayName, status: customerActive, createdAt: s.now()}
	s.customers[identifier] = c
	s.customerList = append(s.customerList, c)
	return c, nil
}

// AddAccount creates an account under an existing customer with a currency ("USD")
// and an opening balance written as a decimal ("1000.00").
func (s *Server) AddAccount(customerIdentifier, accountIdentifier, currency, balance string) error {
	if !identifierPattern.MatchString(accountIdentifier) {
		return fmt.Errorf("tangotest: account identifier %q does not match %s", accountIdentifier, identifierPattern)
	}
	if !currencyPattern.MatchString(currency) {
		return fmt.Errorf("tangotest: currency %q is not a three-letter code", currency)
	}
	bal, err := parseDecimal(balance, 2, 12)
	if err != nil {
		return fmt.Errorf("tangotest: balance %q: %w", balance, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[customerIdentifier]
	if !ok {
		return fmt.Errorf("tangotest: customer %q: %w", customerIdentifier, ErrUnknown)
	}
	// Every account Tango shows has a contact email (recorded sandbox answers
	// carry one); accounts added here get a placeholder.
	_, err = s.addAccountLocked(c, accountIdentifier, accountIdentifier, currency, accountIdentifier+"@accounts.tangotest.invalid", amount(bal))
	return err
}

func (s *Server) addAccountLocked(c *customer, id, displayName, currency, contactEmail string, bal amount) (*account, error) {
	if _, ok := s.accounts[id]; ok {
		return nil, fmt.Errorf("account %q: %w", id, ErrExists)
	}
	s.accountSeq++
	a := &account{
		id:           id,
		number:       fmt.Sprintf("A%08d", 10000000+s.accountSeq*7919%89999999),
		customer:     c,
		displayName:  displayName,
		currency:     currency,
		balance:      bal,
		status:       accountActive,
		contactEmail: contactEmail,
		createdAt:    s.now(),
	}
	s.accounts[id] = a
	s.accountList = append(s.accountList, a)
	c.accounts = append(c.accounts, a)
	return a, nil
}

// Balance returns an account's current balance as a decimal with two places
// ("990.00"), or "" when the account does not exist.
func (s *Server) Balance(accountIdentifier string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountIdentifier]
	if !ok {
		return ""
	}
	return a.balance.String()
}

// SetBalance replaces an account's balance, for tests of insufficient funds.
func (s *Server) SetBalance(accountIdentifier, balance string) error {
	bal, err := parseDecimal(balance, 2, 12)
	if err != nil {
		return fmt.Errorf("tangotest: balance %q: %w", balance, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountIdentifier]
	if !ok {
		return fmt.Errorf("tangotest: account %q: %w", accountIdentifier, ErrUnknown)
	}
	a.balance = amount(bal)
	return nil
}

// SetExchangeRate sets Tango's baseFx for an account in accountCurrency (the base
// currency) buying an item in rewardCurrency. As on Tango, value is how many units of
// rewardCurrency one unit of accountCurrency buys: the fixtures' EUR row has baseFx
// EURPerUSD (0.92 EUR for 1 USD). An order is charged amountCharged = denomination /
// value, rounded half up to the cent (a 20.00 EUR reward costs 21.74 USD). Without a
// rate such an order fails with 422.166.
func (s *Server) SetExchangeRate(rewardCurrency, accountCurrency, value string) error {
	if !currencyPattern.MatchString(rewardCurrency) || !currencyPattern.MatchString(accountCurrency) {
		return fmt.Errorf("tangotest: currencies %q and %q must be three-letter codes", rewardCurrency, accountCurrency)
	}
	r, err := parseRate(value)
	if err != nil {
		return fmt.Errorf("tangotest: exchange rate %q: %w", value, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rates[rewardCurrency+"/"+accountCurrency] = r
	return nil
}

// rateLocked returns the rate from the reward currency to the account currency.
func (s *Server) rateLocked(rewardCurrency, accountCurrency string) (rate, bool) {
	if strings.EqualFold(rewardCurrency, accountCurrency) {
		return unitRate, true
	}
	r, ok := s.rates[rewardCurrency+"/"+accountCurrency]
	return r, ok
}
