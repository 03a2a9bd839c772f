package tango

// Funding writes (credit card deposits and transfers) carry an externalRefID, and
// Tango refuses a second request with the same key on the same account with a 409
// ("externalRefID is not unique. Duplicate funding request.") rather than
// replaying the first answer as it does for orders. This file turns that 409 into
// what it means for the call that received it.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// DuplicateFundingError says that Tango refused a deposit or transfer because a
// funding request with the same externalRefID was already processed on the
// account, and no attempt of this call can have been that request: the caller
// reused a key. Nothing new was done. errors.Is(err, ErrConflict) holds, and
// errors.As reaches the *APIError.
//
// The same 409 after an attempt of the same call whose fate was unknown (a
// timeout, a lost connection, a 5xx) means that attempt went through; the call
// then succeeds with AlreadyProcessed set (see Deposit and Transfer) instead of
// returning this error.
type DuplicateFundingError struct {
	// ExternalRefID is the key that was already used.
	ExternalRefID string
	// Err is Tango's answer.
	Err *APIError
}

// Error names the key and Tango's answer.
func (e *DuplicateFundingError) Error() string {
	return fmt.Sprintf("tango: externalRefID %q was already used by a funding request on this account; nothing new was done: %v", e.ExternalRefID, e.Err)
}

// Unwrap returns Tango's answer.
func (e *DuplicateFundingError) Unwrap() error { return e.Err }

// fundingOutcome is what a keyed funding call's error means.
type fundingOutcome int

const (
	// fundingFailed: the error stands as it is.
	fundingFailed fundingOutcome = iota
	// fundingDuplicate: a plain duplicate; the caller reused a key.
	fundingDuplicate
	// fundingAlreadyProcessed: an earlier, ambiguous attempt of this call went
	// through, and a retry was refused as its duplicate.
	fundingAlreadyProcessed
)

// classifyFundingError reads the error of a keyed funding call. The pipeline ends
// a call whose earlier attempt may have taken effect with an *OutcomeUnknownError
// wrapping the last attempt's error, and any other call with that error itself;
// that is how a duplicate after an ambiguous attempt is told from a duplicate on
// the first try. It returns the duplicate's *APIError when there is one.
func classifyFundingError(err error) (fundingOutcome, *APIError) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !isDuplicateFunding(apiErr) {
		return fundingFailed, nil
	}
	var unknown *OutcomeUnknownError
	if errors.As(err, &unknown) {
		return fundingAlreadyProcessed, apiErr
	}
	return fundingDuplicate, apiErr
}

// isDuplicateFunding recognises Tango's duplicate funding answer. Tango documents
// the message, not an i18nKey, so any 409 other than 409.002 (in flight) that
// speaks of a duplicate or of the externalRefID counts.
func isDuplicateFunding(e *APIError) bool {
	if e.StatusCode != 409 || e.I18nKey == "409.002" {
		return false
	}
	mentions := func(s string) bool {
		s = strings.ToLower(s)
		return strings.Contains(s, "duplicate") || strings.Contains(s, "externalrefid") || strings.Contains(s, "not unique")
	}
	if mentions(e.Message) {
		return true
	}
	for _, f := range e.Errors {
		if mentions(f.Path) || mentions(f.Message) {
			return true
		}
	}
	return false
}

// fundingKey returns the caller's externalRefID, or a new random one when empty.
func fundingKey(given string) string {
	if given != "" {
		return given
	}
	return uuid.NewString()
}
