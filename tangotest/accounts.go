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

// accountMatches applies the account list filters.
func accountMatches(a *account, q url.Values) bool {
	return eqFold(q.Get("status"), a.status) &&
		eqExact(q.Get("accountNumber"), a.number) &&
		containsFold(a.displayName, q.Get("displayName")) &&
		(len(q["currencyCode"]) == 0 || anyFold(q["currencyCode"], a.currency))
}

// handleListAccounts serves GET /accounts.
func (s *Server) handleListAccounts(c *call) {
	q := c.r.URL.Query()
	s.mu.Lock()
	var out []accountWire
	for _, a := range s.accountList {
		if accountMatches(a, q) {
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
	q := c.r.URL.Query()
	s.mu.Lock()
	cu, ok := s.customers[c.param("customerIdentifier")]
	var out []accountWire
	if ok {
		for _, a := range cu.accounts {
			if accountMatches(a, q) {
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
