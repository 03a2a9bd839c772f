package tangotest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Order statuses the fake uses.
const orderComplete = "COMPLETE"

// orderKey is the idempotency key of an order: Tango deduplicates externalRefID per
// account.
type orderKey struct{ account, ref string }

// order is a stored order. It is never changed after creation, except for its resend
// bookkeeping.
type order struct {
	refID          string
	lineItemID     string
	externalRefID  string
	customer       string
	account        string
	accountNumber  string
	utid           string
	rewardName     string
	denom          amount
	denomCurrency  string
	charged        amount
	chargeCurrency string
	rate           rate
	in             orderInput
	status         string
	createdAt      time.Time
	credentials    []credentialWire
	lastResend     time.Time
	resent         bool
}

func (s *Server) orderRoutes() []route {
	return []route{
		{http.MethodPost, "/orders", s.handleCreateOrder},
		{http.MethodGet, "/orders", s.handleListOrders},
		{http.MethodGet, "/orders/{referenceOrderID}", s.handleGetOrder},
		{http.MethodPost, "/orders/{referenceOrderID}/resends", s.handleResend},
	}
}

// handleCreateOrder serves POST /orders: rate limit, schema validation, idempotency on
// (accountIdentifier, externalRefID), business checks, debit, 201.
func (s *Server) handleCreateOrder(c *call) {
	if s.orderRateLimited() {
		c.fail(http.StatusTooManyRequests, "429.001", "Too many requests: orders are limited per second.")
		return
	}
	var req createOrderRequest
	if !c.decode(&req) {
		return
	}
	in, errs, err := validateOrder(&req)
	if err != nil {
		c.fail(http.StatusBadRequest, "400.009", "Could not read the request body; check the JSON formatting and values.")
		return
	}
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}

	key := orderKey{account: in.account, ref: in.externalRefID}
	dedup := in.externalRefID != ""
	s.mu.Lock()
	if dedup {
		if s.inFlight[key] {
			s.mu.Unlock()
			c.failWith(http.StatusConflict, "409.002", fmt.Sprintf(
				"Another order with the external reference ID %s for account %s is still being processed. Wait at least 2 seconds between retries.",
				in.externalRefID, in.account), in.externalRefID, in.account)
			return
		}
		if o := s.ordersByKey[key]; o != nil {
			v := o.view(true)
			s.mu.Unlock()
			c.ok(http.StatusOK, v)
			return
		}
		s.inFlight[key] = true
		defer s.release(key)
	}
	o, fail := s.placeOrderLocked(in)
	var v orderWire
	if o != nil {
		v = o.view(true)
	}
	s.mu.Unlock()
	if fail != nil {
		fail(c)
		return
	}
	c.ok(http.StatusCreated, v)
}

// release ends the in-flight period of an idempotency key.
func (s *Server) release(key orderKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inFlight, key)
}

// orderRateLimited applies WithOrderRateLimit.
func (s *Server) orderRateLimited() bool {
	if s.cfg.orderTPS <= 0 {
		return false
	}
	interval := time.Duration(float64(time.Second) / s.cfg.orderTPS)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if !s.lastOrderAt.IsZero() && now.Sub(s.lastOrderAt) < interval {
		return true
	}
	s.lastOrderAt = now
	return false
}

// placeOrderLocked runs the business checks and, when they pass, debits the account
// and stores the order. On failure it returns a function that writes the answer.
func (s *Server) placeOrderLocked(in orderInput) (*order, func(*call)) {
	cust, ok := s.customers[in.customer]
	if !ok {
		return nil, failWith(http.StatusNotFound, "404.002", "This customer does not exist for this platform.")
	}
	acct, ok := s.accounts[in.account]
	if !ok || acct.customer != cust {
		return nil, failWith(http.StatusNotFound, "404.003", "The account does not exist for this platform (or not under this customer).")
	}
	if acct.status != accountActive {
		return nil, failWith(http.StatusUnprocessableEntity, "422.156", "The account must be ACTIVE.")
	}
	it, ok := s.items[strings.ToUpper(in.utid)]
	if !ok {
		return nil, failFields(fieldErrorInfo{Path: "utid", I18nKey: "422.024",
			Message: "The item identifier is not valid; check it against the catalog.", InvalidValue: in.utid})
	}
	if it.Inactive {
		return nil, failFields(fieldErrorInfo{Path: "utid", I18nKey: "422.030",
			Message: "The requested item is not active.", InvalidValue: in.utid})
	}
	switch it.ValueType {
	case ValueTypeFixed:
		if in.amount != it.face {
			return nil, failFields(fieldErrorInfo{Path: "amount", I18nKey: "422.027",
				Message: "Wrong amount for this fixed-value item; it must be " + it.face.String() + ".", InvalidValue: in.amount.number()})
		}
	default:
		if in.amount < it.min || in.amount > it.max {
			return nil, failFields(fieldErrorInfo{Path: "amount", I18nKey: "422.025",
				Message: fmt.Sprintf("The amount is outside the item's range: min %s, max %s.", it.min, it.max), InvalidValue: in.amount.number()})
		}
	}
	r, ok := s.rateLocked(it.CurrencyCode, acct.currency)
	if !ok {
		return nil, failFields(fieldErrorInfo{Path: "utid", I18nKey: "422.166",
			Message: "This item cannot be ordered from an account in " + acct.currency + ".", InvalidValue: in.utid})
	}
	charged := r.charge(in.amount)
	if charged > acct.balance {
		return nil, failWith(http.StatusPaymentRequired, "402.001", "There are not enough funds in the account to place this order.")
	}

	acct.balance -= charged
	now := s.now()
	s.orderSeq++
	ref := fmt.Sprintf("RA%s-%d-%02d", now.UTC().Format("060102"), 1000+s.orderSeq, (s.orderSeq*37+11)%90+10)
	o := &order{
		refID:          ref,
		lineItemID:     ref + "-1",
		externalRefID:  in.externalRefID,
		customer:       cust.id,
		account:        acct.id,
		accountNumber:  acct.number,
		utid:           it.UTID,
		rewardName:     it.RewardName,
		denom:          in.amount,
		denomCurrency:  it.CurrencyCode,
		charged:        charged,
		chargeCurrency: acct.currency,
		rate:           r,
		in:             in,
		status:         orderComplete,
		createdAt:      now,
		credentials:    makeCredentials(it, now),
	}
	s.orders = append(s.orders, o)
	s.ordersByRef[o.refID] = o
	if in.externalRefID != "" {
		s.ordersByKey[orderKey{account: acct.id, ref: in.externalRefID}] = o
	}
	return o, nil
}

