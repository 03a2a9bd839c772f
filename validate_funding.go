package tango

import (
	"fmt"
	"github.com/google/uuid"
	"net"
	"regexp"
)

var (
	cardNumberPattern = regexp.MustCompile(`^[0-9]{12,19}$`)
	cardCVVPattern    = regexp.MustCompile(`^[0-9]{3,4}$`)
	cardExpiryPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
)

// validate records the request's problems into v: identifiers, label, the
// card number's digits and Luhn check digit, the expiry and security code
// formats, the billing address's required fields and email, and characters Tango
// refuses as possibly insecure. Messages never repeat the values.
func (r *RegisterCreditCardRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	v.identifier("customerIdentifier", r.CustomerIdentifier)
	v.identifier("accountIdentifier", r.AccountIdentifier)
	if v.required("label", r.Label) {
		v.text("label", r.Label, singleLine)
	}
	if v.required("ipAddress", r.IPAddress) && net.ParseIP(r.IPAddress) == nil {
		v.add("ipAddress", keyUnprocessable, "must be an IPv4 or IPv6 address")
	}
	number := r.CreditCard.Number.Reveal()
	switch {
	case number == "":
		v.add("creditCard.number", keyRequired, "a value is required")
	case !cardNumberPattern.MatchString(number):
		v.add("creditCard.number", keyUnprocessable, "must be 12 to 19 digits, with no spaces or dashes")
	case !luhnValid(number):
		v.add("creditCard.number", keyUnprocessable, "is not a valid card number (check digit mismatch)")
	}
	if v.required("creditCard.expiration", r.CreditCard.Expiration) && !cardExpiryPattern.MatchString(r.CreditCard.Expiration) {
		v.add("creditCard.expiration", keyUnprocessable, "must be the expiry month as YYYY-MM")
	}
	cvv := r.CreditCard.VerificationNumber.Reveal()
	switch {
	case cvv == "":
		v.add("creditCard.verificationNumber", keyRequired, "a value is required")
	case !cardCVVPattern.MatchString(cvv):
		v.add("creditCard.verificationNumber", keyUnprocessable, "must be 3 or 4 digits")
	}
	validateBillingAddress(v, &r.BillingAddress)
	for i, ci := range r.ContactInformation {
		p := fmt.Sprintf("contactInformation[%d]", i)
		v.text(p+".fullName", string(ci.FullName), singleLine)
		v.email(p+".emailAddress", string(ci.EmailAddress))
	}
}

// validateBillingAddress checks the billing address's required fields.
func validateBillingAddress(v *validator, a *BillingAddress) {
	for _, f := range []struct {
		name, value string
		required    bool
	}{
		{"firstName", string(a.FirstName), true}, {"lastName", string(a.LastName), true},
		{"addressLine1", string(a.AddressLine1), true}, {"addressLine2", string(a.AddressLine2), false},
		{"city", string(a.City), true}, {"state", a.State, true}, {"postalCode", string(a.PostalCode), true},
	} {
		p := "billingAddress." + f.name
		if f.required && !v.required(p, f.value) {
			continue
		}
		v.text(p, f.value, singleLine)
	}
	if v.required("billingAddress.country", a.Country) && !countryPattern.MatchString(a.Country) {
		v.add("billingAddress.country", keyUnprocessable, "must be an ISO 3166 country code, such as US")
	}
	if v.required("billingAddress.emailAddress", string(a.EmailAddress)) {
		v.email("billingAddress.emailAddress", string(a.EmailAddress))
	}
}

