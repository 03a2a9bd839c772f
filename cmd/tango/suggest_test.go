package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tango-sdk/tango-go"
)

// TestMistypedCommandGetsASuggestion: a near miss names the command meant.
func TestMistypedCommandGetsASuggestion(t *testing.T) {
	for typed, want := range map[string]string{
		"doctr":       "doctor",
		"catalgo":     "catalog",
		"order creat": "order create",
		"ordrs list":  "orders list",
	} {
		r := runIn(t, nil, strings.Fields(typed)...)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, fmt.Sprintf("did you mean %q?", want), typed)
	}
	r := runIn(t, nil, "frobnicate")
	assert.NotContains(t, r.stderr, "did you mean")
}

// TestErrorsStartWithOnePrefix: the SDK's "tango: " is not printed twice.
func TestErrorsStartWithOnePrefix(t *testing.T) {
	var out strings.Builder
	inv := &invocation{stderr: &out}
	inv.fail(errors.New("tango: GET /orders: something"))
	assert.Equal(t, "tango: GET /orders: something\n", out.String())
}

// TestTokenServerErrorIsNoVerdict: a token endpoint 5xx is a failure (exit 1),
// not "Tango refused" (exit 3); a refusal of the credentials stays exit 3.
func TestTokenServerErrorIsNoVerdict(t *testing.T) {
	assert.Equal(t, exitFailure, exitCodeFor(&tango.TokenError{StatusCode: 503}))
	assert.Equal(t, exitAPI, exitCodeFor(&tango.TokenError{StatusCode: 401, Code: "invalid_client"}))
}
