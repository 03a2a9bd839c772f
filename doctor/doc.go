// Package doctor holds the vocabulary of Tango's connection doctor: the report
// that [github.com/tango-sdk/tango-go.Client.Diagnose] returns (a [Diagnosis] of
// [Check]s, each with a [CheckName] and a [Status]), the facts it carries
// ([TLSReport], [CertificateReport], [TokenReport]) and the [Option]s that
// change what it checks ([BehindProxy]).
//
// The doctor walks the checklist of Tango's integration guide for a failing
// connection: DNS and TCP reach, TLS (version, chain, pinned root, expiry), the
// OAuth 2.0 token, an authenticated read and what its 401 or 403 means, whether
// the credentials fit the environment, clock skew, the X-Forwarded-For trap of
// proxies and API gateways, and webhook subscriptions close to expiry:
//
//	d, err := c.Diagnose(ctx, doctor.BehindProxy())
//	if err != nil {
//		return err // an invalid option, or ctx ended first
//	}
//	if !d.OK() {
//		fmt.Print(d) // one line per check, with the fix for each failure
//	}
//
// # Why the checks themselves are not here
//
// The checks must see what a client sees: its pinned transport and roots, the
// proxy that transport picks, the headers it sends and the facts of its OAuth
// token cache (where the current token came from, how long it has left),
// without ever holding the token. Those are a Client's internals, so the engine
// stays unexported next to them in package tango, and Client.Diagnose is the
// entry point; this package has only the values a caller passes in and reads
// back, and imports nothing of the SDK. It is the split of net/http and
// net/http/httptrace: the words in their own package, the work where the
// internals are.
//
// A Diagnosis never holds a secret (no key, client secret or token) and no
// recipient data: it can be printed, logged and sent to support as it is.
package doctor
