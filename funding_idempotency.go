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
	"strings"

	"github.com/google/uuid"
)

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
