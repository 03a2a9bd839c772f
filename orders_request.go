package tango

import (
	"fmt"
	"log/slog"
)

// DeliveryMethod says how Tango delivers a reward. It is a string type so that
// values Tango adds later still decode; compare against the constants.
type DeliveryMethod string

// Delivery methods an order can be placed with.
const (
	// DeliveryNone sends nothing: the reward credentials come back in the order
	// response for the caller to deliver.
	DeliveryNone DeliveryMethod = "NONE"
	// DeliveryEmail has Tango email the reward to the recipient; recipient.email and
	// recipient.firstName are required.
	DeliveryEmail DeliveryMethod = "EMAIL"
	// DeliveryPhone has Tango text the reward to recipient.mobileNumber (E.164).
	DeliveryPhone DeliveryMethod = "PHONE"
	// DeliveryAddress ships a physical reward to recipient.address.
	DeliveryAddress DeliveryMethod = "ADDRESS"
	// DeliveryEmbedded returns a link for the caller to embed in its own page.
	DeliveryEmbedded DeliveryMethod = "EMBEDDED"
	// DeliveryEmbeddedComponent returns data for Tango's embeddable component.
	DeliveryEmbeddedComponent DeliveryMethod = "EMBEDDED_COMPONENT"
	// DeliveryWhatsApp has Tango send the reward over WhatsApp to
	// recipient.mobileNumber (E.164).
	DeliveryWhatsApp DeliveryMethod = "WHATSAPP"
)

// Delivery methods that appear only in responses, on orders placed through other
// channels (bulk and QR code orders). An order request cannot use them.
const (
	DeliveryBulkShipment DeliveryMethod = "BULKSHIPMENT"
	DeliveryQRCode       DeliveryMethod = "QRCODE"
	DeliveryBulkDigital  DeliveryMethod = "BULKDIGITAL"
)

// orderable reports whether an order request may carry m.
func (m DeliveryMethod) orderable() bool {
	switch m {
	case DeliveryNone, DeliveryEmail, DeliveryPhone, DeliveryAddress,
		DeliveryEmbedded, DeliveryEmbeddedComponent, DeliveryWhatsApp:
		return true
	}
	return false
}

// CreateOrderRequest is the body of POST /orders: one reward, charged to one
// account. Field names on the wire are Tango's.
//
// Before sending, the SDK checks it with [CreateOrderRequest.Validate] and
// fills in what Tango needs but the caller may leave out: the delivery method
// (see DeliveryMethod below) and, when ExternalRefID is empty, a generated
// idempotency key. The caller's struct is never modified.
//
// Contact data in it is [Private]: printing the request (fmt, slog) never shows
// it, and encoding/json writes the request as it is, so a request can wait in a
// job queue and be placed later exactly as written.
type CreateOrderRequest struct {
	// ExternalRefID is the idempotency key: Tango places at most one order per
	// externalRefID and account, and answers a repeat with the original order.
	// At most 100 characters. Leave it empty and the SDK generates one, reused
	// on every retry of the call.
	ExternalRefID string `json:"externalRefID,omitempty"`
	// CustomerIdentifier names the customer that owns the account (required).
	CustomerIdentifier string `json:"customerIdentifier"`
	// AccountIdentifier names the account charged for the order (required).
	AccountIdentifier string `json:"accountIdentifier"`
	// UTID is the reward item from the catalog, such as "U561593" (required).
	UTID string `json:"utid"`
	// Amount is the face value of the reward (required, also for fixed-value
	// items): more than zero, at most 2 decimal places and 6 digits before the
	// decimal point.
	Amount Amount `json:"amount"`
	// DeliveryMethod says how Tango delivers the reward. When empty, the SDK
	// derives it from SendEmail if set (true means EMAIL, false means NONE), else
	// it is EMAIL when Recipient.Email is given. The SDK never infers NONE: an
	// order with neither is refused before anything is sent. Set DeliveryNone
	// yourself when you deliver the reward's credentials to the recipient.
	DeliveryMethod DeliveryMethod `json:"deliveryMethod,omitempty"`
	// SendEmail is Tango's older switch for email delivery. The SDK always sends
	// it consistent with DeliveryMethod; set it only if old code relies on it.
	//
	// Deprecated: use DeliveryMethod. Tango deprecated sendEmail in favour of
	// deliveryMethod. A value that contradicts DeliveryMethod fails validation.
	SendEmail *bool `json:"sendEmail,omitempty"`
	// Recipient receives the reward. Required for EMAIL (email and first name),
	// PHONE and WHATSAPP (mobile number) and ADDRESS (postal address).
	Recipient *Recipient `json:"recipient,omitempty"`
	// Sender is who the reward email says it comes from (optional).
	Sender *Sender `json:"sender,omitempty"`
	// EmailSubject is the subject of the reward email (optional).
	EmailSubject string `json:"emailSubject,omitempty"`
	// Message is the personal message in the reward email (optional; may span
	// several lines).
	Message string `json:"message,omitempty"`
	// ETID picks an email template, such as "E000000" (optional).
	ETID string `json:"etid,omitempty"`
	// PTID picks a printable template for Printed Reward Link items (optional).
	PTID string `json:"ptid,omitempty"`
	// Campaign labels the order for reporting (optional, at most 1024 characters).
	Campaign string `json:"campaign,omitempty"`
	// Notes are kept with the order for the caller's records (optional, at most
	// 1024 characters; may span several lines).
	Notes string `json:"notes,omitempty"`
	// PurchaseOrderNumber is the caller's purchase order reference (optional).
	PurchaseOrderNumber string `json:"purchaseOrderNumber,omitempty"`
	// ExpirationDate sets the reward's expiry, for the items that allow one
	// (optional; Tango refuses it for other items with 422.162). Sent as given.
	ExpirationDate string `json:"expirationDate,omitempty"`
	// CustomFields are values for the custom fields configured on the account
	// (optional; Tango's CreateOrderCriteria.customFields). Tango silently ignores
	// fields the account has not configured. Values are sent as JSON and printed
	// like any other field: keep contact data out of them.
	CustomFields map[string]any `json:"customFields,omitempty"`
}

