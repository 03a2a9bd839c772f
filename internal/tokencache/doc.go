// Package tokencache holds a tango.Client's OAuth 2.0 access token and renews it:
// one fetch at a time for all callers, a refresh in the background ahead of
// expiry, backoff after failures, sharing through a token store, and dropping
// exactly the token Tango refused after a 401.
//
// It is internal because it is the machinery behind tango.OAuth2 and its options
// (WithTokenStore, WithRefreshWindow, WithTokenFetchTimeout), not something a
// user calls: the SDK decides when a token is fetched, used and dropped. It
// imports nothing of the root package; the token endpoint, the credentials, the
// store and the classification of errors come in through Source, Store and
// Config.
package tokencache
