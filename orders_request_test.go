package tango_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func validAddress() *tango.Address {
	return &tango.Address{
		CompanyName: "Analytical Engines Ltd", StreetLine1: "12 Example Street", StreetLine2: "Floor 3",
		City: "Springfield", StateOrProvince: "IL", PostalCode: "62701", Country: "US",
	}
}

func boolPtr(b bool) *bool { return &b }

type wantField struct{ path, key string }

func TestValidateDeliveryMethods(t *testing.T) {
	base := func() *tango.CreateOrderRequest {
		return &tango.CreateOrderRequest{
			CustomerIdentifier: "cust-00001", AccountIdentifier: "acct-00001", UTID: "U561593",
			Amount: tango.MustParseAmount("5.00"),
		}
	}
	tests := []struct {
		name   string
		mutate func(r *tango.CreateOrderRequest)
		want   []wantField
	}{
		{"nothing set is refused: the SDK never infers NONE", func(r *tango.CreateOrderRequest) {},
			[]wantField{{"deliveryMethod", "422.007"}}},
		{"an empty recipient is refused for EMAIL", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.Recipient = &tango.Recipient{}
		}, []wantField{{"recipient", "422.007"}}},
		{"an empty recipient is refused for PHONE", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryPhone
			r.Recipient = &tango.Recipient{}
		}, []wantField{{"recipient", "422.007"}}},
		{"an empty recipient is refused for WHATSAPP", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryWhatsApp
			r.Recipient = &tango.Recipient{}
		}, []wantField{{"recipient", "422.007"}}},
		{"an empty recipient is refused for ADDRESS", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			r.Recipient = &tango.Recipient{}
		}, []wantField{{"recipient", "422.007"}}},
		{"an empty recipient is accepted for NONE", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryNone
			r.Recipient = &tango.Recipient{}
		}, nil},
		{"NONE", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = tango.DeliveryNone }, nil},
		{"EMBEDDED", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = tango.DeliveryEmbedded }, nil},
		{"EMBEDDED_COMPONENT", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = tango.DeliveryEmbeddedComponent }, nil},
		{"EMAIL complete", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.Recipient = &tango.Recipient{Email: "a@example.com", FirstName: "Ada"}
		}, nil},
		{"EMAIL without recipient", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = tango.DeliveryEmail },
			[]wantField{{"recipient.email", "422.029"}, {"recipient.firstName", "422.007"}}},
		{"EMAIL without email", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.Recipient = &tango.Recipient{FirstName: "Ada"}
		}, []wantField{{"recipient.email", "422.029"}}},
		{"EMAIL without first name", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.Recipient = &tango.Recipient{Email: "a@example.com"}
		}, []wantField{{"recipient.firstName", "422.007"}}},
		{"EMAIL with a blank first name", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.Recipient = &tango.Recipient{Email: "a@example.com", FirstName: "  "}
		}, []wantField{{"recipient.firstName", "422.007"}}},
		{"EMAIL with a bad address", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.Recipient = &tango.Recipient{Email: "a@", FirstName: "Ada"}
		}, []wantField{{"recipient.email", "422.134"}}},
		{"PHONE complete", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryPhone
			r.Recipient = &tango.Recipient{MobileNumber: "+15555550100"}
		}, nil},
		{"PHONE without recipient", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = tango.DeliveryPhone },
			[]wantField{{"recipient.mobileNumber", "422.028"}}},
		{"WHATSAPP complete", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryWhatsApp
			r.Recipient = &tango.Recipient{MobileNumber: "+447700900123"}
		}, nil},
		{"WHATSAPP without number", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryWhatsApp
			r.Recipient = &tango.Recipient{Email: "a@example.com"}
		}, []wantField{{"recipient.mobileNumber", "422.028"}}},
		{"ADDRESS complete", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			r.Recipient = &tango.Recipient{FirstName: "Ada", LastName: "Lovelace", Address: validAddress()}
		}, nil},
		{"ADDRESS minimal", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			r.Recipient = &tango.Recipient{Address: &tango.Address{StreetLine1: "1 Main St", City: "Town", PostalCode: "12345", Country: "usa"}}
		}, nil},
		{"ADDRESS without recipient", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = tango.DeliveryAddress },
			[]wantField{{"recipient.address", "422.167"}}},
		{"ADDRESS with empty address", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			r.Recipient = &tango.Recipient{Address: &tango.Address{}}
		}, []wantField{
			{"recipient.address.streetLine1", "422.028"}, {"recipient.address.city", "422.028"},
			{"recipient.address.postalCode", "422.028"}, {"recipient.address.country", "422.028"},
		}},
		{"ADDRESS with blank fields", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			r.Recipient = &tango.Recipient{Address: &tango.Address{StreetLine1: " ", City: "Town", PostalCode: "\t", Country: "US"}}
		}, []wantField{{"recipient.address.streetLine1", "422.028"}, {"recipient.address.postalCode", "422.028"}}},
		{"ADDRESS with a bad country", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			a := validAddress()
			a.Country = "United States"
			r.Recipient = &tango.Recipient{Address: a}
		}, []wantField{{"recipient.address.country", "422.028"}}},
		{"ADDRESS with markup in the street", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryAddress
			a := validAddress()
			a.StreetLine2 = "<img src=x>"
			a.CompanyName = "A\x00B"
			r.Recipient = &tango.Recipient{Address: a}
		}, []wantField{{"recipient.address.companyName", "422.111"}, {"recipient.address.streetLine2", "422.111"}}},
		{"address refused on EMAIL", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.Recipient = &tango.Recipient{Email: "a@example.com", FirstName: "Ada", Address: validAddress()}
		}, []wantField{{"recipient.address", "422.168"}}},
		{"address refused on NONE", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryNone
			r.Recipient = &tango.Recipient{Address: validAddress()}
		}, []wantField{{"recipient.address", "422.168"}}},
		{"unknown method", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = "FAX" },
			[]wantField{{"deliveryMethod", "422.001"}}},
		{"lowercase method", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = "email" },
			[]wantField{{"deliveryMethod", "422.001"}}},
		{"response-only method", func(r *tango.CreateOrderRequest) { r.DeliveryMethod = tango.DeliveryBulkShipment },
			[]wantField{{"deliveryMethod", "422.001"}}},
		{"unknown method still checks formats", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = "FAX"
			r.Recipient = &tango.Recipient{Email: "nope"}
		}, []wantField{{"deliveryMethod", "422.001"}, {"recipient.email", "422.134"}}},

		// SendEmail, the deprecated switch.
		{"sendEmail true agrees with EMAIL", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.SendEmail = boolPtr(true)
			r.Recipient = &tango.Recipient{Email: "a@example.com", FirstName: "Ada"}
		}, nil},
		{"sendEmail false agrees with PHONE", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryPhone
			r.SendEmail = boolPtr(false)
			r.Recipient = &tango.Recipient{MobileNumber: "+15555550100"}
		}, nil},
		{"sendEmail true contradicts NONE", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryNone
			r.SendEmail = boolPtr(true)
		}, []wantField{{"sendEmail", "422.001"}}},
		{"sendEmail false contradicts EMAIL", func(r *tango.CreateOrderRequest) {
			r.DeliveryMethod = tango.DeliveryEmail
			r.SendEmail = boolPtr(false)
			r.Recipient = &tango.Recipient{Email: "a@example.com", FirstName: "Ada"}
		}, []wantField{{"sendEmail", "422.001"}}},

		// The documented default when DeliveryMethod is empty.
		{"default from sendEmail true is EMAIL", func(r *tango.CreateOrderRequest) { r.SendEmail = boolPtr(true) },
			[]wantField{{"recipient.email", "422.029"}, {"recipient.firstName", "422.007"}}},
		{"default from sendEmail false is NONE", func(r *tango.CreateOrderRequest) {
			r.SendEmail = boolPtr(false)
			r.Recipient = &tango.Recipient{Email: "a@example.com"}
		}, nil},
		{"default from a recipient email is EMAIL", func(r *tango.CreateOrderRequest) {
			r.Recipient = &tango.Recipient{Email: "a@example.com"}
		}, []wantField{{"recipient.firstName", "422.007"}}},
		{"default without an email is refused, never NONE", func(r *tango.CreateOrderRequest) {
			r.Recipient = &tango.Recipient{FirstName: "Ada", MobileNumber: "+15555550100"}
		}, []wantField{{"deliveryMethod", "422.007"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.mutate(r)
			err := r.Validate()
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			var got []wantField
			for _, f := range fieldErrors(t, err) {
				got = append(got, wantField{f.Path, f.I18nKey})
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Run("empty request", func(t *testing.T) {
		got := fieldErrors(t, (&tango.CreateOrderRequest{}).Validate())
		assert.Equal(t, []tango.FieldError{
			{Path: "customerIdentifier", I18nKey: "422.007", Message: "a value is required"},
			{Path: "accountIdentifier", I18nKey: "422.007", Message: "a value is required"},
			{Path: "utid", I18nKey: "422.007", Message: "a value is required"},
			{Path: "amount", I18nKey: "422.007", Message: "a value greater than zero is required"},
			{Path: "deliveryMethod", I18nKey: "422.007", Message: "no delivery method and no recipient email address: set deliveryMethod " +
				"(EMAIL, PHONE, WHATSAPP, ADDRESS, EMBEDDED, EMBEDDED_COMPONENT), or DeliveryNone (NONE) if you deliver the reward yourself"},
		}, got)
	})

	t.Run("many fields", func(t *testing.T) {
		r := validOrder()
		r.ExternalRefID = strings.Repeat("r", 101)
		r.CustomerIdentifier = "c"
		r.UTID = "X1"
		r.Amount = tango.MustParseAmount("0.001")
		r.Recipient.FirstName = ""
		r.Sender.Email = "bad"
		r.EmailSubject = "<b>"
		r.Notes = "\x00"
		err := r.Validate()
		got := fieldErrors(t, err)
		paths := make([]string, len(got))
		for i, f := range got {
			paths[i] = f.Path + "=" + f.I18nKey
		}
		assert.Equal(t, []string{
			"externalRefID=422.110", "customerIdentifier=422.501", "utid=422.147", "amount=422.014",
			"recipient.firstName=422.007", "sender.email=422.134", "emailSubject=422.111", "notes=422.111",
		}, paths)

		var ve *tango.ValidationError
		require.True(t, errors.As(err, &ve))
		for _, k := range []string{"422.110", "422.501", "422.147", "422.014", "422.007", "422.134", "422.111"} {
			assert.True(t, ve.HasKey(k), k)
		}
		assert.True(t, strings.HasPrefix(err.Error(), "tango: invalid request, nothing was sent: externalRefID (422.110)"))
	})
}

func TestValidateNilRequest(t *testing.T) {
	var r *tango.CreateOrderRequest
	got := fieldErrors(t, r.Validate())
	require.Len(t, got, 1)
	assert.Equal(t, "422.007", got[0].I18nKey)
}

func TestValidateDoesNotModifyTheRequest(t *testing.T) {
	r := validOrder()
	r.DeliveryMethod = ""
	r.SendEmail = nil
	before := *r
	beforeRecipient := *r.Recipient
	require.NoError(t, r.Validate())
	assert.True(t, reflect.DeepEqual(before, *r))
	assert.Equal(t, beforeRecipient, *r.Recipient)
}

// sentOrderBody places r through a client and returns the body the server received.
func sentOrderBody(t *testing.T, r *tango.CreateOrderRequest) string {
	t.Helper()
	var body []byte
	ts := newCoreServer(t, func(w http.ResponseWriter, req *http.Request) {
		body, _ = io.ReadAll(req.Body)
		writeTangoError(w, req, http.StatusBadRequest, "400.001", "stop here")
	})
	c := newCoreClient(t, ts, quickRetries(1))
	_, err := c.Orders.Create(context.Background(), r)
	require.Error(t, err)
	require.NotEmpty(t, body)
	return string(body)
}

func TestCreateOrderRequestJSON(t *testing.T) {
	t.Run("every field uses Tango's wire name", func(t *testing.T) {
		r := validOrder()
		r.SendEmail = boolPtr(true)
		r.PTID = "P123"
		r.ExpirationDate = "2027-01-31"
		r.Recipient.MobileNumber = "+15555550100"
		b := []byte(sentOrderBody(t, r))
		assert.JSONEq(t, `{
			"externalRefID": "order-2026-0001",
			"customerIdentifier": "cust-00001",
			"accountIdentifier": "acct-00001",
			"utid": "U561593",
			"amount": 10.00,
			"deliveryMethod": "EMAIL",
			"sendEmail": true,
			"recipient": {
				"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "mobileNumber": "+15555550100"
			},
			"sender": {"firstName": "Grace", "lastName": "Hopper", "email": "grace@example.org"},
			"emailSubject": "A thank-you from all of us",
			"message": "Thank you!\nSee you soon.",
			"etid": "E000000",
			"ptid": "P123",
			"campaign": "Spring 2026",
			"notes": "Approved by finance\r\nTicket 42",
			"purchaseOrderNumber": "PO-7781",
			"expirationDate": "2027-01-31"
		}`, string(b))
		assert.Contains(t, string(b), `"amount":10.00,`, "the amount keeps its exact digits")
	})

	t.Run("optional fields are left out", func(t *testing.T) {
		r := &tango.CreateOrderRequest{
			ExternalRefID:      "order-2026-0002",
			CustomerIdentifier: "cust-00001", AccountIdentifier: "acct-00001", UTID: "U561593",
			Amount: tango.MustParseAmount("25"), SendEmail: boolPtr(false),
		}
		assert.JSONEq(t,
			`{"externalRefID":"order-2026-0002","customerIdentifier":"cust-00001","accountIdentifier":"acct-00001","utid":"U561593","amount":25,"deliveryMethod":"NONE","sendEmail":false}`,
			sentOrderBody(t, r), "a false sendEmail is still sent, with the delivery method it means")
	})

	t.Run("encoding/json keeps contact data", func(t *testing.T) {
		r := validOrder()
		b, err := json.Marshal(r)
		require.NoError(t, err)
		assert.Contains(t, string(b), `"recipient":{"email":"ada@example.com"`)
		assert.NotContains(t, string(b), "[REDACTED]")
	})

	t.Run("decodes, keeping unknown delivery methods", func(t *testing.T) {
		var r tango.CreateOrderRequest
		require.NoError(t, json.Unmarshal([]byte(
			`{"utid":"U1","amount":"12.50","deliveryMethod":"CARRIER_PIGEON","recipient":{"email":"a@example.com"},"extra":1}`), &r))
		assert.Equal(t, tango.DeliveryMethod("CARRIER_PIGEON"), r.DeliveryMethod)
		assert.Equal(t, "12.50", r.Amount.String())
		assert.Equal(t, tango.Private("a@example.com"), r.Recipient.Email)

		var m tango.DeliveryMethod
		require.NoError(t, json.Unmarshal([]byte(`"QRCODE"`), &m))
		assert.Equal(t, tango.DeliveryQRCode, m)
	})
}

// plantedContact is recipient and sender data that must never be printed.
var plantedContact = []string{
	"ada.secret@example.com", "+15555550123", "Adaplanted", "Lovelaceplanted", "Gracesender",
	"grace.secret@example.org", "742 Evergreen Terrace", "Apt 99X", "Shelbyvilleplanted", "Bigcorpplanted",
	"99999-1234",
}

func plantedOrder() *tango.CreateOrderRequest {
	return &tango.CreateOrderRequest{
		ExternalRefID: "ref-visible-123", CustomerIdentifier: "cust-visible", AccountIdentifier: "acct-visible",
		UTID: "U561593", Amount: tango.MustParseAmount("10.00"), DeliveryMethod: tango.DeliveryAddress,
		Recipient: &tango.Recipient{
			Email: "ada.secret@example.com", FirstName: "Adaplanted", LastName: "Lovelaceplanted",
			MobileNumber: "+15555550123",
			Address: &tango.Address{
				CompanyName: "Bigcorpplanted", StreetLine1: "742 Evergreen Terrace", StreetLine2: "Apt 99X",
				City: "Shelbyvilleplanted", StateOrProvince: "ZZstate", PostalCode: "99999-1234", Country: "US",
			},
		},
		Sender: &tango.Sender{FirstName: "Gracesender", Email: "grace.secret@example.org"},
	}
}

func assertNoContact(t *testing.T, what, out string) {
	t.Helper()
	for _, p := range plantedContact {
		assert.NotContains(t, out, p, "%s leaked contact data", what)
	}
}

func TestContactDataNeverPrints(t *testing.T) {
	r := plantedOrder()
	values := map[string]any{
		"request":           *r,
		"*request":          r,
		"recipient":         *r.Recipient,
		"*recipient":        r.Recipient,
		"sender":            *r.Sender,
		"*sender":           r.Sender,
		"address":           *r.Recipient.Address,
		"*address":          r.Recipient.Address,
		"slice of requests": []*tango.CreateOrderRequest{r},
		"map of recipients": map[string]tango.Recipient{"k": *r.Recipient},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%T %v", "%d"}
	for name, v := range values {
		for _, verb := range verbs {
			assertNoContact(t, name+" "+verb, fmt.Sprintf(verb, v))
		}
		assertNoContact(t, name+" Sprint", fmt.Sprint(v))
		assertNoContact(t, name+" Sprintln", fmt.Sprintln(v))
	}

	assert.Equal(t, "[REDACTED]", fmt.Sprint(r.Recipient.Email))
	assert.Equal(t, "[REDACTED]", fmt.Sprintf("%#v", r.Sender.FirstName))
	assert.Contains(t, fmt.Sprintf("%+v", *r.Recipient), "email:[REDACTED]")
	assert.Contains(t, fmt.Sprintf("%+v", *r), "CustomerIdentifier:cust-visible", "non-personal fields still print")
	assert.Contains(t, fmt.Sprintf("%#v", *r), `tango.MustParseAmount("10.00")`)
}

func TestContactDataNeverLogs(t *testing.T) {
	r := plantedOrder()
	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(newHandler(&buf))
			log.Info("placing order", "order", r, "recipient", r.Recipient, "sender", r.Sender,
				"address", r.Recipient.Address, "recipientValue", *r.Recipient)
			log.Info("value", slog.Any("order", *r))
			out := buf.String()
			assertNoContact(t, name+" log", out)
			for _, visible := range []string{"ref-visible-123", "cust-visible", "acct-visible", "U561593", "10.00", "ADDRESS"} {
				assert.Contains(t, out, visible, "the log should still identify the order")
			}
			assert.Contains(t, out, "[REDACTED]")
		})
	}

	t.Run("the request is logged as written", func(t *testing.T) {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "order", &tango.CreateOrderRequest{
			DeliveryMethod: tango.DeliveryEmail, Recipient: &tango.Recipient{Email: "hidden@example.com"},
		})
		assert.Contains(t, buf.String(), `"deliveryMethod":"EMAIL"`)
		assert.Contains(t, buf.String(), `"recipient":{"email":"[REDACTED]"}`)
		assert.NotContains(t, buf.String(), "hidden@example.com")
	})

	t.Run("nil request does not crash the logger", func(t *testing.T) {
		var buf bytes.Buffer
		var nilReq *tango.CreateOrderRequest
		assert.NotPanics(t, func() { slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "order", nilReq) })
		assert.Contains(t, buf.String(), `"msg":"x"`)
	})
}

