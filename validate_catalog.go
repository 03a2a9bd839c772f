package tango

import (
	"fmt"
	"github.com/google/uuid"
	"regexp"
	"strconv"
)

// validate records the filters' problems into v.
func (p *CatalogParams) validate(v *validator) {
	if p.UTID != "" && !isUTID(p.UTID) {
		v.add("utid", keyUTIDFormat, "must be U followed by 1 to 9 digits, such as U561593")
	}
	v.text("brandKey", p.BrandKey, singleLine)
	v.text("brandName", p.BrandName, singleLine)
	v.text("rewardName", p.RewardName, singleLine)
	v.currencyCode("currencyCode", p.CurrencyCode)
	if p.Country != "" && !countryPattern.MatchString(p.Country) {
		v.add("country", keyUnprocessable, "must be a two- or three-letter ISO country code")
	}
	for i, id := range p.CategoryIDs {
		if _, err := uuid.Parse(id); err != nil {
			v.add(fmt.Sprintf("categoryIds[%d]", i), keyUnprocessable, "must be a category UUID")
		}
	}
}

// validate records the filters' problems into v.
func (p *ChoiceProductsParams) validate(v *validator) {
	v.text("rewardName", p.RewardName, singleLine)
	v.currencyCode("currencyCode", p.CurrencyCode)
	v.countries("countries", p.Countries)
}

// validate records the filters' problems into v.
func (p *RewardCountriesParams) validate(v *validator) {
	p.CursorParams.validate(v)
	v.countries("countries", p.Countries)
	v.currencyCodes("preferredCurrencies", p.PreferredCurrencies)
}

// countries checks a list of ISO country codes.
func (v *validator) countries(path string, list []string) {
	for i, c := range list {
		if !countryPattern.MatchString(c) {
			v.add(fmt.Sprintf("%s[%d]", path, i), keyUnprocessable, "must be a two- or three-letter ISO country code")
		}
	}
}

// validate records the filters' problems into v.
func (p *ExchangeRatesParams) validate(v *validator) {
	p.CursorParams.validate(v)
	v.currencyCodes("baseCurrency", p.BaseCurrencies)
	v.currencyCodes("rewardCurrency", p.RewardCurrencies)
}

// accentColorPattern is "#RRGGBB".
var accentColorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// validate records the request's problems into v: required fields, the
// accent color, the SMS length, access control entries and characters Tango
// refuses as possibly insecure.
func (r *CreateTemplateRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	for _, f := range []struct {
		path, value string
		kind        textKind
	}{
		{"name", r.Name, singleLine}, {"fromName", r.FromName, singleLine}, {"subject", r.Subject, singleLine},
		{"headerImage", r.HeaderImage, singleLine}, {"headerImageAltText", r.HeaderImageAltText, singleLine},
		{"accentColor", r.AccentColor, singleLine}, {"messageBody", r.MessageBody, multiLine},
		{"closing", r.Closing, multiLine},
	} {
		if v.required(f.path, f.value) {
			v.text(f.path, f.value, f.kind)
		}
	}
	validateTemplateFields(v, r.AccentColor, r.SMSMessageBody, r.CustomerServiceMessage, r.AccessControl, r.Defaults)
}

// validateTemplateFields checks the fields create and update share.
func validateTemplateFields(v *validator, accent, sms, service string, access, defaults []AccessControl) {
	if accent != "" && !accentColorPattern.MatchString(accent) {
		v.add("accentColor", keyUnprocessable, "must be a color as #RRGGBB")
	}
	v.boundedText("smsMessageBody", sms, multiLine, maxSMSMessageLength)
	v.text("customerServiceMessage", service, multiLine)
	for _, l := range []struct {
		name string
		list []AccessControl
	}{{"accessControl", access}, {"defaults", defaults}} {
		for i, a := range l.list {
			p := l.name + "[" + strconv.Itoa(i) + "]"
			v.required(p+".type", string(a.Type))
			switch a.Type {
			case AccessCustomer, AccessAccount:
				v.identifier(p+".identifier", a.Identifier)
			default:
				v.text(p+".identifier", a.Identifier, singleLine)
			}
		}
	}
}

// validate checks the fields that are set. A required field of the template
// cannot be cleared.
func (r *UpdateTemplateRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	for _, f := range []struct {
		path  string
		value *string
		kind  textKind
	}{
		{"name", r.Name, singleLine}, {"fromName", r.FromName, singleLine}, {"subject", r.Subject, singleLine},
		{"headerImage", r.HeaderImage, singleLine}, {"headerImageAltText", r.HeaderImageAltText, singleLine},
		{"accentColor", r.AccentColor, singleLine}, {"messageBody", r.MessageBody, multiLine},
		{"closing", r.Closing, multiLine},
	} {
		if f.value != nil && v.required(f.path, *f.value) {
			v.text(f.path, *f.value, f.kind)
		}
	}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	validateTemplateFields(v, deref(r.AccentColor), deref(r.SMSMessageBody), deref(r.CustomerServiceMessage), r.AccessControl, r.Defaults)
}

// checkETID refuses an empty or malformed template id.
func checkETID(etid string) error {
	var v validator
	if v.required("etid", etid) {
		v.etid("etid", etid)
	}
	return v.err()
}
