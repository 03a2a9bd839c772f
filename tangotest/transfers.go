package tangotest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Transfers move money between two accounts of the platform that hold the same
// currency. They share the funding state (and its externalRefID deduplication,
// keyed on the debited account) with deposits.

// maxTransferNotes is Tango's limit on transferNotes.
const maxTransferNotes = 150

type transferRequest struct {
	ExternalRefID *string         `json:"externalRefID"`
	TransferFrom  *string         `json:"transferFrom"`
	TransferTo    *string         `json:"transferTo"`
	Amount        json.RawMessage `json:"amount"`
	TransferNotes *string         `json:"transferNotes"`
}

type transferAccountWire struct {
	AccountIdentifier string      `json:"accountIdentifier"`
	AccountNumber     string      `json:"accountNumber"`
	DisplayName       string      `json:"displayName"`
	CurrencyCode      string      `json:"currencyCode"`
	StartingBalance   json.Number `json:"startingBalance"`
	EndingBalance     json.Number `json:"endingBalance"`
	Status            string      `json:"status"`
	ContactEmail      string      `json:"contactEmail"`
}

type transferWire struct {
	TransferDate      string              `json:"transferDate"`
	TransferredAmount json.Number         `json:"transferredAmount"`
	TransferNotes     string              `json:"transferNotes"`
	ExternalRefID     *string             `json:"externalRefID"`
	TransferFrom      transferAccountWire `json:"transferFrom"`
	TransferTo        transferAccountWire `json:"transferTo"`
}

// transferSide renders one account of a transfer with its balances.
func transferSide(a *account, before amount) transferAccountWire {
	return transferAccountWire{
		AccountIdentifier: a.id, AccountNumber: a.number, DisplayName: a.displayName, CurrencyCode: a.currency,
		StartingBalance: before.number(), EndingBalance: a.balance.number(), Status: a.status, ContactEmail: a.contactEmail,
	}
}

// handleTransfer serves POST /transferFunds: 200 with both accounts' balances
// before and after. Both accounts must exist, be active and share a currency; the
// source must hold the amount (402.001). A reused externalRefID on the source
// account gets 409.
func (f *funding) handleTransfer(c *call) {
	var req transferRequest
	if !c.decode(&req) {
		return
	}
	var fc fieldCheck
	from := fc.identifier("transferFrom", req.TransferFrom)
	to := fc.identifier("transferTo", req.TransferTo)
	amt, err := fc.money("amount", req.Amount)
	if err != nil {
		c.fail(http.StatusBadRequest, "400.009", "Could not read the request body; check the JSON formatting and values.")
		return
	}
	notes := ""
	if req.TransferNotes != nil {
		notes = *req.TransferNotes
		if len([]rune(notes)) > maxTransferNotes {
			fc.add("transferNotes", "422.006", "Field transferNotes must not be longer than 150 characters.", notes)
		} else if insecure(notes) {
			fc.add("transferNotes", "422.111", "The value contains characters that may be unsafe (markup or control characters).", notes)
		}
	}
	ref := checkFundingRef(&fc, req.ExternalRefID)
	if from != "" && strings.EqualFold(from, to) {
		fc.add("transferTo", "422.001", "The accounts of a transfer must differ.", to)
	}
	if len(fc.errs) > 0 {
		c.fieldErrors(fc.errs...)
		return
	}
	s := f.s
	s.mu.Lock()
	src, okFrom := s.accounts[from]
	dst, okTo := s.accounts[to]
	switch {
	case !okFrom || !okTo:
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.003", "The account does not exist for this platform.")
		return
	case src.status != accountActive || dst.status != accountActive:
		s.mu.Unlock()
		c.fail(http.StatusUnprocessableEntity, "422.156", "The account must be ACTIVE.")
		return
	case src.currency != dst.currency:
		s.mu.Unlock()
		c.fieldErrors(fieldErrorInfo{Path: "transferTo", I18nKey: "422.001",
			Message: "Funds can only be transferred between accounts of the same currency (" + src.currency + " to " + dst.currency + ")."})
		return
	case amt > src.balance:
		s.mu.Unlock()
		c.fail(http.StatusPaymentRequired, "402.001", "There are not enough funds in the account to make this transfer.")
		return
	}
	if !f.claimLocked(src.id, ref) {
		s.mu.Unlock()
		c.fail(http.StatusConflict, "", duplicateFundingMessage)
		return
	}
	srcBefore, dstBefore := src.balance, dst.balance
	src.balance -= amt
	dst.balance += amt
	out := transferWire{
		TransferDate: stamp(s.now()), TransferredAmount: amt.number(), TransferNotes: notes,
		TransferFrom: transferSide(src, srcBefore), TransferTo: transferSide(dst, dstBefore),
	}
	if ref != "" {
		out.ExternalRefID = &ref
	}
	s.mu.Unlock()
	c.ok(http.StatusOK, out)
}
