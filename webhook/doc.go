// Package webhook receives Tango's event notifications safely: an http.Handler
// that checks where a delivery comes from, the custom headers and the
// X-Signed-Payload signature over the exact bytes received, before it decodes
// anything, then hands a typed event to the caller's function and answers 2xx
// only once that function has returned nil.
//
// # Subscribing
//
// Subscriptions are made with the SDK's client (tango.WebhooksService). This
// package names what a subscription takes, one spelling for both sides: the
// verification methods (MethodX509, MethodHMAC, MethodNone), the categories
// (CategoryItem, ...) and event types (TypeItemAvailability, ...), the test
// deliveries (TestConnectivity, ...), and it builds the signing material to
// register: SigningCertificateFromPEM for X509, NewHMACKey for HMAC.
//
// # What the handler does, in order
//
//  1. Only POST is served (405 otherwise).
//  2. Source address: when Config.AllowedSources is set, the client address
//     (RemoteAddr, or the last untrusted X-Forwarded-For entry when RemoteAddr is
//     one of Config.TrustedProxies) must be in it; 403 otherwise. Tango publishes
//     its sending addresses: SandboxSources and ProductionSources.
//  3. Custom headers: every header of Config.RequiredHeaders (the headers given
//     to Tango when subscribing) must carry exactly its value, compared in
//     constant time; 401 otherwise.
//  4. The body is read once, at most Config.MaxBodyBytes (413 beyond).
//  5. The X-Signed-Payload header is verified over those exact bytes (401 on any
//     failure; every failure gets the same answer).
//  6. The envelope is decoded (400 when it is not one) into a typed event.
//  7. An eventId already processed is acknowledged (200) without calling the
//     function again; the Store remembers it.
//  8. The function runs. nil: 200, and the eventId and the entity's revision
//     are recorded. An error: 500, nothing is recorded, and Tango delivers
//     again.
//
// Nothing that fails steps 1 to 6 ever reaches the function.
//
// # Verification methods and what each proves
//
// HMAC (payloadVerificationMethod "HMAC"): Tango signs each payload with
// HMAC-SHA256 under the shared key registered as hmacSharedSecretKey. A valid
// value proves the body was produced by a holder of that key (Tango or you) and
// was not changed. Tango's pages do not say whether the key is the base64 text
// or the bytes it decodes to; see Config.HMACKeyForm.
//
// X509 (Tango's recommendation): Tango's pages describe the signature as the
// event's body encrypted with the subscriber's registered certificate (its RSA
// public key, PKCS#1 v1.5) and then base64-encoded, to be checked with the
// subscriber's private key. The handler does exactly that: it decrypts the value
// with Config.PrivateKey and compares the result with the body it received
// (Config.X509Input chooses between the body itself, in one or more blocks, and
// its SHA-256 digest, because the pages do not settle which). Read what this
// proves carefully:
//
//   - It proves the body was not changed after someone encrypted it to your
//     public key, and that the value was made for your key.
//   - It does NOT prove the sender is Tango. Encryption uses the public key, so
//     anyone who holds your certificate (it was sent to Tango, and certificates
//     are often not treated as secrets) can produce a value this check accepts.
//     The X509 method authenticates the sender only while the certificate stays
//     private between you and Tango.
//
// So, with X509, also require a secret custom header (Config.RequiredHeaders,
// registered in the subscription's headers) and restrict the source addresses
// (Config.AllowedSources); the handler refuses an X509 or NONE configuration
// that has neither. Use a key pair made for this subscription only: the handler
// runs PKCS#1 v1.5 decryption on values anyone can send, which it does in
// constant time with identical answers, but a key shared with TLS or signing
// should never be exposed to that.
//
// NONE: no signature. The handler accepts it only with RequiredHeaders or
// AllowedSources set.
//
// # At least once, out of order
//
// Tango may deliver an event more than once (replays, redeliveries after a
// non-2xx answer) and says notifications may arrive out of order, to be ordered
// by revision. The handler drops an eventId it has already processed, and
// Delivery.Newer tells whether an event's revision is newer than the last one
// applied for the same entity (an item's utid, an account, a line item, ...).
// Both go through a Store: NewMemoryStore by default (one process); a fleet of
// receivers needs a shared one.
package webhook
