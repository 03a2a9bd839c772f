package tango

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Validate checks the request against the rules Tango enforces, so that a bad
// order fails before anything is sent. It returns nil or a *ValidationError that
// lists every offending field at once, each with Tango's i18nKey and dotted path
// (errors.Is(err, ErrValidation) holds). Messages never repeat the rejected
// values.
//
// It checks: the required identifiers, utid and amount, and their formats; the
// amount's sign, decimal places and digits; the delivery method, that it agrees
// with SendEmail when both are set, and the recipient fields it needs; email
// addresses, the E.164 mobile number and the postal address; template ids;
// lengths; and characters Tango refuses as possibly insecure in every free-text
// field. It cannot check what only Tango knows (the catalog, balances, item
// amount ranges).
//
// Orders.Create runs the same rules; call Validate to check a request before it
// is queued or stored. Orders.Batch with DryRun checks whole rows.
func (r *CreateOrderRequest) Validate() error { return validateRequest(r) }

// validate records the order's problems into v; Validate lists the rules.
func (r *CreateOrderRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	v.idempotencyKey("externalRefID", r.ExternalRefID)
	v.identifier("customerIdentifier", r.CustomerIdentifier)
	v.identifier("accountIdentifier", r.AccountIdentifier)
	v.utid("utid", r.UTID)
	v.requestAmount("amount", r.Amount)

	method := r.resolvedDeliveryMethod()
	methodOK := method.orderable()
	switch {
	case method == "":
		v.add("deliveryMethod", keyRequired,
			"no delivery method and no recipient email address: set deliveryMethod (EMAIL, PHONE, WHATSAPP, ADDRESS, EMBEDDED, "+
				"EMBEDDED_COMPONENT), or DeliveryNone (NONE) if you deliver the reward yourself")
	case !methodOK:
		v.add("deliveryMethod", keyUnprocessable,
			"unknown delivery method; use NONE, EMAIL, PHONE, ADDRESS, EMBEDDED, EMBEDDED_COMPONENT or WHATSAPP")
	}
	if r.DeliveryMethod != "" && r.SendEmail != nil && *r.SendEmail != (r.DeliveryMethod == DeliveryEmail) {
		v.add("sendEmail", keyUnprocessable,
			"contradicts deliveryMethod: sendEmail must be true exactly when deliveryMethod is EMAIL; prefer leaving sendEmail unset")
	}

	r.validateRecipient(v, method, methodOK)
	validateSender(v, "sender", r.Sender)

	v.text("emailSubject", r.EmailSubject, singleLine)
	v.text("message", r.Message, multiLine)
	v.etid("etid", r.ETID)
	v.ptid("ptid", r.PTID)
	v.boundedText("campaign", r.Campaign, singleLine, maxCampaignLength)
	v.boundedText("notes", r.Notes, multiLine, maxNotesLength)
	v.text("purchaseOrderNumber", r.PurchaseOrderNumber, singleLine)
	v.text("expirationDate", r.ExpirationDate, singleLine)
}

// validateRecipient checks the recipient's fields and the ones the delivery
// method requires. When the method is unknown, only the fields' own formats are
// checked.
func (r *CreateOrderRequest) validateRecipient(v *validator, method DeliveryMethod, methodOK bool) {
	rc := r.Recipient
	if rc != nil && *rc == (Recipient{}) && methodOK && method.needsRecipient() {
		v.add("recipient", keyRequired, "the recipient is empty; "+string(method)+" delivery needs the recipient's contact data")
		return
	}
	if rc == nil {
		rc = &Recipient{}
	}
	nameLimit := maxNameLength
	if method == DeliveryAddress {
		nameLimit = maxPhysicalNameLength
	}

	switch {
	case rc.Email == "" && methodOK && method == DeliveryEmail:
		v.add("recipient.email", keyRecipientEmail, "EMAIL delivery requires a recipient email address")
	default:
		v.email("recipient.email", string(rc.Email))
	}
	if isBlank(string(rc.FirstName)) && methodOK && method == DeliveryEmail {
		v.add("recipient.firstName", keyRequired, "EMAIL delivery requires the recipient's first name")
	} else {
		v.boundedText("recipient.firstName", string(rc.FirstName), singleLine, nameLimit)
	}
	v.boundedText("recipient.lastName", string(rc.LastName), singleLine, nameLimit)

	needsPhone := methodOK && (method == DeliveryPhone || method == DeliveryWhatsApp)
	if rc.MobileNumber == "" && needsPhone {
		v.add("recipient.mobileNumber", keyRecipientIncomplete,
			string(method)+" delivery requires the recipient's mobile number in E.164 form")
	} else {
		v.mobileNumber("recipient.mobileNumber", string(rc.MobileNumber))
	}

	switch {
	case rc.Address == nil && methodOK && method == DeliveryAddress:
		v.add("recipient.address", keyAddressRequired, "ADDRESS delivery requires a recipient address")
	case rc.Address != nil && methodOK && method != DeliveryAddress:
		v.add("recipient.address", keyAddressNotAllowed, "a recipient address is only allowed with ADDRESS delivery")
	case rc.Address != nil:
		validateAddress(v, "recipient.address", rc.Address)
	}
}

