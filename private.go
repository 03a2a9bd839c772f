package tango

import (
	"fmt"
	"log/slog"
)

// Private is personal or reward data: a recipient's or sender's name, an email
// address, a phone number, a line of a postal address, a reward code, a PIN, a
// redemption URL. It is a string that the program keeps but does not show.
//
// Presentation redacts, serialization is faithful. Exactly what holds:
//
//   - fmt prints "[REDACTED]" for every verb but %p (%v, %+v, %#v, %s, %q,
//     %x, ...), also when the value sits in a struct, a slice or a map, so
//     printed models and wrapped errors carry none of it; an empty value
//     prints as "". %p is formatted by fmt without asking the value, and
//     shows the text: do not use it on a Private;
//   - slog prints "[REDACTED]" with any handler for a single value: a
//     Private, a model or request of the SDK, a pointer to one, an error;
//   - slog's JSON handler writes any other value with encoding/json, so a
//     container passed whole (slog.Any("orders", orders) with a slice or map
//     of models, a []any, a struct of your own holding a model) prints in
//     clear unless the handler is wrapped with [RedactingHandler]. The text
//     handler prints such values with fmt, which redacts. The SDK's own logs
//     always go through RedactingHandler ([WithLogger]);
//   - encoding/json writes and reads the real value, so models and requests
//     survive a database, a cache or a job queue unchanged.
//
// Read the value with [Private.Reveal] (or a conversion, string(p)) where it must
// leave the program: onto the recipient's screen, into a request of your own.
// Untyped string constants convert by themselves: Recipient{Email: "ada@example.com"}.
//
// The name says what the type is for rather than what it holds: the data is
// private to the people it describes (recipients, senders, card holders) or
// to the customer who paid for it (reward credentials), and a program may keep
// it without showing it. Authentication secrets and card data, which must not
// be kept at all, are [Secret]s instead.
//
// As with any fmt.Formatter, fmt can only reach a Private held in an exported
// field; the SDK keeps none in unexported ones.
type Private string

// Reveal returns the value. It is spelled like [Secret.Reveal], so that code
// reading reward credentials reads the same whichever type holds them, and the
// places a value leaves the program are easy to find in review.
func (p Private) Reveal() string { return string(p) }

// Format writes "[REDACTED]" for every fmt verb ("" for an empty value).
func (p Private) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.redacted())) }

// LogValue makes slog print "[REDACTED]" ("" for an empty value), with any
// handler, when slog can see it: see the type's doc and [RedactingHandler] for
// values inside containers.
func (p Private) LogValue() slog.Value { return slog.StringValue(p.redacted()) }

// redacted is what the value prints as: "[REDACTED]", or "" when empty, so that a
// printed model still shows which fields were set.
func (p Private) redacted() string {
	if p == "" {
		return ""
	}
	return redacted
}

// privateStrings returns the values of a list, for a query string (nil for nil).
func privateStrings(list []Private) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = string(p)
	}
	return out
}
