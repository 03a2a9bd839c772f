package tangotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// createOrderRequest is the POST /orders body (CreateOrderCriteria). Optional and
// required fields are pointers, so that "missing" and "empty" can be told apart.
type createOrderRequest struct {
	ExternalRefID       *string          `json:"externalRefID"`
	CustomerIdentifier  *string          `json:"customerIdentifier"`
	AccountIdentifier   *string          `json:"accountIdentifier"`
	UTID                *string          `json:"utid"`
	Amount              json.RawMessage  `json:"amount"`
	DeliveryMethod      *string          `json:"deliveryMethod"`
	SendEmail           *bool            `json:"sendEmail"`
	Recipient           *recipientInput  `json:"recipient"`
	Sender              *senderInput     `json:"sender"`
	EmailSubject        *string          `json:"emailSubject"`
	Message             *string          `json:"message"`
	Etid                *string          `json:"etid"`
	Campaign            *string          `json:"campaign"`
	Notes               *string          `json:"notes"`
	PurchaseOrderNumber *string          `json:"purchaseOrderNumber"`
	CustomFields        *json.RawMessage `json:"customFields"`
}

type recipientInput struct {
	Email        *string      `json:"email"`
	FirstName    *string      `json:"firstName"`
	LastName     *string      `json:"lastName"`
	MobileNumber *string      `json:"mobileNumber"`
	Address      *addressWire `json:"address"`
}

type senderInput struct {
	FirstName *string `json:"firstName"`
	LastName  *string `json:"lastName"`
	Email     *string `json:"email"`
}

// orderInput is a create-order request that passed schema validation.
type orderInput struct {
	externalRefID  string
	customer       string
	account        string
	utid           string
	amount         amount
	deliveryMethod string
	recipient      recipientWire
	sender         nameEmail
	emailSubject   string
	message        string
	etid           string
	campaign       string
	notes          string
	poNumber       *string
}

// Delivery methods a create-order request may name.
var createDeliveryMethods = []string{"NONE", "EMAIL", "PHONE", "ADDRESS", "EMBEDDED", "EMBEDDED_COMPONENT", "WHATSAPP"}