func TestContactDataNeverInValidationErrors(t *testing.T) {
	r := plantedOrder()
	r.DeliveryMethod = tango.DeliveryEmail // an address on EMAIL is refused
	r.Recipient.Email = "ada.secret@example.com\n"
	r.Recipient.MobileNumber = "+15555550123 ext"
	r.Sender.Email = "grace.secret@example.org>"
	r.Recipient.FirstName = "<Adaplanted>"
	err := r.Validate()
	require.Error(t, err)
	assert.GreaterOrEqual(t, len(fieldErrors(t, err)), 5)
	assertNoContact(t, "Error()", err.Error())
	assertNoContact(t, "%+v", fmt.Sprintf("%+v", err))
	assertNoContact(t, "%#v", fmt.Sprintf("%#v", err))
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Error("refused", "err", err)
	assertNoContact(t, "slog", buf.String())
}

func TestRecipientStillEncodesForTheWire(t *testing.T) {
	r := plantedOrder() // ADDRESS delivery: the address goes on the wire too
	body := sentOrderBody(t, r)
	assert.Contains(t, body, `"email":"ada.secret@example.com"`)
	assert.Contains(t, body, `"streetLine1":"742 Evergreen Terrace"`)
	assert.Contains(t, body, `"sender":{"firstName":"Gracesender"`)
	b, err := json.Marshal(r.Recipient)
	require.NoError(t, err)
	assert.Contains(t, body, string(b), "the wire carries the recipient exactly as encoding/json writes it")
}

