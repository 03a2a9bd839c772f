package tangotest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// accountCurrencies are the currencies Tango lets an account hold.
var accountCurrencies = []string{"AUD", "CAD", "EUR", "GBP", "USD", "MXN", "SGD", "PLN"}

// createAccountRequest is the POST /customers/{c}/accounts body.
type createAccountRequest struct {
	AccountIdentifier   *string     `json:"accountIdentifier"`
	DisplayName         *string     `json:"displayName"`
	ContactEmail        *string     `json:"contactEmail"`
	CurrencyCode        *string     `json:"currencyCode"`
	FundingNotification []emailWire `json:"fundingNotification"`
}

func (s *Server) accountRoutes() []route {
	return []route{
		{http.MethodGet, "/accounts", s.handleListAccounts},
		{http.MethodGet, "/accounts/{accountIdentifier}", s.handleGetAccount},
		{http.MethodPatch, "/customers/{customerIdentifier}/accounts/{accountIdentifier}", s.handleUpdateAccount},
	}
}

// view renders an account (AccountView).
func (a *account) view() accountWire {
	w := accountWire{
		AccountIdentifier: a.id, AccountNumber: a.number, DisplayName: a.displayName,
		CurrencyCode: a.currency, CurrentBalance: a.balance.number(), CreatedAt: stamp(a.createdAt),
		Status: a.status, ContactEmail: a.contactEmail,
	}
	for _, e := range a.fundingNotification {
		w.FundingNotification = append(w.FundingNotification, emailWire{EmailAddress: e})
	}
	return w
}

// accountFilter is the parsed filters of the account lists.
type accountFilter struct {
	q       url.Values
	created dateRange
	balance balanceRange
}

// readAccountFilter parses the account list filters; on a malformed one it
// answers 400 and returns false.
func readAccountFilter(c *call) (accountFilter, bool) {
	f := accountFilter{q: c.r.URL.Query()}
	var ok bool
	if f.created, ok = readDateRange(c, f.q, "minDateCreatedAt", "maxDateCreatedAt"); !ok {
		return f, false
	}
	if f.balance, ok = readBalanceRange(c, f.q); !ok {
		return f, false
	}
	return f, true
}

// matches applies the account list filters (accountNumber, displayName, status,
// contactEmail, currencyCode[], min/maxBalance, min/maxDateCreatedAt,
// fundingNotificationEmail[]).
func (f accountFilter) matches(a *account) bool {
	q := f.q
	if !(eqFold(q.Get("status"), a.status) &&
		eqExact(q.Get("accountNumber"), a.number) &&
		containsFold(a.displayName, q.Get("displayName")) &&
		eqFold(q.Get("contactEmail"), a.contactEmail) &&
		(len(q["currencyCode"]) == 0 || anyFold(q["currencyCode"], a.currency)) &&
		f.created.contains(a.createdAt) && f.balance.contains(a.balance)) {
		return false
	}
	if want := q["fundingNotificationEmail"]; len(want) > 0 {
		for _, e := range a.fundingNotification {
			if anyFold(want, e) {
				return true
			}
		}
		return false
	}
	return true
}

// handleListAccounts serves GET /accounts.
func (s *Server) handleListAccounts(c *call) {
	f, ok := readAccountFilter(c)
	if !ok {
		return
	}
	s.mu.Lock()
	var out []accountWire
	for _, a := range s.accountList {
		if f.matches(a) {
			out = append(out, a.view())
		}
	}
	s.mu.Unlock()
	writeList(c, out)
}

// handleGetAccount serves GET /accounts/{accountIdentifier}.
func (s *Server) handleGetAccount(c *call) {
	s.mu.Lock()
	a, ok := s.accounts[c.param("accountIdentifier")]
	var v accountWire
	if ok {
		v = a.view()
	}
	s.mu.Unlock()
	if !ok {
		c.fail(http.StatusNotFound, "404.003", "The account does not exist for this platform.")
		return
	}
	c.ok(http.StatusOK, v)
}

