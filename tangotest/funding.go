package tangotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Funding: credit cards registered on accounts, deposits from them (which credit
// the balance; the card is charged 3.5% on top) and transfers between accounts of
// the same currency. Deposits and transfers deduplicate externalRefID per account
// and answer a repeat with 409, as Tango does for funding.
//
// The funding state belongs to one Server. It lives with the routes that serve it
// (fundingRoutes is called once, when the server starts) and is guarded by the
// server's mutex like the rest of the state.

// Funding limits and messages.
const (
	// maxCardsPerAccount is how many active cards an account may hold (422.050).
	maxCardsPerAccount = 10
	// cardFeePerMille is the credit card fee: 3.5% is 35 per mille.
	cardFeePerMille = 35
	// duplicateFundingMessage is Tango's answer to a reused funding externalRefID.
	// Tango documents the message, not an i18nKey, so the fake sends none.
	duplicateFundingMessage = "externalRefID is not unique. Duplicate funding request."
	// Card statuses.
	cardActive  = "ACTIVE"
	cardDeleted = "DELETED"
)

var (
	cardNumberPattern = regexp.MustCompile(`^[0-9]{12,19}$`)
	cardCVVPattern    = regexp.MustCompile(`^[0-9]{3,4}$`)
	cardExpiryPattern = regexp.MustCompile(`^([0-9]{4})-(0[1-9]|1[0-2])$`)
)

// creditCard is a registered card. The fake keeps the last four digits only.
type creditCard struct {
	token       string
	customer    string
	account     string
	accountNum  string
	label       string
	lastFour    string
	expiration  string
	status      string
	createdAt   time.Time
	activatedAt time.Time
	contacts    []contactWire
}

// deposit is a stored credit card deposit.
type deposit struct {
	id            string
	externalRefID string
	account       string
	accountNumber string
	amount        amount
	charged       amount
	status        string
	createdAt     time.Time
}

// fundingKey deduplicates funding requests: one externalRefID per account.
type fundingKey struct{ account, ref string }

// funding is the funding state of one server; s.mu guards it.
type funding struct {
	s          *Server
	cards      map[string]*creditCard
	cardList   []*creditCard
	deposits   map[string]*deposit
	used       map[fundingKey]bool
	depositSeq int
}

// Wire shapes of the funding endpoints.

type cardDetailsInput struct {
	Number             *string `json:"number"`
	Expiration         *string `json:"expiration"`
	VerificationNumber *string `json:"verificationNumber"`
}

type billingAddressInput struct {
	FirstName    *string `json:"firstName"`
	LastName     *string `json:"lastName"`
	AddressLine1 *string `json:"addressLine1"`
	AddressLine2 *string `json:"addressLine2"`
	City         *string `json:"city"`
	State        *string `json:"state"`
	PostalCode   *string `json:"postalCode"`
	Country      *string `json:"country"`
	EmailAddress *string `json:"emailAddress"`
}

type contactWire struct {
	FullName     string `json:"fullName"`
	EmailAddress string `json:"emailAddress"`
}

type registerCardRequest struct {
	CustomerIdentifier *string              `json:"customerIdentifier"`
	AccountIdentifier  *string              `json:"accountIdentifier"`
	Label              *string              `json:"label"`
	IPAddress          *string              `json:"ipAddress"`
	CreditCard         *cardDetailsInput    `json:"creditCard"`
	BillingAddress     *billingAddressInput `json:"billingAddress"`
	ContactInformation []contactWire        `json:"contactInformation"`
}

type creditCardWire struct {
	CustomerIdentifier string        `json:"customerIdentifier"`
	AccountIdentifier  string        `json:"accountIdentifier"`
	AccountNumber      string        `json:"accountNumber"`
	Token              string        `json:"token"`
	Label              string        `json:"label"`
	LastFourDigits     string        `json:"lastFourDigits"`
	ExpirationDate     string        `json:"expirationDate"`
	Status             string        `json:"status"`
	CreatedDate        string        `json:"createdDate"`
	ActivationDate     string        `json:"activationDate"`
	ContactInformation []contactWire `json:"contactInformation"`
}

type depositRequest struct {
	CustomerIdentifier *string         `json:"customerIdentifier"`
	AccountIdentifier  *string         `json:"accountIdentifier"`
	CreditCardToken    *string         `json:"creditCardToken"`
	Amount             json.RawMessage `json:"amount"`
	ExternalRefID      *string         `json:"externalRefID"`
}

type depositWire struct {
	ReferenceDepositID string      `json:"referenceDepositID"`
	Amount             json.Number `json:"amount"`
	AmountCharged      json.Number `json:"amountCharged"`
	FeePercent         json.Number `json:"feePercent"`
	CreatedDate        string      `json:"createdDate"`
	Status             string      `json:"status"`
	ExternalRefID      *string     `json:"externalRefID"`
	AccountNumber      string      `json:"accountNumber"`
}

type unregisterRequest struct {
	CustomerIdentifier *string `json:"customerIdentifier"`
	AccountIdentifier  *string `json:"accountIdentifier"`
	CreditCardToken    *string `json:"creditCardToken"`
}

type unregisterWire struct {
	Token       string `json:"token"`
	Message     string `json:"message"`
	CreatedDate string `json:"createdDate"`
}

func (s *Server) fundingRoutes() []route {
	f := &funding{
		s:        s,
		cards:    map[string]*creditCard{},
		deposits: map[string]*deposit{},
		used:     map[fundingKey]bool{},
	}
	return []route{
		{http.MethodPost, "/creditCards", f.handleRegisterCard},
		{http.MethodGet, "/creditCards", f.handleListCards},
		{http.MethodGet, "/creditCards/{token}", f.handleGetCard},
		{http.MethodPost, "/creditCardDeposits", f.handleDeposit},
		{http.MethodGet, "/creditCardDeposits/{referenceDepositID}", f.handleGetDeposit},
		{http.MethodPost, "/creditCardUnregisters", f.handleUnregister},
		{http.MethodPost, "/transferFunds", f.handleTransfer},
	}
}

// view renders a card (CreditCardView).
func (cc *creditCard) view() creditCardWire {
	contacts := append([]contactWire{}, cc.contacts...)
	return creditCardWire{
		CustomerIdentifier: cc.customer, AccountIdentifier: cc.account, AccountNumber: cc.accountNum,
		Token: cc.token, Label: cc.label, LastFourDigits: cc.lastFour, ExpirationDate: cc.expiration,
		Status: cc.status, CreatedDate: stamp(cc.createdAt), ActivationDate: stamp(cc.activatedAt),
		ContactInformation: contacts,
	}
}

// view renders a deposit (CreditCardDepositView).
func (d *deposit) view() depositWire {
	w := depositWire{
		ReferenceDepositID: d.id, Amount: d.amount.number(), AmountCharged: d.charged.number(),
		FeePercent: "3.5", CreatedDate: stamp(d.createdAt), Status: d.status, AccountNumber: d.accountNumber,
	}
	if d.externalRefID != "" {
		ref := d.externalRefID
		w.ExternalRefID = &ref
	}
	return w
}

// fieldCheck collects field errors the way Tango's schema validation lists them.
type fieldCheck struct{ errs []fieldErrorInfo }

func (fc *fieldCheck) add(path, key, msg string, value any) {
	fc.errs = append(fc.errs, fieldErrorInfo{Path: path, I18nKey: key, Message: msg, InvalidValue: value})
}

// required records 422.007 for a missing or blank value and returns the value.
func (fc *fieldCheck) required(path string, v *string) string {
	if v == nil || strings.TrimSpace(*v) == "" {
		fc.add(path, "422.007", "Failed field "+path+": a value is required.", nil)
		return ""
	}
	if insecure(*v) {
		fc.add(path, "422.111", "The value contains characters that may be unsafe (markup or control characters).", nil)
	}
	return *v
}

// identifier records a missing or malformed customer or account identifier.
func (fc *fieldCheck) identifier(path string, v *string) string {
	id := fc.required(path, v)
	if id != "" && !identifierPattern.MatchString(id) {
		fc.add(path, "422.501", "must match \"^[-a-zA-Z0-9]{5,100}$\"", id)
	}
	return id
}

// money reads a required amount: positive, at most 2 decimals and 6 digits.
func (fc *fieldCheck) money(path string, raw json.RawMessage) (amount, error) {
	text := strings.TrimSpace(string(raw))
	if text == "" || text == "null" {
		fc.add(path, "422.007", "Failed field "+path+": a value is required.", nil)
		return 0, nil
	}
	if strings.HasPrefix(text, `"`) || strings.HasPrefix(text, "{") || strings.HasPrefix(text, "[") || text == "true" || text == "false" {
		return 0, errNotJSON
	}
	a, err := parseAmount(text)
	switch {
	case errors.Is(err, errNegative):
		fc.add(path, "422.141", "must be greater than or equal to 0", json.Number(text))
	case errors.Is(err, errTooManyDecimals):
		fc.add(path, "422.014", "The amount may have at most two decimal places.", json.Number(text))
	case errors.Is(err, errTooManyDigits):
		fc.add(path, "422.105", "The amount has more than 6 integer digits or more than 2 decimals.", json.Number(text))
	case err != nil:
		return 0, errNotJSON
	case a == 0:
		fc.add(path, "422.007", "Failed field "+path+": a value greater than zero is required.", json.Number(text))
	}
	return a, nil
}

// accountOfLocked finds an active account and checks that it belongs to the
// customer; it writes the error answer and returns nil when it cannot.
func (f *funding) accountOfLocked(c *call, customer, account string) *account {
	cu, ok := f.s.customers[customer]
	if !ok {
		c.fail(http.StatusNotFound, "404.002", "This customer does not exist for this platform.")
		return nil
	}
	a, ok := f.s.accounts[account]
	if !ok || a.customer != cu {
		c.fail(http.StatusNotFound, "404.003", "The account does not exist for this platform (or not under this customer).")
		return nil
	}
	if a.status != accountActive {
		c.fail(http.StatusUnprocessableEntity, "422.156", "The account must be ACTIVE.")
		return nil
	}
	return a
}

// handleRegisterCard serves POST /creditCards: 201 with the card. The card number
// is checked and dropped; only its last four digits are kept.
func (f *funding) handleRegisterCard(c *call) {
	var req registerCardRequest
	if !c.decode(&req) {
		return
	}
	var fc fieldCheck
	customer := fc.identifier("customerIdentifier", req.CustomerIdentifier)
	acct := fc.identifier("accountIdentifier", req.AccountIdentifier)
	label := fc.required("label", req.Label)
	cd := req.CreditCard
	if cd == nil {
		cd = &cardDetailsInput{}
	}
	// Tango's validation echoes rejected values; so does the fake, card numbers
	// included, so that clients prove they drop them.
	number := fc.required("creditCard.number", cd.Number)
	if number != "" && !cardNumberPattern.MatchString(number) {
		fc.add("creditCard.number", "422.001", "The credit card number is not valid.", number)
	}
	expiry := fc.required("creditCard.expiration", cd.Expiration)
	if expiry != "" && !cardExpiryPattern.MatchString(expiry) {
		fc.add("creditCard.expiration", "422.001", "The expiration must be YYYY-MM.", expiry)
	} else if expiry != "" && expiry < f.s.now().UTC().Format("2006-01") {
		fc.add("creditCard.expiration", "422.001", "The credit card has expired.", expiry)
	}
	if cvv := fc.required("creditCard.verificationNumber", cd.VerificationNumber); cvv != "" && !cardCVVPattern.MatchString(cvv) {
		fc.add("creditCard.verificationNumber", "422.001", "The verification number must be 3 or 4 digits.", nil)
	}
	ba := req.BillingAddress
	if ba == nil {
		ba = &billingAddressInput{}
	}
	for _, field := range []struct {
		name string
		v    *string
	}{
		{"firstName", ba.FirstName}, {"lastName", ba.LastName}, {"addressLine1", ba.AddressLine1},
		{"city", ba.City}, {"state", ba.State}, {"postalCode", ba.PostalCode}, {"country", ba.Country},
	} {
		fc.required("billingAddress."+field.name, field.v)
	}
	if mail := fc.required("billingAddress.emailAddress", ba.EmailAddress); mail != "" && !wellFormedEmail(mail) {
		fc.add("billingAddress.emailAddress", "422.134", "not a well-formed email address", mail)
	}
	for i, ci := range req.ContactInformation {
		if ci.EmailAddress != "" && !wellFormedEmail(ci.EmailAddress) {
			fc.add(fmt.Sprintf("contactInformation[%d].emailAddress", i), "422.134", "not a well-formed email address", ci.EmailAddress)
		}
	}
	if len(fc.errs) > 0 {
		c.fieldErrors(fc.errs...)
		return
	}

	s := f.s
	s.mu.Lock()
	a := f.accountOfLocked(c, customer, acct)
	if a == nil {
		s.mu.Unlock()
		return
	}
	active := 0
	for _, cc := range f.cardList {
		if cc.account == a.id && cc.status == cardActive {
			active++
		}
	}
	if active >= maxCardsPerAccount {
		s.mu.Unlock()
		c.fail(http.StatusUnprocessableEntity, "422.050", "An account may have at most 10 credit cards registered.")
		return
	}
	now := s.now()
	cc := &creditCard{
		token: newCardToken(), customer: customer, account: a.id, accountNum: a.number, label: label,
		lastFour: number[len(number)-4:], expiration: expiry, status: cardActive,
		createdAt: now, activatedAt: now, contacts: append([]contactWire(nil), req.ContactInformation...),
	}
	f.cards[cc.token] = cc
	f.cardList = append(f.cardList, cc)
	v := cc.view()
	s.mu.Unlock()
	c.ok(http.StatusCreated, v)
}

// newCardToken makes a 40-character card token, the length Tango documents.
func newCardToken() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("tangotest: random card token: %v", err))
	}
	return hex.EncodeToString(b)
}

