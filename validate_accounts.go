package tango

import (
	"fmt"
	"regexp"
	"unicode"
	"unicode/utf8"
)

// currencyCodePattern is an ISO 4217 code. Tango accepts AUD, CAD, EUR, GBP, USD,
// MXN, SGD and PLN for accounts today; the SDK checks only the shape, so that a
// currency Tango adds works without an SDK release.
var currencyCodePattern = regexp.MustCompile(`^[A-Z]{3}$`)

// currencyCode checks an optional currency code: empty, or shaped like an ISO
// 4217 code.
func (v *validator) currencyCode(path, code string) {
	if code != "" && !currencyCodePattern.MatchString(code) {
		v.add(path, keyUnprocessable, "must be a three-letter ISO 4217 code in capitals, such as USD")
	}
}

// currencyCodes checks every code of a list (path[i]); an empty entry is refused.
func (v *validator) currencyCodes(path string, codes []string) {
	for i, c := range codes {
		if !currencyCodePattern.MatchString(c) {
			v.add(fmt.Sprintf("%s[%d]", path, i), keyUnprocessable, "must be a three-letter ISO 4217 code in capitals, such as USD")
		}
	}
}

// validate records the request's problems into v.
func (r *CreateAccountRequest) validate(v *validator) {
	if r == nil {
		v.add("request", keyRequired, "a request is required")
		return
	}
	v.identifier("accountIdentifier", r.AccountIdentifier)
	v.displayName("displayName", r.DisplayName)
	if v.required("contactEmail", string(r.ContactEmail)) {
		v.email("contactEmail", string(r.ContactEmail))
	}
	v.currencyCode("currencyCode", r.CurrencyCode)
	v.notificationEmails("fundingNotification", r.FundingNotification)
}

// notificationEmails checks a list of notification addresses: each one present
// and well formed.
func (v *validator) notificationEmails(path string, list []NotificationEmail) {
	for i, n := range list {
		p := fmt.Sprintf("%s[%d].emailAddress", path, i)
		if v.required(p, string(n.EmailAddress)) {
			v.email(p, string(n.EmailAddress))
		}
	}
}

// validate records the request's problems into v.
func (r *UpdateAccountRequest) validate(v *validator) {
	if r == nil || (r.DisplayName == "" && r.ContactEmail == "" && r.FundingNotification == nil) {
		v.add("request", keyRequired, "set at least one of displayName, contactEmail and fundingNotification")
		return
	}
	if r.DisplayName != "" {
		v.displayName("displayName", r.DisplayName)
	}
	v.email("contactEmail", string(r.ContactEmail))
	v.notificationEmails("fundingNotification", r.FundingNotification)
}

// validate records the filters' problems into v.
func (p *ListAccountsParams) validate(v *validator) {
	p.CursorParams.validate(v)
	v.text("accountNumber", p.AccountNumber, singleLine)
	v.text("displayName", p.DisplayName, singleLine)
	v.email("contactEmail", string(p.ContactEmail))
	v.currencyCodes("currencyCode", p.CurrencyCodes)
	for i, e := range p.FundingNotificationEmails {
		v.email(fmt.Sprintf("fundingNotificationEmail[%d]", i), string(e))
	}
	if p.MinBalance != nil && p.MaxBalance != nil && p.MinBalance.Cmp(*p.MaxBalance) > 0 {
		v.add("maxBalance", keyUnprocessable, "must not be below minBalance")
	}
	v.dateRange("maxDateCreatedAt", p.CreatedAfter, p.CreatedBefore)
}

// validate records the request's problems into v; Create sends nothing when
// there is one.
func (r *CreateCustomerRequest) validate(v *validator) {
	if r == nil {
		v.add("request", keyRequired, "a request is required")
		return
	}
	v.identifier("customerIdentifier", r.CustomerIdentifier)
	v.customerDisplayName("displayName", r.DisplayName)
}

// customerDisplayName applies Tango's documented display name rule: 5 to 100
// letters, digits, punctuation or space separators.
func (v *validator) customerDisplayName(path, value string) {
	if !v.displayName(path, value) {
		return
	}
	for _, r := range value {
		if !unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.Zs) {
			v.add(path, keyUnprocessable, "may only hold letters, digits, punctuation and spaces")
			return
		}
	}
}

// displayName checks a required display name: safe characters and 5 to 100 of
// them. It reports whether the value passed.
func (v *validator) displayName(path, value string) bool {
	if !v.required(path, value) || !v.text(path, value, singleLine) {
		return false
	}
	if n := utf8.RuneCountInString(value); n < minDisplayNameLength || n > maxDisplayNameLength {
		v.add(path, keyLengthRange, fmt.Sprintf("must be %d to %d characters long", minDisplayNameLength, maxDisplayNameLength))
		return false
	}
	return true
}

// validate records the filters' problems into v.
func (p *ListCustomersParams) validate(v *validator) {
	p.CursorParams.validate(v)
	v.text("displayName", p.DisplayName, singleLine)
	v.text("accountDisplayName", p.AccountDisplayName, singleLine)
	if p.AccountIdentifier != "" {
		v.identifier("accountIdentifier", p.AccountIdentifier)
	}
	v.text("accountNumber", p.AccountNumber, singleLine)
	v.dateRange("customerMaxDateCreatedAt", p.CreatedAfter, p.CreatedBefore)
	v.dateRange("accountMaxDateCreatedAt", p.AccountCreatedAfter, p.AccountCreatedBefore)
}

// customerAccountsCheck checks a customer's account list: the customer's
// identifier, then the filters.
func customerAccountsCheck(customerIdentifier string) func(*ListAccountsParams, *validator) {
	return func(p *ListAccountsParams, v *validator) {
		v.identifier("customerIdentifier", customerIdentifier)
		p.validate(v)
	}
}
