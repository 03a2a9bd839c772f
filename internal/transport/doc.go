// Package transport is the innermost layer of a tango.Client's HTTP stack: the
// pinned *http.Transport every API and token request goes through, and the guard
// in front of it that keeps the pin when a caller adds transport middleware.
//
// It is internal because its promises hold only as the root package assembles it:
// the roots come from tango.RootCAs or tango.WithRootCAs, the credentials come
// from the client's Auth, and the state an attempt records is read by the
// client's request pipeline. Users configure it through tango's options
// (WithHTTPClient, WithRootCAs, WithTransportMiddleware), never directly. It
// imports nothing of the root package; what it needs from there (the credentials,
// the error a refusal wraps) is passed in.
package transport