var (
	etidPattern   = regexp.MustCompile(`^[eE][0-9]{6}$`)
	mobilePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// errBadEnum marks a request that names an unknown delivery method: Tango cannot
// read such a body at all (400.009).
var errBadEnum = errors.New("unknown delivery method")

// validateOrder checks the request the way Tango's schema validation does and lists
// every problem at once, with Tango's 422.xxx keys.
func validateOrder(req *createOrderRequest) (orderInput, []fieldErrorInfo, error) {
	var in orderInput
	var errs []fieldErrorInfo
	add := func(path, key, msg string, value any) {
		errs = append(errs, fieldErrorInfo{Path: path, I18nKey: key, Message: msg, InvalidValue: value})
	}
	required := func(path string, v *string) string {
		if v == nil || strings.TrimSpace(*v) == "" {
			add(path, "422.007", "Failed field "+path+": a value is required.", nil)
			return ""
		}
		return *v
	}
	text := func(path string, v *string, maxLen int) string {
		if v == nil {
			return ""
		}
		if n := len([]rune(*v)); n > maxLen {
			add(path, "422.006", fmt.Sprintf("Field %s must not be longer than %d characters.", path, maxLen), *v)
		} else if insecure(*v) {
			add(path, "422.111", "The value contains characters that may be unsafe (markup or control characters).", *v)
		}
		return *v
	}
	email := func(path string, v *string) string {
		if v == nil || *v == "" {
			return ""
		}
		if !wellFormedEmail(*v) {
			add(path, "422.134", "not a well-formed email address", *v)
		}
		return *v
	}

	if req.ExternalRefID != nil {
		if len([]rune(*req.ExternalRefID)) > 100 {
			add("externalRefID", "422.110", "The external reference ID must not be longer than 100 characters.", *req.ExternalRefID)
		} else if insecure(*req.ExternalRefID) {
			add("externalRefID", "422.111", "The value contains characters that may be unsafe (markup or control characters).", *req.ExternalRefID)
		}
		in.externalRefID = *req.ExternalRefID
	}
	if in.customer = required("customerIdentifier", req.CustomerIdentifier); in.customer != "" && !identifierPattern.MatchString(in.customer) {
		add("customerIdentifier", "422.501", "must match \"^[-a-zA-Z0-9]{5,100}$\"", in.customer)
	}
	if in.account = required("accountIdentifier", req.AccountIdentifier); in.account != "" && !identifierPattern.MatchString(in.account) {
		add("accountIdentifier", "422.501", "must match \"^[-a-zA-Z0-9]{5,100}$\"", in.account)
	}
	if in.utid = required("utid", req.UTID); in.utid != "" && !utidPattern.MatchString(in.utid) {
		add("utid", "422.147", "The UTID must be U followed by 1 to 9 digits.", in.utid)
	}

	raw := strings.TrimSpace(string(req.Amount))
	switch {
	case raw == "" || raw == "null":
		add("amount", "422.007", "Failed field amount: a value is required.", nil)
	case strings.HasPrefix(raw, `"`) || raw == "true" || raw == "false" || strings.HasPrefix(raw, "{") || strings.HasPrefix(raw, "["):
		return in, nil, errNotJSON
	default:
		a, err := parseAmount(raw)
		switch {
		case errors.Is(err, errNegative):
			add("amount", "422.141", "must be greater than or equal to 0", json.Number(raw))
		case errors.Is(err, errTooManyDecimals):
			add("amount", "422.014", "The amount may have at most two decimal places.", json.Number(raw))
		case errors.Is(err, errTooManyDigits):
			add("amount", "422.105", "The amount has more than 6 integer digits or more than 2 decimals.", json.Number(raw))
		case err != nil:
			return in, nil, errNotJSON
		}
		in.amount = a
	}

	// deliveryMethod wins; sendEmail (deprecated) is read when it is absent.
	switch {
	case req.DeliveryMethod != nil:
		dm := strings.ToUpper(*req.DeliveryMethod)
		if !anyFold(createDeliveryMethods, dm) {
			return in, nil, errBadEnum
		}
		in.deliveryMethod = dm
	case req.SendEmail != nil && !*req.SendEmail:
		in.deliveryMethod = "NONE"
	default:
		in.deliveryMethod = "EMAIL"
	}

	r := req.Recipient
	if r == nil {
		r = &recipientInput{}
	}
	in.recipient.Email = email("recipient.email", r.Email)
	in.recipient.FirstName = text("recipient.firstName", r.FirstName, 100)
	in.recipient.LastName = text("recipient.lastName", r.LastName, 100)
	if r.MobileNumber != nil && *r.MobileNumber != "" {
		m := *r.MobileNumber
		if !mobilePattern.MatchString(m) {
			add("recipient.mobileNumber", "422.028", "The recipient's mobile number must be in E.164 form (+15555550100).", m)
		}
		in.recipient.MobileNumber = &m
	}
	switch in.deliveryMethod {
	case "EMAIL":
		if r.Email == nil || *r.Email == "" {
			add("recipient.email", "422.029", "This item requires a recipient email.", nil)
		}
		if r.FirstName == nil || strings.TrimSpace(*r.FirstName) == "" {
			add("recipient.firstName", "422.007", "Failed field recipient.firstName: a value is required.", nil)
		}
	case "PHONE", "WHATSAPP":
		if r.MobileNumber == nil || *r.MobileNumber == "" {
			add("recipient.mobileNumber", "422.028", "The recipient information is incomplete: mobileNumber is required.", nil)
		}
	}
	if r.Address != nil || in.deliveryMethod == "ADDRESS" {
		add("recipient.address", "422.168", "Address not allowed for non-physical items.", nil)
	}

	if s := req.Sender; s != nil {
		in.sender.FirstName = text("sender.firstName", s.FirstName, 100)
		in.sender.LastName = text("sender.lastName", s.LastName, 100)
		in.sender.Email = email("sender.email", s.Email)
	}
	in.emailSubject = text("emailSubject", req.EmailSubject, 1024)
	in.message = text("message", req.Message, 1024)
	in.campaign = text("campaign", req.Campaign, 1024)
	in.notes = text("notes", req.Notes, 1024)
	if req.PurchaseOrderNumber != nil {
		po := text("purchaseOrderNumber", req.PurchaseOrderNumber, 100)
		in.poNumber = &po
	}
	if req.Etid != nil && *req.Etid != "" {
		if !etidPattern.MatchString(*req.Etid) {
			add("etid", "422.031", "The etid is not valid (E followed by 6 digits).", *req.Etid)
		}
		in.etid = *req.Etid
	}
	return in, errs, nil
}

// insecure reports whether s holds markup or control characters, which Tango refuses
// as possibly insecure (422.111).
func insecure(s string) bool {
	for _, r := range s {
		if r == '<' || r == '>' || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return true
		}
	}
	return false
}

// wellFormedEmail accepts a bare address (no display name) with a dotted domain.
func wellFormedEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	_, domain, ok := strings.Cut(s, "@")
	return ok && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}
