// Package tango is a Go client for the Tango RaaS API v2, the API businesses use to
// send gift cards and rewards.
//
// Real money moves through every order, so the package makes the safe behaviour the
// default rather than an option:
//
//   - Every call is authenticated, with HTTP Basic ([BasicAuth]) or OAuth 2.0 client
//     credentials ([OAuth2]).
//   - The server's certificate chain must end in one of the Amazon roots embedded in
//     the package; there is no switch that skips verification.
//   - Each attempt gets its own deadline (15 s by default) while the caller's context
//     bounds the whole call.
//   - Failed attempts are retried with exponential backoff and jitter, but only when a
//     retry cannot duplicate a side effect: reads always; orders, deposits and
//     transfers because they carry an externalRefID; other writes only when the
//     request never left the machine or Tango refused it with a 429.
//   - Presentation redacts, serialization is faithful: secrets ([Secret]: keys,
//     tokens, card data) and personal and reward data ([Private]: contact data,
//     reward credentials) print as [REDACTED] through fmt, slog and error
//     messages; models encode to JSON as they are (Secrets excepted), so they can
//     be stored and queued.
//
// Start with [NewClient]:
//
//	c, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(platform, key))
//
// The tangotest package serves a fake Tango on loopback for tests and examples.
package tango
