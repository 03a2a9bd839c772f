package tango_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// validOrder returns a request that passes validation: an EMAIL order with
// every optional field filled in.
func validOrder() *tango.CreateOrderRequest {
	return &tango.CreateOrderRequest{
		ExternalRefID:       "order-2026-0001",
		CustomerIdentifier:  "cust-00001",
		AccountIdentifier:   "acct-00001",
		UTID:                "U561593",
		Amount:              tango.MustParseAmount("10.00"),
		DeliveryMethod:      tango.DeliveryEmail,
		Recipient:           &tango.Recipient{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"},
		Sender:              &tango.Sender{FirstName: "Grace", LastName: "Hopper", Email: "grace@example.org"},
		EmailSubject:        "A thank-you from all of us",
		Message:             "Thank you!\nSee you soon.",
		ETID:                "E000000",
		Campaign:            "Spring 2026",
		Notes:               "Approved by finance\r\nTicket 42",
		PurchaseOrderNumber: "PO-7781",
	}
}

// fieldErrors returns the FieldErrors of err, which must be a *ValidationError.
func fieldErrors(t *testing.T, err error) []tango.FieldError {
	t.Helper()
	require.Error(t, err)
	var ve *tango.ValidationError
	require.True(t, errors.As(err, &ve), "want *ValidationError, got %T", err)
	require.ErrorIs(t, err, tango.ErrValidation)
	return ve.Fields
}

// ruleCase is one row of a validation table: a change to a valid request and
// the one field error it must cause, or none.
type ruleCase struct {
	name   string
	mutate func(r *tango.CreateOrderRequest)
	path   string // empty: the request must stay valid
	key    string
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := validOrder()
			tc.mutate(r)
			err := r.Validate()
			if tc.path == "" {
				require.NoError(t, err)
				return
			}
			got := fieldErrors(t, err)
			require.Len(t, got, 1, "want exactly one problem, got %v", got)
			assert.Equal(t, tc.path, got[0].Path)
			assert.Equal(t, tc.key, got[0].I18nKey)
			assert.NotEmpty(t, got[0].Message)
		})
	}
}

func TestValidOrderIsValid(t *testing.T) {
	require.NoError(t, validOrder().Validate())
}

func TestValidateIdentifiers(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"customer ok lowercase", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "abcde" }, "", ""},
		{"customer ok mixed", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "Cust-01-X" }, "", ""},
		{"customer ok 100", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = strings.Repeat("a", 100) }, "", ""},
		{"customer missing", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "" }, "customerIdentifier", "422.007"},
		{"customer blank", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "     " }, "customerIdentifier", "422.007"},
		{"customer too short", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "abcd" }, "customerIdentifier", "422.501"},
		{"customer too long", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = strings.Repeat("a", 101) }, "customerIdentifier", "422.501"},
		{"customer underscore", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "cust_0001" }, "customerIdentifier", "422.501"},
		{"customer space", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "cust 0001" }, "customerIdentifier", "422.501"},
		{"customer non-ASCII", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "cüst-0001" }, "customerIdentifier", "422.501"},
		{"customer newline", func(r *tango.CreateOrderRequest) { r.CustomerIdentifier = "cust-0001\n" }, "customerIdentifier", "422.501"},
		{"account missing", func(r *tango.CreateOrderRequest) { r.AccountIdentifier = "" }, "accountIdentifier", "422.007"},
		{"account bad", func(r *tango.CreateOrderRequest) { r.AccountIdentifier = "acct/0001" }, "accountIdentifier", "422.501"},
	})
}

