package tango

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// maxTransferNotesLength is Tango's limit on transferNotes, in characters.
const maxTransferNotesLength = 150

// TransferRequest is the body of POST /transferFunds: money to move between two
// accounts of the same platform and currency.
type TransferRequest struct {
	// From is the accountIdentifier of the account debited (required).
	From string
	// To is the accountIdentifier of the account credited (required; not From).
	To string
	// Amount is what moves (required: more than zero, at most 2 decimal places
	// and 6 digits before the point), in the accounts' currency.
	Amount Amount
	// Notes are kept with the transfer (optional, at most 150 characters).
	Notes string
	// ExternalRefID is the idempotency key: Tango refuses a second funding
	// request with the same key on the account. At most 100 characters. Leave
	// it empty and the SDK generates one, reused on every retry of the call.
	// To settle a call that ended with an *OutcomeUnknownError, call again
	// with the key it carries (see Deposit).
	ExternalRefID string
}

// transferWire is the POST /transferFunds body as sent.
type transferWire struct {
	ExternalRefID string `json:"externalRefID"`
	TransferFrom  string `json:"transferFrom"`
	TransferTo    string `json:"transferTo"`
	Amount        Amount `json:"amount"`
	TransferNotes string `json:"transferNotes,omitempty"`
}

// TransferAccount is one side of a transfer, with its balance before and after.
// Its contact address is [Private].
type TransferAccount struct {
	AccountIdentifier string `json:"accountIdentifier"`
	AccountNumber     string `json:"accountNumber,omitempty"`
	DisplayName       string `json:"displayName,omitempty"`
	CurrencyCode      string `json:"currencyCode,omitempty"`
	// StartingBalance and EndingBalance are the balances around the transfer.
	StartingBalance *Amount `json:"startingBalance,omitempty"`
	EndingBalance   *Amount `json:"endingBalance,omitempty"`
	// Status is the account's status (ACTIVE, ...).
	Status string `json:"status,omitempty"`
	// ContactEmail is the account's contact address.
	ContactEmail Private `json:"contactEmail,omitempty"`
}

// LogValue presents the account side to slog; see logValueOf.
func (a TransferAccount) LogValue() slog.Value { return logValueOf(a) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (a TransferAccount) Format(f fmt.State, verb rune) { formatValue(f, verb, a) }

// Transfer is Tango's record of a transfer (TransferFundsView). The accounts'
// contact addresses are [Private].
type Transfer struct {
	// TransferDate is when the money moved.
	TransferDate time.Time `json:"transferDate"`
	// TransferredAmount is what moved.
	TransferredAmount Amount `json:"transferredAmount"`
	// TransferNotes are as sent.
	TransferNotes string `json:"transferNotes,omitempty"`
	// ExternalRefID is the idempotency key the transfer was made with.
	ExternalRefID string `json:"externalRefID,omitempty"`
	// From and To are the two accounts.
	From *TransferAccount `json:"transferFrom,omitempty"`
	To   *TransferAccount `json:"transferTo,omitempty"`

	// AlreadyProcessed is true when the money moved but Tango's answer
	// describing the transfer was lost. Check it on every successful Transfer:
	// such a result holds only what the SDK knows (ExternalRefID, the
	// TransferredAmount and TransferNotes it sent, and From and To with their
	// AccountIdentifier alone); TransferDate and the balances are empty. Do not
	// transfer again.
	//
	// It is set only when the SDK generated the externalRefID within the call,
	// as for Deposit.AlreadyProcessed (and on the same undocumented assumption
	// about Tango's keys); a caller's key gets a *DuplicateFundingError instead.
	AlreadyProcessed bool `json:"-"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// LogValue presents the transfer to slog; see logValueOf.
func (t Transfer) LogValue() slog.Value { return logValueOf(t) }

// Transfer moves money between two accounts of the platform that hold the same
// currency (POST /transferFunds).
//
// Like Deposit, the transfer carries an externalRefID (the caller's, or a random
// UUID), reused on every retry, and is retried after timeouts, lost connections
// and 5xx answers. Tango's 409 for a key it already processed is read as Deposit
// documents: a result with AlreadyProcessed set when the SDK generated the key
// and an attempt of this call had an unknown outcome, a *DuplicateFundingError
// otherwise (the money moved once, by this call or an earlier one with the same
// key). After an *OutcomeUnknownError, call again with its externalRefID to
// settle it; never with a new key.
//
// The account guard (WithAccountGuard) sees both accounts, each with an empty
// customer identifier: Tango's transfer names accounts only.
func (s *FundingService) Transfer(ctx context.Context, req *TransferRequest) (*Transfer, error) {
	return s.transfer(ctx, req, "")
}

// transfer is Transfer; customer, when known, is the source account's customer,
// for the account guard.
func (s *FundingService) transfer(ctx context.Context, req *TransferRequest, customer string) (*Transfer, error) {
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	key, generated := fundingKey(req.ExternalRefID)
	body := transferWire{
		ExternalRefID: key,
		TransferFrom:  req.From,
		TransferTo:    req.To,
		Amount:        req.Amount.trimScale(maxRequestDecimals),
		TransferNotes: req.Notes,
	}
	if g := s.c.accountGuard; g != nil {
		if err := g(ctx, "", body.TransferTo); err != nil {
			return nil, fmt.Errorf("tango: POST /transferFunds: account guard refused the destination account %q: %w", body.TransferTo, err)
		}
	}
	return sendKeyed(ctx, s.c, keyedWrite[Transfer]{
		path: "/transferFunds", body: &body, externalRefID: key, generated: generated,
		customer: customer, account: body.TransferFrom,
		known: Transfer{
			ExternalRefID: key, TransferredAmount: body.Amount, TransferNotes: body.TransferNotes,
			From: &TransferAccount{AccountIdentifier: body.TransferFrom}, To: &TransferAccount{AccountIdentifier: body.TransferTo},
		},
	})
}