func FuzzValidate(f *testing.F) {
	f.Add("cust-00001", "U561593", "10.00", "EMAIL", "a@example.com", "Ada", "+15555550100", "hello\nworld", "ref-1")
	f.Add("", "", "", "", "", "", "", "", "")
	f.Add("c", "U", "-1", "FAX", "@", "<script>", "+0", "\x00", strings.Repeat("x", 101))
	f.Add("acct-00001", "u123456789", "999999.99", "ADDRESS", "a@b.c", strings.Repeat("é", 30), "123", "&#60;", "\xff")
	f.Add("abcde", "U1", "1e-19", "PHONE", "x@y.z", "\u202E", "+447700900123", "\u2028", "id")
	f.Add("ABCDE", "U1", "1234567.891", "WHATSAPP", "a..b@c.d", "😀", "+1", "\r\n", "<>")
	f.Fuzz(func(t *testing.T, ident, utid, amount, method, email, name, phone, text, ref string) {
		a, _ := tango.ParseAmount(amount) // invalid text leaves the zero amount
		r := &tango.CreateOrderRequest{
			ExternalRefID: ref, CustomerIdentifier: ident, AccountIdentifier: ident, UTID: utid, Amount: a,
			DeliveryMethod: tango.DeliveryMethod(method),
			Recipient: &tango.Recipient{Email: tango.Private(email), FirstName: tango.Private(name), LastName: tango.Private(text), MobileNumber: tango.Private(phone),
				Address: &tango.Address{StreetLine1: tango.Private(text), City: tango.Private(name), PostalCode: tango.Private(phone), Country: method}},
			Sender:       &tango.Sender{FirstName: tango.Private(text), Email: tango.Private(email)},
			EmailSubject: text, Message: text, ETID: utid, PTID: utid, Campaign: name, Notes: text,
			PurchaseOrderNumber: ref,
		}
		snapshot := *r
		recipient := *r.Recipient
		err := r.Validate()
		assert.Equal(t, snapshot, *r, "Validate modified the request")
		assert.Equal(t, recipient, *r.Recipient, "Validate modified the recipient")
		if err == nil {
			return
		}
		var ve *tango.ValidationError
		require.True(t, errors.As(err, &ve))
		require.NotEmpty(t, ve.Fields)
		for _, fe := range ve.Fields {
			assert.NotEmpty(t, fe.Path)
			assert.Regexp(t, `^4\d\d\.\d{3}$`, fe.I18nKey)
			assert.NotEmpty(t, fe.Message)
		}
		again := r.Validate()
		assert.Equal(t, err, again, "Validate is not deterministic")
	})
}

