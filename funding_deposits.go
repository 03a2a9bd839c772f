package tango

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// CreditCardFeePercent is what Tango charges on top of a credit card deposit, in
// percent: a deposit of 100.00 charges the card 103.50.
const CreditCardFeePercent = "3.5"

// DepositStatus is the state of a credit card deposit. It is a string type so
// that statuses Tango adds later still decode; compare against the constants.
type DepositStatus string

// Deposit statuses Tango documents.
const (
	// DepositSuccess: the card was charged and the account credited.
	DepositSuccess DepositStatus = "SUCCESS"
	// DepositPending: authorized but not settled; the card is not charged and the
	// balance not credited yet. Tango settles it within three business days.
	DepositPending DepositStatus = "PENDING"
	// DepositDeclined: the card was not charged.
	DepositDeclined DepositStatus = "DECLINED"
)

// DepositRequest is the body of POST /creditCardDeposits: money to move from a
// registered card into its account.
type DepositRequest struct {
	// CustomerIdentifier and AccountIdentifier name the account to credit
	// (required); the card must be registered on it.
	CustomerIdentifier string
	AccountIdentifier  string
	// CreditCardToken is the card's token (required).
	CreditCardToken string
	// Amount is what the account is credited, before the card fee (required:
	// more than zero, at most 2 decimal places and 6 digits before the point).
	Amount Amount
	// ExternalRefID is the idempotency key: Tango refuses a second funding
	// request with the same key on the account. At most 100 characters. Leave
	// it empty and the SDK generates one, reused on every retry of the call.
	ExternalRefID string
}

// validate checks the identifiers, token, amount and key.
func (r *DepositRequest) validate() error {
	var v validator
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return v.err()
	}
	v.identifier("customerIdentifier", r.CustomerIdentifier)
	v.identifier("accountIdentifier", r.AccountIdentifier)
	if v.required("creditCardToken", r.CreditCardToken) {
		v.text("creditCardToken", r.CreditCardToken, singleLine)
	}
	v.requestAmount("amount", r.Amount)
	validateFundingKey(&v, r.ExternalRefID)
	return v.err()
}

// validateFundingKey checks an optional externalRefID.
func validateFundingKey(v *validator, ref string) {
	if v.text("externalRefID", ref, singleLine) {
		v.maxLength("externalRefID", ref, maxExternalRefIDLength, keyExternalRefIDLength)
	}
}

// depositWire is the POST /creditCardDeposits body as sent.
type depositWire struct {
	CustomerIdentifier string `json:"customerIdentifier"`
	AccountIdentifier  string `json:"accountIdentifier"`
	CreditCardToken    string `json:"creditCardToken"`
	Amount             Amount `json:"amount"`
	ExternalRefID      string `json:"externalRefID"`
}