func TestValidateTemplateAndItemIDs(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"utid ok", func(r *tango.CreateOrderRequest) { r.UTID = "U1" }, "", ""},
		{"utid ok lowercase 9 digits", func(r *tango.CreateOrderRequest) { r.UTID = "u123456789" }, "", ""},
		{"utid missing", func(r *tango.CreateOrderRequest) { r.UTID = "" }, "utid", "422.007"},
		{"utid no digits", func(r *tango.CreateOrderRequest) { r.UTID = "U" }, "utid", "422.147"},
		{"utid 10 digits", func(r *tango.CreateOrderRequest) { r.UTID = "U1234567890" }, "utid", "422.147"},
		{"utid wrong letter", func(r *tango.CreateOrderRequest) { r.UTID = "B916708" }, "utid", "422.147"},
		{"utid letters", func(r *tango.CreateOrderRequest) { r.UTID = "U12a" }, "utid", "422.147"},
		{"etid empty is fine", func(r *tango.CreateOrderRequest) { r.ETID = "" }, "", ""},
		{"etid ok lowercase", func(r *tango.CreateOrderRequest) { r.ETID = "e123456" }, "", ""},
		{"etid five digits", func(r *tango.CreateOrderRequest) { r.ETID = "E12345" }, "etid", "422.031"},
		{"etid seven digits", func(r *tango.CreateOrderRequest) { r.ETID = "E1234567" }, "etid", "422.031"},
		{"etid wrong letter", func(r *tango.CreateOrderRequest) { r.ETID = "T123456" }, "etid", "422.031"},
		{"ptid ok", func(r *tango.CreateOrderRequest) { r.PTID = "P123" }, "", ""},
		{"ptid ok lowercase", func(r *tango.CreateOrderRequest) { r.PTID = "p9" }, "", ""},
		{"ptid no digits", func(r *tango.CreateOrderRequest) { r.PTID = "P" }, "ptid", "422.001"},
		{"ptid wrong letter", func(r *tango.CreateOrderRequest) { r.PTID = "E123" }, "ptid", "422.001"},
	})
}

func TestValidateExternalRefID(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"empty is fine (the order service generates one)", func(r *tango.CreateOrderRequest) { r.ExternalRefID = "" }, "", ""},
		{"uuid", func(r *tango.CreateOrderRequest) { r.ExternalRefID = "3f1c3a8e-5a4c-4b7e-9d55-0e1b3c6f2a10" }, "", ""},
		{"100 characters", func(r *tango.CreateOrderRequest) { r.ExternalRefID = strings.Repeat("x", 100) }, "", ""},
		{"101 characters", func(r *tango.CreateOrderRequest) { r.ExternalRefID = strings.Repeat("x", 101) }, "externalRefID", "422.110"},
		{"markup", func(r *tango.CreateOrderRequest) { r.ExternalRefID = "<b>1</b>" }, "externalRefID", "422.111"},
		{"newline", func(r *tango.CreateOrderRequest) { r.ExternalRefID = "a\nb" }, "externalRefID", "422.111"},
	})
}

func TestValidateAmount(t *testing.T) {
	amount := func(s string) func(r *tango.CreateOrderRequest) {
		return func(r *tango.CreateOrderRequest) { r.Amount = tango.MustParseAmount(s) }
	}
	runRuleCases(t, []ruleCase{
		{"one cent", amount("0.01"), "", ""},
		{"whole", amount("25"), "", ""},
		{"one decimal", amount("25.5"), "", ""},
		{"largest", amount("999999.99"), "", ""},
		{"trailing zeros carry no value", amount("10.000"), "", ""},
		{"unset", func(r *tango.CreateOrderRequest) { r.Amount = tango.Amount{} }, "amount", "422.007"},
		{"zero with decimals", amount("0.00"), "amount", "422.007"},
		{"negative", amount("-10.00"), "amount", "422.141"},
		{"three decimals", amount("10.005"), "amount", "422.014"},
		{"four decimals", amount("1.3599"), "amount", "422.014"},
		{"seven digits", amount("1000000"), "amount", "422.105"},
		{"seven digits with cents", amount("1234567.89"), "amount", "422.105"},
	})

	t.Run("too many digits and decimals report both", func(t *testing.T) {
		r := validOrder()
		r.Amount = tango.MustParseAmount("1234567.891")
		got := fieldErrors(t, r.Validate())
		require.Len(t, got, 2)
		assert.Equal(t, "422.014", got[0].I18nKey)
		assert.Equal(t, "422.105", got[1].I18nKey)
	})
}