// customFields (Tango's CreateOrderCriteria) goes out as a JSON object, and only
// when set.
func TestCreateOrderSendsCustomFields(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	req := func(ref string, fields map[string]any) *tango.CreateOrderRequest {
		return &tango.CreateOrderRequest{ExternalRefID: ref, CustomerIdentifier: tangotest.DemoCustomer,
			AccountIdentifier: tangotest.DemoAccount, UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("1.00"),
			SendEmail: new(false), CustomFields: fields}
	}
	_, err := c.Orders.Create(context.Background(), req("cf-1", map[string]any{"costCenter": "CC-12", "seats": 3}))
	require.NoError(t, err)
	body := lastBody(t, srv, http.MethodPost, "/orders")
	assert.Equal(t, map[string]any{"costCenter": "CC-12", "seats": float64(3)}, body["customFields"])

	_, err = c.Orders.Create(context.Background(), req("cf-2", nil))
	require.NoError(t, err)
	assert.NotContains(t, lastBody(t, srv, http.MethodPost, "/orders"), "customFields")
}

// queuedOrder is an order request as a program would put it on a job queue.
func queuedOrder(ref string) *tango.CreateOrderRequest {
	return &tango.CreateOrderRequest{
		ExternalRefID: ref, CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
		UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("12.50"), DeliveryMethod: tango.DeliveryEmail,
		Recipient:    &tango.Recipient{Email: "queued.recipient@example.com", FirstName: "Ada", LastName: "Lovelace"},
		Sender:       &tango.Sender{FirstName: "Grace", Email: "queued.sender@example.com"},
		EmailSubject: "Thank you", Message: "For the engine.", Campaign: "q4", Notes: "batch 7",
	}
}