// handleListCards serves GET /creditCards: active cards (all with
// showInactive=true), the documented filters, a plain array or a cursor page.
func (f *funding) handleListCards(c *call) {
	q := c.r.URL.Query()
	showInactive := strings.EqualFold(q.Get("showInactive"), "true")
	f.s.mu.Lock()
	var out []creditCardWire
	for _, cc := range f.cardList {
		if cc.status != cardActive && !showInactive && q.Get("status") == "" {
			continue
		}
		match := eqFold(q.Get("status"), cc.status) &&
			eqExact(q.Get("customerIdentifier"), cc.customer) &&
			eqExact(q.Get("accountIdentifier"), cc.account) &&
			eqExact(q.Get("accountNumber"), cc.accountNum) &&
			eqExact(q.Get("token"), cc.token) &&
			containsFold(cc.label, q.Get("label")) &&
			eqExact(q.Get("lastFourDigits"), cc.lastFour) &&
			eqExact(q.Get("expirationDate"), cc.expiration) &&
			contactMatches(cc.contacts, q.Get("emailAddress"), q.Get("fullName"))
		if match {
			out = append(out, cc.view())
		}
	}
	f.s.mu.Unlock()
	writeList(c, out)
}

// contactMatches applies the emailAddress and fullName filters.
func contactMatches(cs []contactWire, email, name string) bool {
	if email == "" && name == "" {
		return true
	}
	for _, ci := range cs {
		if eqFold(email, ci.EmailAddress) && containsFold(ci.FullName, name) {
			return true
		}
	}
	return false
}

