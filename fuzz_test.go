package tango

// This file holds the one fuzz target that cannot live in package tango_test:
// wireBody is unexported (the order service calls it), so no public API reaches it.

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// FuzzWireBody checks the body the order service sends: the delivery method is
// resolved by the documented rule, SendEmail agrees with it, the amount keeps
// its value with no needless decimal places, and the caller's struct is left
// exactly as it was.
func FuzzWireBody(f *testing.F) {
	methods := []string{"", "NONE", "EMAIL", "PHONE", "ADDRESS", "EMBEDDED", "EMBEDDED_COMPONENT", "WHATSAPP", "FAX"}
	for _, m := range methods {
		for _, send := range []int8{-1, 0, 1} {
			for _, email := range []string{"", "a@example.com"} {
				f.Add(m, send, email, "10.000")
			}
		}
	}
	for _, amt := range []string{"10", "10.5", "10.50", "10.005", "0.0100", "999999.990", "-1.000", "0.00000"} {
		f.Add("", int8(-1), "", amt)
	}
	for _, amt := range []string{"0.0010", "1.23400", "5.0"} { // found by fuzzing; scale rules
		f.Add("0", int8(1), "0", amt)
	}
	f.Fuzz(func(t *testing.T, method string, send int8, email, amount string) {
		a, err := ParseAmount(amount)
		if err != nil {
			return
		}
		r := &CreateOrderRequest{
			CustomerIdentifier: "cust-00001", AccountIdentifier: "acct-00001", UTID: "U561593",
			Amount: a, DeliveryMethod: DeliveryMethod(method), Notes: "n",
		}
		if email != "" {
			r.Recipient = &Recipient{Email: Private(email), FirstName: "Ada"}
		}
		if send >= 0 {
			b := send > 0
			r.SendEmail = &b
		}
		snapshot := *r
		var sendBefore *bool
		if r.SendEmail != nil {
			v := *r.SendEmail
			sendBefore = &v
		}

		body := r.wireBody()

		// The caller's request is untouched.
		if !reflect.DeepEqual(snapshot, *r) {
			t.Fatalf("wireBody modified the request: before %+v, after %+v", snapshot, *r)
		}
		if (sendBefore == nil) != (r.SendEmail == nil) || (sendBefore != nil && *sendBefore != *r.SendEmail) {
			t.Fatal("wireBody modified the caller's SendEmail")
		}

		// The documented default, written out independently of the code.
		want := DeliveryMethod(method)
		if want == "" {
			switch {
			case send > 0:
				want = DeliveryEmail
			case send == 0:
				want = DeliveryNone
			case email != "":
				want = DeliveryEmail
			default:
				want = "" // never NONE by inference: Validate refuses the request
			}
		}
		if body.DeliveryMethod != want {
			t.Fatalf("deliveryMethod = %q, want %q", body.DeliveryMethod, want)
		}
		if body.SendEmail == nil || *body.SendEmail != (want == DeliveryEmail) {
			t.Fatalf("sendEmail does not agree with deliveryMethod %q", want)
		}
		if body.SendEmail == r.SendEmail {
			t.Fatal("the body shares the caller's SendEmail pointer")
		}

		// The amount keeps its value; only zero decimals past the second go.
		if !body.Amount.Equal(a) {
			t.Fatalf("amount changed from %s to %s", a, body.Amount)
		}
		text := body.Amount.String()
		decimals := 0
		if i := strings.IndexByte(text, '.'); i >= 0 {
			decimals = len(text) - i - 1
		}
		wantDecimals := int(a.scale)
		if wantDecimals > 2 {
			wantDecimals = max(2, a.decimalPlaces())
		}
		if decimals != wantDecimals {
			t.Fatalf("amount %s sent as %s; want %d decimal places", a, text, wantDecimals)
		}

		// Everything else is copied as is.
		body.DeliveryMethod, body.SendEmail, body.Amount = r.DeliveryMethod, r.SendEmail, r.Amount
		if !reflect.DeepEqual(body, *r) {
			t.Fatal("wireBody changed fields it should copy")
		}

		// And it marshals with the exact amount text.
		b, err := json.Marshal(r.wireBody())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"amount":`+text+`,`) {
			t.Fatalf("body %s does not carry amount %s", b, text)
		}
	})
}

// FuzzIdentifierRules pins the hand-written identifier and UTID checks to the
// regular expressions of Tango's rules they replace.
func FuzzIdentifierRules(f *testing.F) {
	identifier := regexp.MustCompile(`^[-a-zA-Z0-9]{5,100}$`)
	utid := regexp.MustCompile(`^[uU][0-9]{1,9}$`)
	for _, s := range []string{"", "abcd", "abcde", "a-b-c", "abc_de", "U1", "u123456789", "U1234567890", "U", "X12", "U12\n", "abcde\n", "ÄBCDE", strings.Repeat("a", 100), strings.Repeat("a", 101)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isIdentifier(s), identifier.MatchString(s); got != want {
			t.Fatalf("isIdentifier(%q) = %v, the rule says %v", s, got, want)
		}
		if got, want := isUTID(s), utid.MatchString(s); got != want {
			t.Fatalf("isUTID(%q) = %v, the rule says %v", s, got, want)
		}
	})
}
