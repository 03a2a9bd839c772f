package tango

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Contact data (Recipient, Sender, Address) encodes to JSON as "[REDACTED]", like a
// Secret: slog's JSON handler and most logging libraries encode values they do not
// know with encoding/json, and a logged []*Order would otherwise carry every
// recipient's email address. Request bodies reach the wire through the unexported
// types below, which carry the same fields without the redaction.

// MarshalJSON writes "[REDACTED]": recipients never leave through encoding/json by
// accident. Responses still decode into Recipient normally.
func (Recipient) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// MarshalJSON writes "[REDACTED]", as Recipient does.
func (Sender) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// MarshalJSON writes "[REDACTED]", as Recipient does.
func (Address) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// addressWire is Address as it goes on the wire: the same fields, no redaction.
type addressWire Address

// senderWire is Sender as it goes on the wire.
type senderWire Sender

// recipientWire is Recipient as it goes on the wire.
type recipientWire struct {
	Email        string       `json:"email,omitempty"`
	FirstName    string       `json:"firstName,omitempty"`
	LastName     string       `json:"lastName,omitempty"`
	MobileNumber string       `json:"mobileNumber,omitempty"`
	Address      *addressWire `json:"address,omitempty"`
}

// wire returns the recipient's wire form; nil for nil.
func (r *Recipient) wire() *recipientWire {
	if r == nil {
		return nil
	}
	return &recipientWire{
		Email: r.Email, FirstName: r.FirstName, LastName: r.LastName,
		MobileNumber: r.MobileNumber, Address: (*addressWire)(r.Address),
	}
}

// wire returns the sender's wire form; nil for nil.
func (s *Sender) wire() *senderWire { return (*senderWire)(s) }

// createOrderFields is CreateOrderRequest without its methods, so that it can be
// embedded in createOrderWire.
type createOrderFields CreateOrderRequest

// createOrderWire is the POST /orders body: the request's fields, with the contact
// data in wire form (the outer fields win over the embedded ones in encoding/json).
type createOrderWire struct {
	createOrderFields
	Recipient *recipientWire `json:"recipient,omitempty"`
	Sender    *senderWire    `json:"sender,omitempty"`
}

// wire returns the request's wire body.
func (r *CreateOrderRequest) wire() *createOrderWire {
	return &createOrderWire{createOrderFields: createOrderFields(*r), Recipient: r.Recipient.wire(), Sender: r.Sender.wire()}
}

// redactedJSON is the JSON every redacting MarshalJSON of a leaf type writes.
func redactedJSON() ([]byte, error) { return json.Marshal(redacted) }

// redactIfSet returns "[REDACTED]" for a non-empty value and "" for an empty
// one, so that a redacted model still shows which contact fields were present.
func redactIfSet(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// String returns "[REDACTED]": notification addresses are contact data.
func (NotificationEmail) String() string { return redacted }

// GoString returns "[REDACTED]", so that %#v hides the address too.
func (NotificationEmail) GoString() string { return redacted }

// Format writes "[REDACTED]" for every fmt verb.
func (NotificationEmail) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes slog print "[REDACTED]".
func (NotificationEmail) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON writes "[REDACTED]", as Recipient does. Responses still decode
// into NotificationEmail normally; requests send it through
// notificationEmailWire.
func (NotificationEmail) MarshalJSON() ([]byte, error) { return redactedJSON() }

// notificationEmailWire is NotificationEmail as it goes on the wire.
type notificationEmailWire NotificationEmail

// notificationsWire converts a list of addresses to their wire form, keeping nil
// apart from empty: updates send an empty list to clear one and leave nil out.
func notificationsWire(list []NotificationEmail) []notificationEmailWire {
	if list == nil {
		return nil
	}
	out := make([]notificationEmailWire, len(list))
	for i, n := range list {
		out[i] = notificationEmailWire(n)
	}
	return out
}
