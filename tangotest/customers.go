package tangotest

import (
	"net/http"
	"strings"
)

// createCustomerRequest is the POST /customers body.
type createCustomerRequest struct {
	CustomerIdentifier *string `json:"customerIdentifier"`
	DisplayName        *string `json:"displayName"`
}

func (s *Server) customerRoutes() []route {
	return []route{
		{http.MethodGet, "/customers", s.handleListCustomers},
		{http.MethodPost, "/customers", s.handleCreateCustomer},
		{http.MethodGet, "/customers/{customerIdentifier}", s.handleGetCustomer},
		{http.MethodGet, "/customers/{customerIdentifier}/accounts", s.handleListCustomerAccounts},
		{http.MethodPost, "/customers/{customerIdentifier}/accounts", s.handleCreateAccount},
	}
}

// view renders a customer with its accounts.
func (cu *customer) view() customerWire {
	accts := make([]accountSummaryWire, 0, len(cu.accounts))
	for _, a := range cu.accounts {
		accts = append(accts, accountSummaryWire{
			AccountIdentifier: a.id, AccountNumber: a.number, DisplayName: a.displayName,
			CreatedAt: stamp(a.createdAt), Status: a.status, CurrencyCode: a.currency,
		})
	}
	return customerWire{
		CustomerIdentifier: cu.id, DisplayName: cu.displayName, Status: cu.status,
		CreatedAt: stamp(cu.createdAt), Accounts: &accts,
	}
}

// handleListCustomers serves GET /customers (filters: displayName, status,
// customerMin/MaxDateCreatedAt, and accountIdentifier, accountNumber,
// accountDisplayName, accountStatus, accountMin/MaxDateCreatedAt, which select
// customers owning a matching account; cursor paging with paginate=true).
func (s *Server) handleListCustomers(c *call) {
	q := c.r.URL.Query()
	created, ok := readDateRange(c, q, "customerMinDateCreatedAt", "customerMaxDateCreatedAt")
	if !ok {
		return
	}
	acctCreated, ok := readDateRange(c, q, "accountMinDateCreatedAt", "accountMaxDateCreatedAt")
	if !ok {
		return
	}
	accountFilter := q.Get("accountIdentifier") != "" || q.Get("accountNumber") != "" ||
		q.Get("accountDisplayName") != "" || q.Get("accountStatus") != "" ||
		!acctCreated.from.IsZero() || !acctCreated.to.IsZero()
	ownsMatch := func(cu *customer) bool {
		for _, a := range cu.accounts {
			if eqExact(q.Get("accountIdentifier"), a.id) && eqExact(q.Get("accountNumber"), a.number) &&
				containsFold(a.displayName, q.Get("accountDisplayName")) &&
				eqFold(q.Get("accountStatus"), a.status) && acctCreated.contains(a.createdAt) {
				return true
			}
		}
		return false
	}
	s.mu.Lock()
	var out []customerWire
	for _, cu := range s.customerList {
		if !containsFold(cu.displayName, q.Get("displayName")) || !eqFold(q.Get("status"), cu.status) ||
			!created.contains(cu.createdAt) {
			continue
		}
		if accountFilter && !ownsMatch(cu) {
			continue
		}
		out = append(out, cu.view())
	}
	s.mu.Unlock()
	writeList(c, out)
}

// handleGetCustomer serves GET /customers/{customerIdentifier}.
func (s *Server) handleGetCustomer(c *call) {
	s.mu.Lock()
	cu, ok := s.customers[c.param("customerIdentifier")]
	var v customerWire
	if ok {
		v = cu.view()
	}
	s.mu.Unlock()
	if !ok {
		c.fail(http.StatusNotFound, "404.002", "This customer does not exist for this platform.")
		return
	}
	c.ok(http.StatusOK, v)
}

// handleCreateCustomer serves POST /customers: 201 with the new customer, 409 when
// the identifier (409.012) or the display name (409.011) is taken.
func (s *Server) handleCreateCustomer(c *call) {
	var req createCustomerRequest
	if !c.decode(&req) {
		return
	}
	var errs []fieldErrorInfo
	id := str(req.CustomerIdentifier)
	name := str(req.DisplayName)
	switch {
	case id == "":
		errs = append(errs, fieldErrorInfo{Path: "customerIdentifier", I18nKey: "422.007", Message: "Failed field customerIdentifier: a value is required."})
	case !identifierPattern.MatchString(id):
		errs = append(errs, fieldErrorInfo{Path: "customerIdentifier", I18nKey: "422.501", Message: "must match \"^[-a-zA-Z0-9]{5,100}$\"", InvalidValue: id})
	}
	errs = append(errs, checkDisplayName(name)...)
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	s.mu.Lock()
	for _, cu := range s.customerList {
		if strings.EqualFold(cu.displayName, name) {
			s.mu.Unlock()
			c.fail(http.StatusConflict, "409.011", "A customer with display name "+name+" already exists.")
			return
		}
	}
	cu, err := s.addCustomerLocked(id, name)
	var v customerWire
	if err == nil {
		v = cu.view()
		v.Accounts = nil
	}
	s.mu.Unlock()
	if err != nil {
		c.fail(http.StatusConflict, "409.012", "The customer identifier "+id+" already exists on this platform.")
		return
	}
	c.ok(http.StatusCreated, v)
}

// checkDisplayName applies Tango's display name rule: 5 to 100 characters without
// markup.
func checkDisplayName(name string) []fieldErrorInfo {
	switch n := len([]rune(name)); {
	case name == "":
		return []fieldErrorInfo{{Path: "displayName", I18nKey: "422.007", Message: "Failed field displayName: a value is required."}}
	case n < 5 || n > 100:
		return []fieldErrorInfo{{Path: "displayName", I18nKey: "422.126", Message: "length must be between 5 and 100", InvalidValue: name}}
	case insecure(name):
		return []fieldErrorInfo{{Path: "displayName", I18nKey: "422.111", Message: "The value contains characters that may be unsafe (markup or control characters).", InvalidValue: name}}
	}
	return nil
}

// str dereferences an optional string.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}