// luhnValid checks a card number's check digit.
func luhnValid(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// validate checks the identifiers and the token.
func (r *UnregisterCreditCardRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	v.identifier("customerIdentifier", r.CustomerIdentifier)
	v.identifier("accountIdentifier", r.AccountIdentifier)
	if v.required("creditCardToken", r.CreditCardToken) {
		v.text("creditCardToken", r.CreditCardToken, singleLine)
	}
}

// validate records the filters' problems into v.
func (p *ListCreditCardsParams) validate(v *validator) {
	p.CursorParams.validate(v)
	if p.CustomerIdentifier != "" {
		v.identifier("customerIdentifier", p.CustomerIdentifier)
	}
	if p.AccountIdentifier != "" {
		v.identifier("accountIdentifier", p.AccountIdentifier)
	}
	for _, f := range []struct{ path, value string }{
		{"accountNumber", p.AccountNumber}, {"token", p.Token}, {"label", p.Label},
		{"lastFourDigits", p.LastFourDigits}, {"fullName", string(p.FullName)},
	} {
		v.text(f.path, f.value, singleLine)
	}
	if p.ExpirationDate != "" && !cardExpiryPattern.MatchString(p.ExpirationDate) {
		v.add("expirationDate", keyUnprocessable, "must be the expiry month as YYYY-MM")
	}
	v.email("emailAddress", string(p.EmailAddress))
}

// validate checks the identifiers, token, amount and key.
func (r *DepositRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	v.identifier("customerIdentifier", r.CustomerIdentifier)
	v.identifier("accountIdentifier", r.AccountIdentifier)
	if v.required("creditCardToken", r.CreditCardToken) {
		v.text("creditCardToken", r.CreditCardToken, singleLine)
	}
	v.requestAmount("amount", r.Amount)
	v.idempotencyKey("externalRefID", r.ExternalRefID)
}

// validate checks the accounts, amount, notes and key.
func (r *TransferRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	v.identifier("transferFrom", r.From)
	v.identifier("transferTo", r.To)
	if r.From != "" && r.From == r.To {
		v.add("transferTo", keyUnprocessable, "must differ from transferFrom")
	}
	v.requestAmount("amount", r.Amount)
	v.boundedText("transferNotes", r.Notes, multiLine, maxTransferNotesLength)
	v.idempotencyKey("externalRefID", r.ExternalRefID)
}

// validate records the request's problems into v; nothing is sent when there is
// one.
func (r *CreateLowBalanceAlertRequest) validate(v *validator) {
	if r == nil {
		v.add("request", keyRequired, "a request is required")
		return
	}
	v.alertName(r.BalanceAlertDisplayName)
	v.threshold(r.BalanceAlertThreshold)
	v.notificationEmails("balanceAlertNotification", r.BalanceAlertNotification)
}

// validate records the request's problems into v; nothing is sent when there is
// one. An update that changes nothing is refused too.
func (r *UpdateLowBalanceAlertRequest) validate(v *validator) {
	if r == nil || (r.BalanceAlertDisplayName == "" && r.BalanceAlertThreshold == nil && r.BalanceAlertNotification == nil) {
		v.add("request", keyRequired, "set at least one of balanceAlertDisplayName, balanceAlertThreshold and balanceAlertNotification")
		return
	}
	v.alertName(r.BalanceAlertDisplayName)
	if r.BalanceAlertThreshold != nil {
		v.threshold(*r.BalanceAlertThreshold)
	}
	v.notificationEmails("balanceAlertNotification", r.BalanceAlertNotification)
}

// alertName checks an optional alert display name.
func (v *validator) alertName(name string) {
	v.boundedText("balanceAlertDisplayName", name, singleLine, maxAlertNameLength)
}

// threshold checks an alert threshold: not negative, at most 2 decimals.
func (v *validator) threshold(a Amount) {
	if a.Sign() < 0 {
		v.add("balanceAlertThreshold", keyNotNegative, "must not be negative")
		return
	}
	if a.decimalPlaces() > maxRequestDecimals {
		v.add("balanceAlertThreshold", keyAmountDecimals, "must have at most 2 decimal places")
	}
}

// validate records the filters' problems into v.
func (p *ListLowBalanceAlertsParams) validate(v *validator) {
	v.text("balanceAlertDisplayName", p.BalanceAlertDisplayName, singleLine)
	if p.ElementsPerBlock < 0 || p.ElementsPerBlock > MaxLowBalanceAlertsPerPage {
		v.add("elementsPerBlock", "422.042", fmt.Sprintf("must be 0 to %d", MaxLowBalanceAlertsPerPage))
	}
	if p.Page < 0 {
		v.add("page", keyNotNegative, "must not be negative")
	}
}

// checkAlertTarget checks the identifiers every alert call names.
func checkAlertTarget(v *validator, customer, account string) {
	v.identifier("customerIdentifier", customer)
	v.identifier("accountIdentifier", account)
}

// checkAlertID checks an alert id: Tango issues UUIDs.
func checkAlertID(v *validator, id string) {
	if !v.required("balanceAlertID", id) {
		return
	}
	if _, err := uuid.Parse(id); err != nil {
		v.add("balanceAlertID", keyUnprocessable, "must be an alert id as Tango returned it (a UUID)")
	}
}