func TestValidateEmailAddresses(t *testing.T) {
	valid := []string{
		"a@example.com",
		"first.last+tag@sub.example.co.uk",
		"o'brien@example.ie",
		"x_y-z@example-domain.com",
		"user@xn--bcher-kva.example",
		"jürgen@bücher.example",
		"1234@example.com",
	}
	invalid := []string{
		"plainaddress",
		"@example.com",
		"a@",
		"a@example",
		"a@@example.com",
		"a@exa mple.com",
		"a b@example.com",
		"a..b@example.com",
		".a@example.com",
		"a.@example.com",
		"a@-example.com",
		"a@example-.com",
		"a@example..com",
		"a@example.com.",
		"a@1.2.3.4",
		"Ada <a@example.com>",
		"\"quoted\"@example.com",
		"a@example.com\n",
		"a(comment)@example.com",
		strings.Repeat("a", 65) + "@example.com",
		"a@" + strings.Repeat("b", 64) + ".com",
		"a@" + strings.Repeat("b.", 130) + "com",
		"a@exa\xffmple.com",
	}
	var cases []ruleCase
	for _, e := range valid {
		cases = append(cases,
			ruleCase{"recipient ok " + e, func(r *tango.CreateOrderRequest) { r.Recipient.Email = tango.Private(e) }, "", ""},
			ruleCase{"sender ok " + e, func(r *tango.CreateOrderRequest) { r.Sender.Email = tango.Private(e) }, "", ""})
	}
	for _, e := range invalid {
		cases = append(cases,
			ruleCase{"recipient bad " + e, func(r *tango.CreateOrderRequest) { r.Recipient.Email = tango.Private(e) }, "recipient.email", "422.134"},
			ruleCase{"sender bad " + e, func(r *tango.CreateOrderRequest) { r.Sender.Email = tango.Private(e) }, "sender.email", "422.134"})
	}
	cases = append(cases, ruleCase{"sender email optional", func(r *tango.CreateOrderRequest) { r.Sender.Email = "" }, "", ""})
	runRuleCases(t, cases)
}

func TestValidateMobileNumber(t *testing.T) {
	phone := func(n string) func(r *tango.CreateOrderRequest) {
		return func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryPhone
			r.Recipient.MobileNumber = tango.Private(n)
		}
	}
	runRuleCases(t, []ruleCase{
		{"us", phone("+15555550100"), "", ""},
		{"uk", phone("+447700900123"), "", ""},
		{"seven digits (Niue)", phone("+6834002"), "", ""},
		{"six digits", phone("+123456"), "recipient.mobileNumber", "422.028"},
		{"too short", phone("+12"), "recipient.mobileNumber", "422.028"},
		{"fifteen digits", phone("+123456789012345"), "", ""},
		{"missing for PHONE", phone(""), "recipient.mobileNumber", "422.028"},
		{"no plus", phone("15555550100"), "recipient.mobileNumber", "422.028"},
		{"spaces", phone("+1 555 555 0100"), "recipient.mobileNumber", "422.028"},
		{"dashes", phone("+1-555-555-0100"), "recipient.mobileNumber", "422.028"},
		{"leading zero country", phone("+0555550100"), "recipient.mobileNumber", "422.028"},
		{"sixteen digits", phone("+1234567890123456"), "recipient.mobileNumber", "422.028"},
		{"letters", phone("+1555CALLNOW"), "recipient.mobileNumber", "422.028"},
		{"bad number on EMAIL order still checked", func(r *tango.CreateOrderRequest) { r.Recipient.MobileNumber = "555" },
			"recipient.mobileNumber", "422.028"},
	})
}