// Recipient is the person who receives a reward. Its fields are [Private]: they
// print as "[REDACTED]" (fmt, slog) and encode to JSON as they are.
type Recipient struct {
	// Email is where an EMAIL reward goes.
	Email Private `json:"email,omitempty"`
	// FirstName greets the recipient; required for EMAIL delivery. At most 100
	// characters, 25 for ADDRESS delivery.
	FirstName Private `json:"firstName,omitempty"`
	// LastName is optional; the same limits as FirstName.
	LastName Private `json:"lastName,omitempty"`
	// MobileNumber is where a PHONE or WHATSAPP reward goes, in E.164 form
	// ("+15555550100").
	MobileNumber Private `json:"mobileNumber,omitempty"`
	// Address is where an ADDRESS (physical) reward is shipped. It is refused on
	// other delivery methods.
	Address *Address `json:"address,omitempty"`
}

// Sender is who a reward email says it comes from. Its fields are [Private],
// like Recipient's.
type Sender struct {
	// FirstName of the sender (optional, at most 100 characters).
	FirstName Private `json:"firstName,omitempty"`
	// LastName of the sender (optional, at most 100 characters).
	LastName Private `json:"lastName,omitempty"`
	// Email of the sender (optional).
	Email Private `json:"email,omitempty"`
}

// Address is a postal address for physical rewards. Every line that could find
// the person (company, street lines, city, postal code) is [Private]; the state
// and the country are not.
type Address struct {
	// CompanyName is an optional company line.
	CompanyName Private `json:"companyName,omitempty"`
	// StreetLine1 is the first address line (required).
	StreetLine1 Private `json:"streetLine1,omitempty"`
	// StreetLine2 is an optional second address line.
	StreetLine2 Private `json:"streetLine2,omitempty"`
	// City is required.
	City Private `json:"city,omitempty"`
	// StateOrProvince is the state, province or region.
	StateOrProvince string `json:"stateOrProvince,omitempty"`
	// PostalCode is required.
	PostalCode Private `json:"postalCode,omitempty"`
	// Country is the ISO 3166 country code, such as "US" (required).
	Country string `json:"country,omitempty"`
}

// LogValue presents the request to slog field by field, each field by its own
// type (contact data prints as [REDACTED]); see logValueOf.
func (r CreateOrderRequest) LogValue() slog.Value { return logValueOf(r) }

// LogValue presents the recipient to slog; see logValueOf.
func (r Recipient) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r Recipient) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// LogValue presents the sender to slog; see logValueOf.
func (s Sender) LogValue() slog.Value { return logValueOf(s) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (s Sender) Format(f fmt.State, verb rune) { formatValue(f, verb, s) }

// LogValue presents the address to slog; see logValueOf.
func (a Address) LogValue() slog.Value { return logValueOf(a) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (a Address) Format(f fmt.State, verb rune) { formatValue(f, verb, a) }

// resolvedDeliveryMethod applies the documented default: DeliveryMethod if set;
// else SendEmail if set (true: EMAIL, false: NONE); else EMAIL when the recipient
// has an email address; else "" (no method: Validate refuses the request, since
// the SDK never chooses NONE for the caller).
func (r *CreateOrderRequest) resolvedDeliveryMethod() DeliveryMethod {
	switch {
	case r.DeliveryMethod != "":
		return r.DeliveryMethod
	case r.SendEmail != nil && *r.SendEmail:
		return DeliveryEmail
	case r.SendEmail != nil:
		return DeliveryNone
	case r.Recipient != nil && r.Recipient.Email != "":
		return DeliveryEmail
	}
	return ""
}

// needsRecipient reports whether Tango delivers m to a recipient's contact data.
func (m DeliveryMethod) needsRecipient() bool {
	switch m {
	case DeliveryEmail, DeliveryPhone, DeliveryWhatsApp, DeliveryAddress:
		return true
	}
	return false
}

// wireBody returns the request as it goes on the wire: a copy with DeliveryMethod
// resolved, SendEmail set to match it (true exactly for EMAIL), and the amount
// written with no more decimal places than needed (10.000 becomes 10.00), since
// Tango refuses more than two. The receiver is not modified; the copy shares the
// Recipient and Sender, which the caller must not change while the call runs.
// Validate first: wireBody does not check anything.
func (r *CreateOrderRequest) wireBody() CreateOrderRequest {
	body := *r
	body.DeliveryMethod = r.resolvedDeliveryMethod()
	sendEmail := body.DeliveryMethod == DeliveryEmail
	body.SendEmail = &sendEmail
	body.Amount = r.Amount.trimScale(maxRequestDecimals)
	return body
}