// TestQueuedOrderIsPlacedAsWritten: a CreateOrderRequest encoded to JSON (a job
// queue, a database row) and decoded by a worker places exactly the order it
// describes: the body Tango receives is the one the same request sends when
// placed directly, recipient and sender included.
func TestQueuedOrderIsPlacedAsWritten(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()

	direct := startFake(t)
	_, err := fakeAPI(t, direct).Orders.Create(ctx, queuedOrder("queue-ref-0001"))
	require.NoError(t, err)

	queued, err := json.Marshal(queuedOrder("queue-ref-0001"))
	require.NoError(t, err)
	var job tango.CreateOrderRequest
	require.NoError(t, json.Unmarshal(queued, &job))
	require.Equal(t, *queuedOrder("queue-ref-0001"), job, "the queue keeps every field")

	srv := startFake(t)
	order, err := fakeAPI(t, srv).Orders.Create(ctx, &job)
	require.NoError(t, err)

	want := requestsTo(direct, http.MethodPost, "/orders")
	got := requestsTo(srv, http.MethodPost, "/orders")
	require.Len(t, want, 1)
	require.Len(t, got, 1)
	assert.JSONEq(t, string(want[0].Body), string(got[0].Body))
	var body map[string]any
	require.NoError(t, json.Unmarshal(got[0].Body, &body))
	assert.Equal(t, "EMAIL", body["deliveryMethod"])
	assert.Equal(t, map[string]any{"email": "queued.recipient@example.com", "firstName": "Ada", "lastName": "Lovelace"}, body["recipient"])
	assert.Equal(t, map[string]any{"firstName": "Grace", "email": "queued.sender@example.com"}, body["sender"])
	assert.Equal(t, "queue-ref-0001", order.ExternalRefID)
	assert.Equal(t, tango.DeliveryEmail, order.DeliveryMethod)

	// The order Tango returns is kept as faithfully: stored and read back, it
	// still holds the reward and the recipient.
	stored, err := json.Marshal(order)
	require.NoError(t, err)
	var back tango.Order
	require.NoError(t, json.Unmarshal(stored, &back))
	require.NotNil(t, back.Reward)
	assert.Equal(t, order.Reward, back.Reward)
	assert.Equal(t, order.Recipient, back.Recipient)
}