func TestValidateLengths(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"first name 100", func(r *tango.CreateOrderRequest) { r.Recipient.FirstName = tango.Private(strings.Repeat("a", 100)) }, "", ""},
		{"first name 101", func(r *tango.CreateOrderRequest) { r.Recipient.FirstName = tango.Private(strings.Repeat("a", 101)) },
			"recipient.firstName", "422.006"},
		{"last name 101", func(r *tango.CreateOrderRequest) { r.Recipient.LastName = tango.Private(strings.Repeat("a", 101)) },
			"recipient.lastName", "422.006"},
		{"100 accented letters are 100 characters", func(r *tango.CreateOrderRequest) { r.Recipient.LastName = tango.Private(strings.Repeat("é", 100)) }, "", ""},
		{"emoji count as two, as in Java", func(r *tango.CreateOrderRequest) { r.Recipient.LastName = tango.Private(strings.Repeat("😀", 51)) },
			"recipient.lastName", "422.006"},
		{"sender first name 101", func(r *tango.CreateOrderRequest) { r.Sender.FirstName = tango.Private(strings.Repeat("a", 101)) },
			"sender.firstName", "422.006"},
		{"sender last name 101", func(r *tango.CreateOrderRequest) { r.Sender.LastName = tango.Private(strings.Repeat("a", 101)) },
			"sender.lastName", "422.006"},
		{"campaign 1024", func(r *tango.CreateOrderRequest) { r.Campaign = strings.Repeat("c", 1024) }, "", ""},
		{"campaign 1025", func(r *tango.CreateOrderRequest) { r.Campaign = strings.Repeat("c", 1025) }, "campaign", "422.006"},
		{"notes 1024", func(r *tango.CreateOrderRequest) { r.Notes = strings.Repeat("n", 1024) }, "", ""},
		{"notes 1025", func(r *tango.CreateOrderRequest) { r.Notes = strings.Repeat("n", 1025) }, "notes", "422.006"},
		{"physical order names at most 25", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			r.Recipient = &tango.Recipient{FirstName: tango.Private(strings.Repeat("a", 26)), Address: validAddress()}
		}, "recipient.firstName", "422.006"},
		{"physical order name of 25", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			r.Recipient = &tango.Recipient{FirstName: tango.Private(strings.Repeat("a", 25)), Address: validAddress()}
		}, "", ""},
	})
}

func TestValidateUnsafeCharacters(t *testing.T) {
	// Every free-text field, and how to set it.
	fields := []struct {
		path      string
		multiLine bool
		set       func(r *tango.CreateOrderRequest, s string)
	}{
		{"externalRefID", false, func(r *tango.CreateOrderRequest, s string) { r.ExternalRefID = s }},
		{"recipient.firstName", false, func(r *tango.CreateOrderRequest, s string) { r.Recipient.FirstName = tango.Private(s) }},
		{"recipient.lastName", false, func(r *tango.CreateOrderRequest, s string) { r.Recipient.LastName = tango.Private(s) }},
		{"sender.firstName", false, func(r *tango.CreateOrderRequest, s string) { r.Sender.FirstName = tango.Private(s) }},
		{"sender.lastName", false, func(r *tango.CreateOrderRequest, s string) { r.Sender.LastName = tango.Private(s) }},
		{"emailSubject", false, func(r *tango.CreateOrderRequest, s string) { r.EmailSubject = s }},
		{"message", true, func(r *tango.CreateOrderRequest, s string) { r.Message = s }},
		{"campaign", false, func(r *tango.CreateOrderRequest, s string) { r.Campaign = s }},
		{"notes", true, func(r *tango.CreateOrderRequest, s string) { r.Notes = s }},
		{"purchaseOrderNumber", false, func(r *tango.CreateOrderRequest, s string) { r.PurchaseOrderNumber = s }},
		{"expirationDate", false, func(r *tango.CreateOrderRequest, s string) { r.ExpirationDate = s }},
	}
	unsafe := []struct{ name, value string }{
		{"script tag", "<script>alert(1)</script>"},
		{"less than", "a < b"},
		{"greater than", "a > b"},
		{"character reference", "&#60;script&#62;"},
		{"null byte", "a\x00b"},
		{"escape", "a\x1b[31mred"},
		{"delete", "a\x7fb"},
		{"C1 control", "a\u0085b"},
		{"right-to-left override", "abc\u202Edef"},
		{"isolate", "abc\u2066def"},
		{"invalid UTF-8", "a\xffb"},
	}
	safe := []string{"Tom & Jerry", "Ünïcödé — ok", "50% off!", "O'Brien \"Bob\"", "a+b=c; (x) [y] {z} @ # $ ~"}

	var cases []ruleCase
	for _, f := range fields {
		for _, u := range unsafe {
			cases = append(cases, ruleCase{f.path + " " + u.name,
				func(r *tango.CreateOrderRequest) { f.set(r, u.value) }, f.path, "422.111"})
		}
		for _, s := range safe {
			cases = append(cases, ruleCase{f.path + " safe " + s,
				func(r *tango.CreateOrderRequest) { f.set(r, s) }, "", ""})
		}
		for _, lb := range []string{"line\nbreak", "tab\there", "line\r\nbreak", "sep\u2028arator"} {
			if f.multiLine {
				cases = append(cases, ruleCase{f.path + " multi-line ok " + lb,
					func(r *tango.CreateOrderRequest) { f.set(r, lb) }, "", ""})
			} else {
				cases = append(cases, ruleCase{f.path + " single-line " + lb,
					func(r *tango.CreateOrderRequest) { f.set(r, lb) }, f.path, "422.111"})
			}
		}
	}
	runRuleCases(t, cases)
}

