package tango

import (
	"errors"
	"strconv"
	"strings"
)

// Validate checks an async order request before anything is sent: the account
// identifiers, at least one line item, and each line item by the rules of a
// single order (utid, amount, delivery method and the recipient fields it needs,
// templates, characters Tango refuses) plus its own: a line item id, at most 100
// characters, and a positive quantity. It returns nil or a *ValidationError whose
// paths name the line item ("lineItems[3].recipient.email"). A repeated line item
// id is not an error here: Tango reports it (DuplicateLineItemRefIDs).
func (r *CreateAsyncOrderRequest) Validate() error {
	var v validator
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return v.err()
	}
	if v.text("externalRefID", r.ExternalRefID, singleLine) {
		v.maxLength("externalRefID", r.ExternalRefID, maxExternalRefIDLength, keyExternalRefIDLength)
	}
	v.identifier("customerIdentifier", r.CustomerIdentifier)
	v.identifier("accountIdentifier", r.AccountIdentifier)
	validateSender(&v, "sender", r.Sender)
	v.boundedText("campaign", r.Campaign, singleLine, maxCampaignLength)
	v.boundedText("notes", r.Notes, multiLine, maxNotesLength)
	v.text("purchaseOrderNumber", r.PurchaseOrderNumber, singleLine)
	if len(r.LineItems) == 0 {
		v.add("lineItems", keyRequired, "an async order needs at least one line item")
	}
	for i := range r.LineItems {
		r.LineItems[i].validate(&v, "lineItems["+strconv.Itoa(i)+"]", r)
	}
	return v.err()
}

// validate checks one line item, recording problems under prefix.
func (li *AsyncLineItemRequest) validate(v *validator, prefix string, parent *CreateAsyncOrderRequest) {
	if v.required(prefix+".externalRefLineItemID", li.ExternalRefLineItemID) {
		if v.text(prefix+".externalRefLineItemID", li.ExternalRefLineItemID, singleLine) {
			v.maxLength(prefix+".externalRefLineItemID", li.ExternalRefLineItemID, maxExternalRefIDLength, keyExternalRefIDLength)
		}
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

// wireBody returns the request as it goes on the wire: a copy with each line
// item's quantity (0 means 1), amount (at most 2 decimals) and delivery method
// resolved. The caller's struct is not changed.
func (r *CreateAsyncOrderRequest) wireBody() *CreateAsyncOrderRequest {
	w := *r
	w.LineItems = make([]AsyncLineItemRequest, len(r.LineItems))
	for i, li := range r.LineItems {
		li.Quantity = max(li.Quantity, 1)
		li.Amount = li.Amount.trimScale(maxRequestDecimals)
		li.DeliveryMethod = li.resolvedDeliveryMethod()
		w.LineItems[i] = li
	}
	return &w
}