// Deposit is Tango's record of a credit card deposit (CreditCardDepositView).
type Deposit struct {
	// ReferenceDepositID is Tango's id for the deposit, such as
	// "RAD-180426-5407". Empty when AlreadyProcessed is set.
	ReferenceDepositID string `json:"referenceDepositID,omitempty"`
	// ExternalRefID is the idempotency key the deposit was made with.
	ExternalRefID string `json:"externalRefID,omitempty"`
	// Amount is what the account is credited.
	Amount Amount `json:"amount"`
	// AmountCharged is what the card is charged: Amount plus the fee. Tango
	// reports it once the charge is captured (not while PENDING).
	AmountCharged *Amount `json:"amountCharged,omitempty"`
	// FeePercent is the card fee, in percent (3.5).
	FeePercent *Amount `json:"feePercent,omitempty"`
	// Status is the deposit's state.
	Status DepositStatus `json:"status,omitempty"`
	// CreatedDate is when Tango received the deposit.
	CreatedDate time.Time `json:"createdDate"`
	// AccountNumber is Tango's number for the account credited.
	AccountNumber string `json:"accountNumber,omitempty"`

	// AlreadyProcessed is true when an attempt of this call whose outcome was
	// unknown (a timeout, a lost connection, a 5xx after sending) did go
	// through: the retry with the same externalRefID was refused as its
	// duplicate. The deposit exists, but Tango's answer describing it was lost,
	// so only ExternalRefID is set; find the deposit in Tango's funding history.
	// Do not deposit again.
	AlreadyProcessed bool `json:"-"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (d *Deposit) setRequestID(id string) { d.RequestID = id }

// Deposit funds an account from a registered card (POST /creditCardDeposits).
// Tango adds a fee of CreditCardFeePercent to the card charge.
//
// The deposit carries an externalRefID: the caller's, never changed, or a random
// UUID when empty. Every retry reuses it, so the call is retried like an order:
// after timeouts, lost connections and 5xx answers too. Tango refuses a second
// request with a known key with a 409 rather than replaying the first answer;
// the SDK reads that 409 as follows:
//
//   - after an attempt of this call whose outcome was unknown, it means that
//     attempt went through: Deposit returns a result with AlreadyProcessed set
//     and a nil error;
//   - on a call with no such attempt, the caller reused a key: the error is a
//     *DuplicateFundingError and nothing new was done.
//
// When retries end without an answer the error is an *OutcomeUnknownError that
// carries the externalRefID: calling again later with the same key is safe.
func (s *FundingService) Deposit(ctx context.Context, req *DepositRequest) (*Deposit, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	body := depositWire{
		CustomerIdentifier: req.CustomerIdentifier,
		AccountIdentifier:  req.AccountIdentifier,
		CreditCardToken:    req.CreditCardToken,
		Amount:             req.Amount.trimScale(maxRequestDecimals),
		ExternalRefID:      fundingKey(req.ExternalRefID),
	}
	return sendKeyed[Deposit](ctx, s.c, "/creditCardDeposits", &body, body.ExternalRefID, body.CustomerIdentifier, body.AccountIdentifier)
}

// fundingRecord is what sendKeyed needs of a keyed funding call's result
// (*Deposit, *Transfer): a way to fill in what the SDK knows beyond Tango's
// answer.
type fundingRecord[T any] interface {
	*T
	settle(externalRefID, requestID string, alreadyProcessed bool)
}

// sendKeyed sends a keyed funding write (POST path with body, whose idempotency
// key is externalRefID; customer and account are shown to the account guard),
// retried like an order, and decodes Tango's record of it. A duplicate-key 409
// is read as Deposit documents: after an attempt of this call whose outcome was
// unknown it is a result with only the key set and AlreadyProcessed; otherwise
// a *DuplicateFundingError.
func sendKeyed[T any, PT fundingRecord[T]](ctx context.Context, c *Client, path string, body any, externalRefID, customer, account string) (*T, error) {
	r, err := newRequest(http.MethodPost, path, nil, body, retryKeyed)
	if err != nil {
		return nil, err
	}
	r.externalRefID, r.customer, r.account = externalRefID, customer, account
	var out T
	resp, err := c.send(ctx, r, &out)
	if err != nil {
		switch outcome, dup := classifyFundingError(err); outcome {
		case fundingAlreadyProcessed:
			var done T
			PT(&done).settle(externalRefID, dup.RequestID, true)
			return &done, nil
		case fundingDuplicate:
			return nil, &DuplicateFundingError{ExternalRefID: externalRefID, Err: dup}
		}
		return nil, err
	}
	PT(&out).settle(externalRefID, resp.RequestID, false)
	return &out, nil
}

// settle fills in the deposit's key when Tango left it out, the request id, and
// AlreadyProcessed (see sendKeyed).
func (d *Deposit) settle(externalRefID, requestID string, alreadyProcessed bool) {
	if d.ExternalRefID == "" {
		d.ExternalRefID = externalRefID
	}
	d.RequestID, d.AlreadyProcessed = requestID, alreadyProcessed
}

// GetDeposit fetches a deposit by Tango's id
// (GET /creditCardDeposits/{referenceDepositID}), for instance to follow a
// PENDING one.
func (s *FundingService) GetDeposit(ctx context.Context, referenceDepositID string) (*Deposit, error) {
	if err := requirePathID("referenceDepositID", referenceDepositID); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, "/creditCardDeposits/"+url.PathEscape(referenceDepositID), nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	return sendDecoded[Deposit](ctx, s.c, r)
}

// String identifies the deposit for logs.
func (d Deposit) String() string {
	if d.AlreadyProcessed {
		return fmt.Sprintf("tango.Deposit{externalRefID=%s already processed}", d.ExternalRefID)
	}
	return fmt.Sprintf("tango.Deposit{%s externalRefID=%s %s %s}", d.ReferenceDepositID, d.ExternalRefID, d.Amount, d.Status)
}