func TestValidateMessagesNeverRepeatValues(t *testing.T) {
	const planted = "leak-canary-7f3a"
	r := &tango.CreateOrderRequest{
		ExternalRefID:      planted + strings.Repeat("x", 100),
		CustomerIdentifier: planted + "_",
		AccountIdentifier:  planted + "!",
		UTID:               planted,
		Amount:             tango.MustParseAmount("1234567.891"),
		DeliveryMethod:     tango.DeliveryMethod(planted),
		Recipient: &tango.Recipient{
			Email: planted + "@", FirstName: "<" + planted + ">", LastName: planted + "\x00",
			MobileNumber: planted, Address: &tango.Address{Country: planted},
		},
		Sender:       &tango.Sender{Email: "not-an-email-" + planted, FirstName: tango.Private(planted + strings.Repeat("y", 100))},
		EmailSubject: "<" + planted, Message: planted + "\x1b", ETID: planted, PTID: planted,
		Campaign: "&#" + planted, Notes: ">" + planted, PurchaseOrderNumber: planted + "\u202E",
	}
	err := r.Validate()
	got := fieldErrors(t, err)
	assert.GreaterOrEqual(t, len(got), 15)
	assert.NotContains(t, err.Error(), planted)
	for _, f := range got {
		assert.NotContains(t, f.Message, planted, f.Path)
		assert.NotContains(t, f.String(), planted, f.Path)
	}
}

// Path parameters of "." or ".." would be sent as dot segments and address
// another resource: every typed method refuses them before sending, as Do does.

func TestDotSegmentPathParametersAreRefused(t *testing.T) {
	checkLeaks(t)
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]any{})
	})
	c := newCoreClient(t, srv)
	ctx := context.Background()
	calls := map[string]func(id string) error{
		"Orders.Get":    func(id string) error { _, err := c.Orders.Get(ctx, id); return err },
		"Orders.Resend": func(id string) error { _, err := c.Orders.Resend(ctx, id, nil); return err },
		"Orders.Wait":   func(id string) error { _, err := c.Orders.Wait(ctx, id); return err },
		"LineItems.Get": func(id string) error { _, err := c.LineItems.Get(ctx, id); return err },
		"LineItems.Resend": func(id string) error {
			_, err := c.LineItems.Resend(ctx, id, nil)
			return err
		},
		"LineItems.EmbeddedURL": func(id string) error { _, err := c.LineItems.EmbeddedURL(ctx, id); return err },
		"Funding.GetCreditCard": func(id string) error { _, err := c.Funding.GetCreditCard(ctx, id); return err },
		"Funding.GetDeposit":    func(id string) error { _, err := c.Funding.GetDeposit(ctx, id); return err },
		"Accounts.Get":          func(id string) error { _, err := c.Accounts.Get(ctx, id); return err },
		"Customers.Get":         func(id string) error { _, err := c.Customers.Get(ctx, id); return err },
		"Templates.Get":         func(id string) error { _, err := c.Templates.Get(ctx, id); return err },
		"Templates.Delete":      func(id string) error { _, err := c.Templates.Delete(ctx, id); return err },
		"Reference.ChoiceProduct": func(id string) error {
			_, err := c.Reference.ChoiceProduct(ctx, id)
			return err
		},
		"Catalog.ChoiceProductCatalog": func(id string) error {
			_, err := c.Catalog.ChoiceProductCatalog(ctx, id, nil)
			return err
		},
		"LowBalanceAlerts.Get": func(id string) error {
			_, err := c.LowBalanceAlerts.Get(ctx, "cust-00001", "acct-00001", id)
			return err
		},
	}
	for name, call := range calls {
		for _, id := range []string{".", ".."} {
			t.Run(name+" "+id, func(t *testing.T) {
				err := call(id)
				require.ErrorIs(t, err, tango.ErrValidation)
			})
		}
	}
	assert.Zero(t, srv.hits.Load(), "nothing was sent")
}