func failWith(status int, key, msg string) func(*call) {
	return func(c *call) { c.fail(status, key, msg) }
}

func failFields(errs ...fieldErrorInfo) func(*call) {
	return func(c *call) { c.fieldErrors(errs...) }
}

// makeCredentials invents the reward's credentials. Redemption links point at the
// reserved .invalid domain, so they can never reach a real host.
func makeCredentials(it *item, now time.Time) []credentialWire {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		copy(b, now.String())
	}
	code := hex.EncodeToString(b)
	if it.Credential == CredentialCardNumber {
		// 12 digits for the card number and 8 for the PIN, each from its own
		// random byte: a PIN long enough that tests scanning logs for it do not
		// find it by chance in a duration or a port, and no digit shared with the
		// card number.
		d := make([]byte, 20)
		if _, err := rand.Read(d); err != nil {
			copy(d, now.String())
		}
		for i := range d {
			d[i] = '0' + d[i]%10
		}
		return []credentialWire{
			{Label: "Card Number", Value: "6006" + string(d[:12]), Type: "text", CredentialType: "cardNumber"},
			{Label: "PIN", Value: string(d[12:]), Type: "text", CredentialType: "pin"},
		}
	}
	return []credentialWire{{
		Label: "Redemption Link", Value: "https://rewards.tangotest.invalid/r/" + code,
		Type: "url", CredentialType: "redemptionUrl",
	}}
}

// view renders the order. withReward adds the credentials (POST and GET of one
// order); list rows carry none.
func (o *order) view(withReward bool) orderWire {
	w := orderWire{
		ReferenceOrderID:    o.refID,
		ReferenceLineItemID: o.lineItemID,
		CustomerIdentifier:  o.customer,
		AccountIdentifier:   o.account,
		AccountNumber:       o.accountNumber,
		AmountCharged: moneyView{
			Value: o.charged.number(), CurrencyCode: o.chargeCurrency,
			ExchangeRate: o.rate.number(), Fee: amount(0).number(), Total: o.charged.number(),
		},
		Denomination: moneyView{
			Value: o.denom.number(), CurrencyCode: o.denomCurrency,
			ExchangeRate: unitRate.number(), Fee: amount(0).number(), Total: o.denom.number(),
		},
		MarginShare:         marginView{Value: amount(0).number(), CurrencyCode: o.chargeCurrency},
		UTID:                o.utid,
		RewardName:          o.rewardName,
		Sender:              o.in.sender,
		Recipient:           o.in.recipient,
		EmailSubject:        o.in.emailSubject,
		Message:             o.in.message,
		Etid:                etidOrDefault(o.in.etid),
		SendEmail:           o.in.deliveryMethod == "EMAIL",
		DeliveryMethod:      o.in.deliveryMethod,
		Status:              o.status,
		OrderStatus:         o.status,
		Campaign:            o.in.campaign,
		Notes:               o.in.notes,
		PurchaseOrderNumber: o.in.poNumber,
		CreatedAt:           stamp(o.createdAt),
	}
	w.ExternalRefID = o.externalRefID
	if withReward {
		rw := &rewardWire{
			Credentials:            map[string]string{},
			CredentialList:         append([]credentialWire(nil), o.credentials...),
			RedemptionInstructions: "Use the credentials below at the merchant. (tangotest fake reward)",
		}
		for _, cr := range o.credentials {
			rw.Credentials[cr.Label] = cr.Value
		}
		w.Reward = rw
	}
	return w
}

// OrdersCreated returns how many orders the fake has created (replays excluded).
func (s *Server) OrdersCreated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.orders)
}

// OrderCount returns how many orders were actually created in the account with this
// externalRefID. With Tango's deduplication it is 0 or 1; a test asserting "exactly
// one order" checks that it is 1. An empty externalRefID counts every order of the
// account.
func (s *Server) OrderCount(accountIdentifier, externalRefID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, o := range s.orders {
		if o.account == accountIdentifier && (externalRefID == "" || o.externalRefID == externalRefID) {
			n++
		}
	}
	return n
}

// DefaultETID is the template Tango uses for orders that name none.
const DefaultETID = "E000000"

// etidOrDefault is the etid an order shows: the one it named, or Tango's default
// template. The reference marks etid required on orders and line items.
func etidOrDefault(etid string) string {
	if etid == "" {
		return DefaultETID
	}
	return etid
}