// handleGetCard serves GET /creditCards/{token}, or 404 (404.022).
func (f *funding) handleGetCard(c *call) {
	f.s.mu.Lock()
	cc, ok := f.cards[c.param("token")]
	var v creditCardWire
	if ok {
		v = cc.view()
	}
	f.s.mu.Unlock()
	if !ok {
		c.fail(http.StatusNotFound, "404.022", "The credit card does not exist for this platform.")
		return
	}
	c.ok(http.StatusOK, v)
}

// handleUnregister serves POST /creditCardUnregisters: the card becomes DELETED;
// 422.002 when it is not registered (or no longer) on that account.
func (f *funding) handleUnregister(c *call) {
	var req unregisterRequest
	if !c.decode(&req) {
		return
	}
	var fc fieldCheck
	customer := fc.identifier("customerIdentifier", req.CustomerIdentifier)
	acct := fc.identifier("accountIdentifier", req.AccountIdentifier)
	token := fc.required("creditCardToken", req.CreditCardToken)
	if len(fc.errs) > 0 {
		c.fieldErrors(fc.errs...)
		return
	}
	s := f.s
	s.mu.Lock()
	if f.accountOfLocked(c, customer, acct) == nil {
		s.mu.Unlock()
		return
	}
	cc, ok := f.cards[token]
	if !ok || cc.account != acct || cc.status != cardActive {
		s.mu.Unlock()
		c.fail(http.StatusUnprocessableEntity, "422.002", "The credit card is not registered on this account.")
		return
	}
	cc.status = cardDeleted
	out := unregisterWire{Token: cc.token, Message: "The credit card was unregistered.", CreatedDate: stamp(s.now())}
	s.mu.Unlock()
	c.ok(http.StatusOK, out)
}