// TestNoSilentNoDeliveryOrder: the SDK never chooses NONE. A request that names
// no delivery method and no recipient email (as a queued request whose
// recipient failed to decode would) is refused before anything is sent, with a
// message that names DeliveryNone; set NONE yourself to deliver the reward
// yourself.
func TestNoSilentNoDeliveryOrder(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()

	for name, req := range map[string]*tango.CreateOrderRequest{
		"no recipient": {CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
			UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("5.00")},
		"recipient without email": {CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
			UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("5.00"), Recipient: &tango.Recipient{FirstName: "Ada"}},
		"empty recipient on EMAIL": {CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
			UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("5.00"), DeliveryMethod: tango.DeliveryEmail,
			Recipient: &tango.Recipient{}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Orders.Create(ctx, req)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tango.ErrValidation), "%v", err)
			if req.DeliveryMethod == "" {
				assert.ErrorContains(t, err, "DeliveryNone")
			}
		})
	}
	assert.Empty(t, requestsTo(srv, http.MethodPost, "/orders"), "nothing was sent")

	o, err := c.Orders.Create(ctx, &tango.CreateOrderRequest{CustomerIdentifier: tangotest.DemoCustomer,
		AccountIdentifier: tangotest.DemoAccount, UTID: tangotest.UTIDRewardLink, Amount: tango.MustParseAmount("5.00"),
		DeliveryMethod: tango.DeliveryNone})
	require.NoError(t, err, "NONE, chosen by the caller, is placed")
	assert.Equal(t, tango.DeliveryNone, o.DeliveryMethod)
}