// validateAddress checks a postal address: street line, city, postal code and
// country are required, the country is a 2- or 3-letter ISO code, and no field
// holds unsafe characters.
func validateAddress(v *validator, path string, a *Address) {
	requiredText := func(name, value string) {
		p := path + "." + name
		if isBlank(value) {
			v.add(p, keyRecipientIncomplete, "a value is required for ADDRESS delivery")
			return
		}
		v.text(p, value, singleLine)
	}
	v.text(path+".companyName", string(a.CompanyName), singleLine)
	requiredText("streetLine1", string(a.StreetLine1))
	v.text(path+".streetLine2", string(a.StreetLine2), singleLine)
	requiredText("city", string(a.City))
	v.text(path+".stateOrProvince", a.StateOrProvince, singleLine)
	requiredText("postalCode", string(a.PostalCode))
	if isBlank(a.Country) {
		v.add(path+".country", keyRecipientIncomplete, "a value is required for ADDRESS delivery")
	} else if !countryPattern.MatchString(a.Country) {
		v.add(path+".country", keyRecipientIncomplete, "must be an ISO 3166 country code, such as US")
	}
}

// Validate checks an async order request before anything is sent: the account
// identifiers, at least one line item, and each line item by the rules of a
// single order (utid, amount, delivery method and the recipient fields it needs,
// templates, characters Tango refuses) plus its own: a line item id, at most 100
// characters, and a positive quantity. It returns nil or a *ValidationError whose
// paths name the line item ("lineItems[3].recipient.email"). A repeated line item
// id is not an error here: Tango reports it (DuplicateLineItemRefIDs).
//
// AsyncOrders.Create runs the same rules; call Validate to check a request
// before it is queued or stored.
func (r *CreateAsyncOrderRequest) Validate() error { return validateRequest(r) }

// validate records the async order's problems into v; Validate lists the rules.
func (r *CreateAsyncOrderRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	v.idempotencyKey("externalRefID", r.ExternalRefID)
	v.identifier("customerIdentifier", r.CustomerIdentifier)
	v.identifier("accountIdentifier", r.AccountIdentifier)
	validateSender(v, "sender", r.Sender)
	v.boundedText("campaign", r.Campaign, singleLine, maxCampaignLength)
	v.boundedText("notes", r.Notes, multiLine, maxNotesLength)
	v.text("purchaseOrderNumber", r.PurchaseOrderNumber, singleLine)
	if len(r.LineItems) == 0 {
		v.add("lineItems", keyRequired, "an async order needs at least one line item")
	}
	for i := range r.LineItems {
		r.LineItems[i].validate(v, "lineItems["+strconv.Itoa(i)+"]", r)
	}
}

// validate checks one line item, recording problems under prefix.
func (li *AsyncLineItemRequest) validate(v *validator, prefix string, parent *CreateAsyncOrderRequest) {
	if v.required(prefix+".externalRefLineItemID", li.ExternalRefLineItemID) {
		v.idempotencyKey(prefix+".externalRefLineItemID", li.ExternalRefLineItemID)
	}
	if li.Quantity < 0 {
		v.add(prefix+".quantity", keyNotNegative, "must be 1 or more (0 means 1)")
	}
	v.boundedText(prefix+".lineItemNote", li.LineItemNote, multiLine, maxAsyncNoteLength)
	v.text(prefix+".deliveryDate", li.DeliveryDate, singleLine)
	v.text(prefix+".shippingMethod", li.ShippingMethod, singleLine)
	// The reward fields follow the rules of a single order.
	single := CreateOrderRequest{
		CustomerIdentifier: parent.CustomerIdentifier, AccountIdentifier: parent.AccountIdentifier,
		UTID: li.UTID, Amount: li.Amount, DeliveryMethod: li.resolvedDeliveryMethod(), Recipient: li.Recipient,
		EmailSubject: li.EmailSubject, Message: li.Message, ETID: li.ETID, PTID: li.PTID, ExpirationDate: li.ExpirationDate,
	}
	for _, f := range validationFields(single.Validate()) {
		if f.Path == "customerIdentifier" || f.Path == "accountIdentifier" {
			continue // checked once, on the order
		}
		f.Path = prefix + "." + strings.TrimPrefix(f.Path, ".")
		v.fields = append(v.fields, f)
	}
}

// validationFields returns the fields of a *ValidationError, nil for nil.
func validationFields(err error) []FieldError {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}

// validateSender checks a sender's names and email address.
func validateSender(v *validator, path string, s *Sender) {
	if s == nil {
		return
	}
	v.boundedText(path+".firstName", string(s.FirstName), singleLine, maxNameLength)
	v.boundedText(path+".lastName", string(s.LastName), singleLine, maxNameLength)
	v.email(path+".email", string(s.Email))
}

