// Package wire holds the pieces of Tango's wire format that the request pipeline
// shares and users never call: reading an answer's body within a cap, and
// decoding Tango's error body (ErrorInfo) before the root package turns it into a
// *tango.APIError.
//
// It is internal because it is pure format, with no policy of its own: what is
// retried, what an error means and what is redacted are decided in the root
// package (retry.go, errors.go, errorbody.go). It imports nothing of the root.
package wire
