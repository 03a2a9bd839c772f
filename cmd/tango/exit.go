package main

import (
	"errors"
	"fmt"

	"github.com/tango-sdk/tango-go"
)

// Exit codes; `tango help` and the README document them.
const (
	exitOK             = 0 // success
	exitFailure        = 1 // no verdict from Tango: network, TLS, timeout, interruption
	exitUsage          = 2 // bad flags, arguments or configuration; nothing was sent
	exitAPI            = 3 // Tango refused the request, or has no such item or order
	exitOutcomeUnknown = 4 // an order may or may not have been placed
	exitDoctorFailed   = 5 // the doctor found a failing check
)

// exitCodeFor classifies the error a command ended with.
func exitCodeFor(err error) int {
	var (
		unknown  *tango.OutcomeUnknownError
		invalid  *tango.ValidationError
		api      *tango.APIError
		gateway  *tango.GatewayError
		mismatch *tango.IdempotencyMismatchError
		token    *tango.TokenError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &unknown):
		return exitOutcomeUnknown
	case errors.As(err, &invalid):
		return exitUsage
	case errors.As(err, &api), errors.As(err, &gateway), errors.As(err, &mismatch), errors.Is(err, tango.ErrItemNotFound):
		return exitAPI
	case errors.Is(err, tango.ErrServerError):
		return exitFailure // a server error is no verdict, the token endpoint's included
	case errors.As(err, &token) && token.StatusCode != 0:
		return exitAPI // the token endpoint answered, and refused
	}
	return exitFailure
}

// fail reports err on stderr and returns its exit code. Error texts from the SDK
// never hold secrets or contact data.
func (inv *invocation) fail(err error) int {
	fmt.Fprintf(inv.stderr, "tango: %s\n", stripSDKPrefix(err.Error()))
	var gateway *tango.GatewayError
	if errors.As(err, &gateway) {
		fmt.Fprintln(inv.stderr, "tango: run `tango doctor --behind-proxy` to check the causes one by one")
	}
	return exitCodeFor(err)
}