// handleDeposit serves POST /creditCardDeposits: the account is credited the
// amount and the card charged 3.5% more; 200 with the deposit (status SUCCESS).
// A reused externalRefID on the account gets 409.
func (f *funding) handleDeposit(c *call) {
	var req depositRequest
	if !c.decode(&req) {
		return
	}
	var fc fieldCheck
	customer := fc.identifier("customerIdentifier", req.CustomerIdentifier)
	acct := fc.identifier("accountIdentifier", req.AccountIdentifier)
	token := fc.required("creditCardToken", req.CreditCardToken)
	amt, err := fc.money("amount", req.Amount)
	if err != nil {
		c.fail(http.StatusBadRequest, "400.009", "Could not read the request body; check the JSON formatting and values.")
		return
	}
	ref := checkFundingRef(&fc, req.ExternalRefID)
	if len(fc.errs) > 0 {
		c.fieldErrors(fc.errs...)
		return
	}
	s := f.s
	s.mu.Lock()
	a := f.accountOfLocked(c, customer, acct)
	if a == nil {
		s.mu.Unlock()
		return
	}
	cc, ok := f.cards[token]
	if !ok || cc.account != a.id {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.022", "The credit card does not exist on this account.")
		return
	}
	if cc.status != cardActive {
		s.mu.Unlock()
		c.fail(http.StatusUnprocessableEntity, "422.002", "The credit card is not registered on this account.")
		return
	}
	now := s.now()
	if now.Before(cc.activatedAt) {
		s.mu.Unlock()
		c.fail(http.StatusTooManyRequests, "429.003", "The credit card is still in its registration period.")
		return
	}
	if !f.claimLocked(a.id, ref) {
		s.mu.Unlock()
		c.fail(http.StatusConflict, "", duplicateFundingMessage)
		return
	}
	a.balance += amt
	f.depositSeq++
	d := &deposit{
		id:            fmt.Sprintf("RAD-%s-%04d", now.UTC().Format("060102"), 1000+f.depositSeq),
		externalRefID: ref, account: a.id, accountNumber: a.number,
		amount: amt, charged: amount((int64(amt)*(1000+cardFeePerMille) + 500) / 1000),
		status: "SUCCESS", createdAt: now,
	}
	f.deposits[d.id] = d
	v := d.view()
	s.mu.Unlock()
	c.ok(http.StatusOK, v)
}

