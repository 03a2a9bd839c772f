package tango_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tango-sdk/tango-go"
)

// Planted personal and reward data: none may show when a value is printed.
const (
	printedEmail = "planted.print@example.net"
	printedName  = "Plantedfirstname"
	printedCode  = "PLANTEDCODE9876"
)

// printedValues are values a program holds and prints: single models, requests
// and errors, and containers of them. The containers are what slog's JSON
// handler hands to encoding/json.
func printedValues() (single, containers map[string]any) {
	rcp := &tango.Recipient{Email: printedEmail, FirstName: printedName}
	req := &tango.CreateOrderRequest{ExternalRefID: "r1", CustomerIdentifier: "c", AccountIdentifier: "a", UTID: "U1", Amount: tango.MustParseAmount("1.00"), Recipient: rcp}
	order := &tango.Order{ReferenceOrderID: "RA1", Recipient: rcp, Reward: &tango.Reward{CredentialList: []tango.Credential{{Label: "PIN", Value: printedCode}}, Credentials: map[string]tango.Private{"PIN": printedCode}}}
	areq := &tango.CreateAsyncOrderRequest{ExternalRefID: "x", LineItems: []tango.AsyncLineItemRequest{{Recipient: rcp}}}
	mism := &tango.IdempotencyMismatchError{ExternalRefID: "r1", Request: req, Existing: order, Fields: []string{"utid"}}
	single = map[string]any{
		"order":       order,
		"orderValue":  *order,
		"req":         req,
		"reqValue":    *req,
		"asyncReq":    areq,
		"asyncReqVal": *areq,
		"asyncLine":   areq.LineItems[0],
		"batchOrder":  tango.BatchOrder{Key: "k", Request: req},
		"batchResult": tango.BatchResult{Order: order, Err: &tango.OrderError{ExternalRefID: "r1", Err: mism}},
		"mismatch":    mism,
		"mismatchVal": *mism,
		"orderErr":    &tango.OrderError{ExternalRefID: "r1", Err: mism},
		"wrapped":     fmt.Errorf("wrap: %w", mism),
		"asyncResult": tango.AsyncOrderResult{},
	}
	type mine struct {
		Note  string
		Order *tango.Order
	}
	containers = map[string]any{
		"[]*Order":         []*tango.Order{order},
		"map[string]Order": map[string]tango.Order{"a": *order},
		"[]BatchResult":    []tango.BatchResult{{Order: order, Err: &tango.OrderError{ExternalRefID: "r1", Err: mism}}},
		"[]any":            []any{*req, *areq, *order},
		"map[Private]int":  map[tango.Private]int{printedEmail: 1},
		"struct of mine":   mine{Note: "n", Order: order},
		"*[2]Recipient":    &[2]tango.Recipient{*rcp},
	}
	return single, containers
}

// assertNothingPlanted fails when out holds a planted value, as is or hex-encoded.
func assertNothingPlanted(t *testing.T, out, what string) {
	t.Helper()
	for _, p := range []string{printedEmail, printedName, printedCode, fmt.Sprintf("%x", printedEmail), fmt.Sprintf("%X", printedEmail), fmt.Sprintf("%x", printedCode)} {
		assert.NotContains(t, out, p, "%s: %.400s", what, out)
	}
}

// slogHandlers are slog's two handlers, writing into b.
var slogHandlers = map[string]func(b *bytes.Buffer) slog.Handler{
	"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
}

// TestPrivateStaysHiddenInPrint prints models, requests, errors and containers
// of them with every fmt verb but %p, and reads every error string.
func TestPrivateStaysHiddenInPrint(t *testing.T) {
	single, containers := printedValues()
	for name, v := range containers {
		single[name] = v
	}
	for name, v := range single {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			assertNothingPlanted(t, fmt.Sprintf(verb, v), "fmt "+verb+" of "+name)
		}
		if err, ok := v.(error); ok {
			assertNothingPlanted(t, err.Error(), name+".Error()")
		}
	}
}

// TestPrivateStaysHiddenInSlogSingleValues: a model, a request or an error
// logged on its own is redacted by any handler, unwrapped.
func TestPrivateStaysHiddenInSlogSingleValues(t *testing.T) {
	single, _ := printedValues()
	for name, v := range single {
		for hname, mk := range slogHandlers {
			var b bytes.Buffer
			slog.New(mk(&b)).Info("x", "v", v)
			assertNothingPlanted(t, b.String(), "slog "+hname+" of "+name)
		}
	}
}

// TestRedactingHandlerHidesPrivateInContainers: slices, maps, arrays, []any and
// structs of the program's own holding models go through slog's JSON handler
// as encoding/json writes them (in clear); RedactingHandler presents them field
// by field, on the record, in With attributes and inside groups, over both
// handlers, and still shows what is not private.
func TestRedactingHandlerHidesPrivateInContainers(t *testing.T) {
	single, containers := printedValues()
	for name, v := range single {
		containers[name] = v
	}
	for name, v := range containers {
		for hname, mk := range slogHandlers {
			var b bytes.Buffer
			l := slog.New(tango.RedactingHandler(mk(&b)))
			l.Info("record", "v", v)
			l.With("with", v).Info("with")
			l.WithGroup("g").Info("group", slog.Group("inner", "v", v))
			out := b.String()
			assertNothingPlanted(t, out, "RedactingHandler("+hname+") of "+name)
			assert.Equal(t, 3, strings.Count(out, "\n"), "three records: %s", out)
		}
	}

	// What is not private still shows, under the JSON names.
	var b bytes.Buffer
	l := slog.New(tango.RedactingHandler(slog.NewJSONHandler(&b, nil)))
	l.Info("x", "orders", containers["[]*Order"], "n", 3, "s", "plain", "bytes", []byte("ab"), "err", fmt.Errorf("boom"))
	out := b.String()
	for _, want := range []string{`"orders":{"0":{"referenceOrderID":"RA1"`, `"email":"[REDACTED]"`, `"n":3`, `"s":"plain"`, `"bytes":"YWI="`, `"err":"boom"`} {
		assert.Contains(t, out, want)
	}
}

// TestRedactingHandlerWrapsOnce: wrapping a wrapped handler adds nothing.
func TestRedactingHandlerWrapsOnce(t *testing.T) {
	h := tango.RedactingHandler(slog.DiscardHandler)
	assert.Equal(t, h, tango.RedactingHandler(h))
	assert.Panics(t, func() { tango.RedactingHandler(nil) })
}