// handleListCustomerAccounts serves GET /customers/{customerIdentifier}/accounts.
func (s *Server) handleListCustomerAccounts(c *call) {
	f, ok := readAccountFilter(c)
	if !ok {
		return
	}
	s.mu.Lock()
	cu, ok := s.customers[c.param("customerIdentifier")]
	var out []accountWire
	if ok {
		for _, a := range cu.accounts {
			if f.matches(a) {
				out = append(out, a.view())
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		c.fail(http.StatusNotFound, "404.002", "This customer does not exist for this platform.")
		return
	}
	writeList(c, out)
}

// handleCreateAccount serves POST /customers/{customerIdentifier}/accounts: 201 with
// the new account (balance 0), 409 when the identifier (409.018) or display name
// (409.017) is taken.
func (s *Server) handleCreateAccount(c *call) {
	var req createAccountRequest
	if !c.decode(&req) {
		return
	}
	var errs []fieldErrorInfo
	id, name, mail := str(req.AccountIdentifier), str(req.DisplayName), str(req.ContactEmail)
	switch {
	case id == "":
		errs = append(errs, fieldErrorInfo{Path: "accountIdentifier", I18nKey: "422.007", Message: "Failed field accountIdentifier: a value is required."})
	case !identifierPattern.MatchString(id):
		errs = append(errs, fieldErrorInfo{Path: "accountIdentifier", I18nKey: "422.501", Message: "must match \"^[-a-zA-Z0-9]{5,100}$\"", InvalidValue: id})
	}
	errs = append(errs, checkDisplayName(name)...)
	switch {
	case mail == "":
		errs = append(errs, fieldErrorInfo{Path: "contactEmail", I18nKey: "422.007", Message: "Failed field contactEmail: a value is required."})
	case !wellFormedEmail(mail):
		errs = append(errs, fieldErrorInfo{Path: "contactEmail", I18nKey: "422.134", Message: "not a well-formed email address", InvalidValue: mail})
	}
	currency := "USD"
	if req.CurrencyCode != nil {
		currency = strings.ToUpper(str(req.CurrencyCode))
		if !anyFold(accountCurrencies, currency) {
			errs = append(errs, fieldErrorInfo{Path: "currencyCode", I18nKey: "400.011", Message: "Unsupported currency code " + currency + ".", InvalidValue: currency})
		}
	}
	var notify []string
	for i, n := range req.FundingNotification {
		if !wellFormedEmail(n.EmailAddress) {
			errs = append(errs, fieldErrorInfo{Path: "fundingNotification[" + strconv.Itoa(i) + "].emailAddress", I18nKey: "422.134", Message: "not a well-formed email address", InvalidValue: n.EmailAddress})
		}
		notify = append(notify, n.EmailAddress)
	}
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}

	s.mu.Lock()
	cu, ok := s.customers[c.param("customerIdentifier")]
	if !ok {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.002", "This customer does not exist for this platform.")
		return
	}
	for _, a := range s.accountList {
		if strings.EqualFold(a.displayName, name) {
			s.mu.Unlock()
			c.fail(http.StatusConflict, "409.017", "The account display name "+name+" already exists on this platform.")
			return
		}
	}
	a, err := s.addAccountLocked(cu, id, name, currency, mail, 0)
	var v accountWire
	if err == nil {
		a.fundingNotification = notify
		v = a.view()
	}
	s.mu.Unlock()
	if err != nil {
		c.fail(http.StatusConflict, "409.018", "The account identifier "+id+" already exists on this platform.")
		return
	}
	c.ok(http.StatusCreated, v)
}

// updateAccountRequest is the PATCH /customers/{c}/accounts/{a} body. A null or
// absent fundingNotification leaves the list alone; [] clears it.
type updateAccountRequest struct {
	DisplayName         *string      `json:"displayName"`
	ContactEmail        *string      `json:"contactEmail"`
	FundingNotification *[]emailWire `json:"fundingNotification"`
}

// handleUpdateAccount serves PATCH /customers/{customerIdentifier}/accounts/{accountIdentifier}:
// 200 with the updated account; 404 when the customer or the account (under that
// customer) is unknown; 409.017 when the new display name is taken.
func (s *Server) handleUpdateAccount(c *call) {
	var req updateAccountRequest
	if !c.decode(&req) {
		return
	}
	var errs []fieldErrorInfo
	if req.DisplayName != nil {
		errs = append(errs, checkDisplayName(str(req.DisplayName))...)
	}
	if req.ContactEmail != nil && !wellFormedEmail(str(req.ContactEmail)) {
		errs = append(errs, fieldErrorInfo{Path: "contactEmail", I18nKey: "422.134", Message: "not a well-formed email address", InvalidValue: str(req.ContactEmail)})
	}
	var notify []string
	if req.FundingNotification != nil {
		notify = []string{}
		for i, n := range *req.FundingNotification {
			if !wellFormedEmail(n.EmailAddress) {
				errs = append(errs, fieldErrorInfo{Path: "fundingNotification[" + strconv.Itoa(i) + "].emailAddress", I18nKey: "422.134", Message: "not a well-formed email address", InvalidValue: n.EmailAddress})
			}
			notify = append(notify, n.EmailAddress)
		}
	}
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	s.mu.Lock()
	cu, ok := s.customers[c.param("customerIdentifier")]
	if !ok {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.002", "This customer does not exist for this platform.")
		return
	}
	a, ok := s.accounts[c.param("accountIdentifier")]
	if !ok || a.customer != cu {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.003", "The account does not exist for this customer.")
		return
	}
	if req.DisplayName != nil {
		name := str(req.DisplayName)
		for _, other := range s.accountList {
			if other != a && strings.EqualFold(other.displayName, name) {
				s.mu.Unlock()
				c.fail(http.StatusConflict, "409.017", "The account display name "+name+" already exists on this platform.")
				return
			}
		}
		a.displayName = name
	}
	if req.ContactEmail != nil {
		a.contactEmail = str(req.ContactEmail)
	}
	if notify != nil {
		a.fundingNotification = notify
	}
	v := a.view()
	s.mu.Unlock()
	c.ok(http.StatusOK, v)
}