// checkFundingRef reads an optional externalRefID (at most 100 characters).
func checkFundingRef(fc *fieldCheck, ref *string) string {
	if ref == nil {
		return ""
	}
	if len([]rune(*ref)) > 100 {
		fc.add("externalRefID", "422.110", "The external reference ID must not be longer than 100 characters.", *ref)
	} else if insecure(*ref) {
		fc.add("externalRefID", "422.111", "The value contains characters that may be unsafe (markup or control characters).", *ref)
	}
	return *ref
}

// claimLocked records a funding externalRefID on an account; it reports false
// when the key was used before. An empty key is never deduplicated.
func (f *funding) claimLocked(account, ref string) bool {
	if ref == "" {
		return true
	}
	k := fundingKey{account: account, ref: ref}
	if f.used[k] {
		return false
	}
	f.used[k] = true
	return true
}

// handleGetDeposit serves GET /creditCardDeposits/{referenceDepositID}.
func (f *funding) handleGetDeposit(c *call) {
	f.s.mu.Lock()
	d, ok := f.deposits[c.param("referenceDepositID")]
	var v depositWire
	if ok {
		v = d.view()
	}
	f.s.mu.Unlock()
	if !ok {
		c.fail(http.StatusNotFound, "404.001", "The deposit does not exist for this platform.")
		return
	}
	c.ok(http.StatusOK, v)
}