// validate checks the paging and date rules Tango enforces.
func (p *ListOrdersParams) validate(v *validator) {
	if p.ElementsPerBlock < 0 || p.ElementsPerBlock > MaxOrdersPerPage {
		v.add("elementsPerBlock", "422.042", fmt.Sprintf("must be 0 to %d", MaxOrdersPerPage))
	}
	if p.Page < 0 {
		v.add("page", keyNotNegative, "must not be negative")
	}
	if !p.StartDate.IsZero() && !p.EndDate.IsZero() {
		if !p.EndDate.After(p.StartDate) {
			v.add("endDate", "422.041", "must come after startDate")
		} else if p.EndDate.Sub(p.StartDate) > MaxOrderWindow {
			v.add("endDate", "422.043", "must be at most 100 days after startDate")
		}
	}
}

// validate checks the paging and filter formats.
func (p *ListLineItemsParams) validate(v *validator) {
	if p.ElementsPerBlock < 0 || p.ElementsPerBlock > MaxLineItemsPerPage {
		v.add("elementsPerBlock", "422.042", fmt.Sprintf("must be 0 to %d", MaxLineItemsPerPage))
	}
	if p.AccountIdentifier != "" {
		v.identifier("accountIdentifier", p.AccountIdentifier)
	}
	v.email("recipientEmail", string(p.RecipientEmail))
	v.mobileNumber("recipientMobileNumber", string(p.RecipientMobile))
	v.etid("etid", p.ETID)
	if !p.StartDate.IsZero() && !p.EndDate.IsZero() && !p.EndDate.After(p.StartDate) {
		v.add("endDate", "422.041", "must come after startDate")
	}
	if p.PagePrevious && len(p.PageKeys) == 0 {
		v.add("pagePrevious", keyUnprocessable, "needs the pageKeys of the page to go back from")
	}
}

// lineItemCampaignPattern is Tango's rule for a line item's campaign.
var lineItemCampaignPattern = regexp.MustCompile(`^[a-zA-Z0-9 ]{0,100}$`)

// validate checks the fields that are set.
func (r *UpdateLineItemRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	if r.PurchaseOrderNumber == nil && r.Campaign == nil && r.OrderNotes == nil {
		v.add("body", keyRequired, "set at least one field to change")
	}
	if r.PurchaseOrderNumber != nil {
		v.text("purchaseOrderNumber", *r.PurchaseOrderNumber, singleLine)
	}
	if r.Campaign != nil && !lineItemCampaignPattern.MatchString(*r.Campaign) {
		v.add("campaign", keyUnprocessable, "must be at most 100 letters, digits and spaces")
	}
	if r.OrderNotes != nil {
		v.boundedText("orderNotes", *r.OrderNotes, multiLine, maxLineItemNotesLength)
	}
}

// validate checks the reason.
func (r *LineItemActionRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	validateReason(v, r.ReasonCode, r.OtherReason, true)
}

// validateReason checks a reason code and its explanation.
func validateReason(v *validator, code ReasonCode, other string, required bool) {
	if required {
		v.required("reasonCode", string(code))
	}
	v.text("reasonCode", string(code), singleLine)
	v.text("otherReason", other, multiLine)
}

// validate checks the reason and the replacements.
func (r *ReissueRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	validateReason(v, r.ReasonCode, r.OtherReason, true)
	if r.Amount != nil {
		v.requestAmount("amount", *r.Amount)
	}
	if r.DeliveryMethod != "" && !r.DeliveryMethod.orderable() {
		v.add("deliveryMethod", keyUnprocessable,
			"unknown delivery method; use NONE, EMAIL, PHONE, ADDRESS, EMBEDDED, EMBEDDED_COMPONENT or WHATSAPP")
	}
	if rc := r.Recipient; rc != nil {
		v.email("recipient.email", string(rc.Email))
		v.boundedText("recipient.firstName", string(rc.FirstName), singleLine, maxNameLength)
		v.boundedText("recipient.lastName", string(rc.LastName), singleLine, maxNameLength)
		v.mobileNumber("recipient.mobileNumber", string(rc.MobileNumber))
		if rc.Address != nil {
			v.add("recipient.address", keyAddressNotAllowed, "a reissue cannot change the postal address")
		}
	}
	v.boundedText("notes", r.Notes, multiLine, maxNotesLength)
}

// validate checks the contact fields and the reason.
func (r *LineItemResendRequest) validate(v *validator) {
	if r == nil {
		return
	}
	v.email("newEmail", string(r.NewEmail))
	v.mobileNumber("newMobileNumber", string(r.NewMobileNumber))
	v.etid("newEtid", r.NewETID)
	validateReason(v, r.ReasonCode, r.OtherReason, false)
}
