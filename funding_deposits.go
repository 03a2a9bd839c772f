package tango

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

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
	// To settle a call that ended with an *OutcomeUnknownError, call again
	// with the key it carries (see Deposit).
	ExternalRefID string
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

	// AlreadyProcessed is true when the deposit was made but Tango's answer
	// describing it was lost. Check it on every successful Deposit: such a
	// result holds only what the SDK knows, ExternalRefID and the Amount it
	// sent; ReferenceDepositID, Status, AmountCharged and the dates are empty.
	// Find the deposit in Tango's funding history by its externalRefID. Do not
	// deposit again.
	//
	// It is set only when the SDK generated the externalRefID within the call
	// and an attempt whose outcome was unknown (a timeout, a lost connection, a
	// 5xx after sending) was followed by Tango's duplicate answer: no other
	// call can have used that key, so the attempt went through. A caller's key
	// gets a *DuplicateFundingError instead.
	//
	// This rests on Tango recording a funding key only for a request it
	// processed; Tango documents the duplicate answer but not whether a declined
	// or failed deposit also uses up its key. If the card may have been declined,
	// confirm the deposit in the funding history before relying on it.
	AlreadyProcessed bool `json:"-"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (d *Deposit) setRequestID(id string) { d.RequestID = id }

// Deposit funds an account from a registered card (POST /creditCardDeposits).
// Tango adds a fee of 3.5 % to the card charge (a deposit of 100.00 charges the
// card 103.50); the answer's FeePercent and AmountCharged say what was charged.
//
// The deposit carries an externalRefID: the caller's, never changed, or a random
// UUID when empty. Every retry reuses it, so the call is retried like an order:
// after timeouts, lost connections and 5xx answers too. Tango refuses a request
// whose key it already processed on the account with a 409 rather than
// replaying the first answer; the SDK reads that 409 as follows:
//
//   - the SDK generated the key, and an attempt of this call had an unknown
//     outcome: no other call can have used the key, so that attempt went
//     through. Deposit returns a result with AlreadyProcessed set and a nil
//     error. That result holds only the key and the amount: check
//     AlreadyProcessed before reading Tango's fields.
//   - the caller gave the key: Tango does not say whether this call or an
//     earlier one with the same key (perhaps for another amount) processed it.
//     The error is a *DuplicateFundingError, which matches ErrConflict, and
//     ErrOutcomeUnknown as well when an attempt of this call had an unknown
//     outcome. Nothing was deposited twice; check the account's funding history
//     or balance for the amount.
//
// When retries end without an answer the error is an *OutcomeUnknownError that
// carries the externalRefID. Settle it by calling again with that key as
// ExternalRefID: the deposit is made if the first call's was not, and a
// *DuplicateFundingError says that it was. That is what the key is for, not a
// mistake. Calling again with a new key instead can deposit twice.
func (s *FundingService) Deposit(ctx context.Context, req *DepositRequest) (*Deposit, error) {
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	key, generated := fundingKey(req.ExternalRefID)
	body := depositWire{
		CustomerIdentifier: req.CustomerIdentifier,
		AccountIdentifier:  req.AccountIdentifier,
		CreditCardToken:    req.CreditCardToken,
		Amount:             req.Amount.trimScale(maxRequestDecimals),
		ExternalRefID:      key,
	}
	return sendKeyed(ctx, s.c, keyedWrite[Deposit]{
		path: "/creditCardDeposits", body: &body, externalRefID: key, generated: generated,
		customer: body.CustomerIdentifier, account: body.AccountIdentifier,
		known: Deposit{ExternalRefID: key, Amount: body.Amount},
	})
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
		return fmt.Sprintf("tango.Deposit{externalRefID=%s %s already processed; Tango's record of it was lost}", d.ExternalRefID, d.Amount)
	}
	return fmt.Sprintf("tango.Deposit{%s externalRefID=%s %s %s}", d.ReferenceDepositID, d.ExternalRefID, d.Amount, d.Status)
}
