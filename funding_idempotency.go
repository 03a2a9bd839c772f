package tango

// Funding writes (credit card deposits and transfers) carry an externalRefID, and
// Tango refuses a second request with the same key on the same account with a 409
// ("externalRefID is not unique. Duplicate funding request.") rather than
// replaying the first answer as it does for orders. This file turns that 409 into
// what it means for the call that received it: a result marked AlreadyProcessed
// when the SDK generated the key within the call, a *DuplicateFundingError
// otherwise.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// DuplicateFundingError says that Tango refused a deposit or transfer because a
// funding request with the same externalRefID was already processed on the
// account. Nothing was processed twice, but Tango does not say which request
// processed the key: an attempt of this call, or an earlier call that used the
// same key, possibly for another amount or another purpose. Check the account's
// funding history or balance to learn what was moved. errors.Is(err,
// ErrConflict) holds, and errors.As reaches the *APIError.
//
// Calling again with the key of a call that ended with an *OutcomeUnknownError
// is how that outcome is settled, and is not a mistake: this error then means
// that the earlier call went through (unless the key was used by yet another
// call before it).
//
// When an attempt of this call had an unknown outcome before Tango's duplicate
// answer (a timeout, a lost connection, a 5xx), AfterUnknownOutcome is set and
// errors.Is(err, ErrOutcomeUnknown) holds as well, with errors.As reaching the
// *OutcomeUnknownError: the key may have been processed by that attempt or by
// an earlier call. A Deposit or Transfer whose key the SDK generated cannot meet
// this case, since no earlier call can have used the key; it reports the
// processed write with AlreadyProcessed instead.
type DuplicateFundingError struct {
	// ExternalRefID is the key that was already processed.
	ExternalRefID string
	// AfterUnknownOutcome is true when an attempt of this call whose outcome
	// was unknown came before the duplicate answer.
	AfterUnknownOutcome bool
	// Err is Tango's answer.
	Err *APIError

	// unknown is the pipeline's error for this call, when AfterUnknownOutcome.
	unknown *OutcomeUnknownError
}

// Error names the key, says what is and is not known, and gives Tango's answer.
func (e *DuplicateFundingError) Error() string {
	by := "by an earlier call with the same key (if that call ended with an unknown outcome, it went through)"
	if e.AfterUnknownOutcome {
		by = "by this call (an attempt whose outcome was unknown) or by an earlier call with the same key"
	}
	return fmt.Sprintf("tango: externalRefID %q was already processed on this account, %s; nothing was processed twice: check the account's funding history or balance for the amount: %v",
		e.ExternalRefID, by, e.Err)
}

// Unwrap returns Tango's answer and, when AfterUnknownOutcome, the
// *OutcomeUnknownError of this call.
func (e *DuplicateFundingError) Unwrap() []error {
	errs := []error{e.Err}
	if e.unknown != nil {
		errs = append(errs, e.unknown)
	}
	return errs
}

// Is makes the error match ErrOutcomeUnknown when AfterUnknownOutcome is set.
func (e *DuplicateFundingError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.AfterUnknownOutcome
}

// duplicateFunding reads the error of a keyed funding call: Tango's duplicate
// answer, if that is what ended the call, and the *OutcomeUnknownError the
// pipeline wraps around the last attempt's error when an earlier attempt may
// have taken effect. dup is nil for any other error.
func duplicateFunding(err error) (dup *APIError, unknown *OutcomeUnknownError) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !isDuplicateFunding(apiErr) {
		return nil, nil
	}
	errors.As(err, &unknown) // stays nil when no attempt was ambiguous
	return apiErr, unknown
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

// fundingKey returns the caller's externalRefID, or a new random one when empty;
// generated says which. Only a generated key is known to be used by no other
// call.
func fundingKey(given string) (key string, generated bool) {
	if given != "" {
		return given, false
	}
	return uuid.NewString(), true
}
