// Package tangotest serves a fake Tango RaaS API v2 on loopback, for tests of code
// that calls Tango, in the way net/http/httptest serves net/http.
//
// The fake is a real HTTPS server (its own throwaway CA, see Server.RootCAs) with
// state: customers, accounts with exact balances, a catalog, orders deduplicated by
// externalRefID (201 for a new order, 200 with the stored order for a replay, 409
// 409.002 while the first request is still in flight), OAuth 2.0 token issuance with
// expiry, and Tango's error bodies. Faults can be injected per method and path:
// latency, connection resets before or after an order is committed, 429 and 5xx
// answers, the load balancer's HTML 403, token endpoint outages and quota errors.
//
//	srv := tangotest.NewServer()
//	defer srv.Close()
//	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
//
// The fake keeps its own wire types, written from Tango's documentation rather than
// shared with package tango, so that a wrong JSON field name on either side shows up
// as a failing test. Money is exact: amounts are read from the JSON number's text and
// written back as decimals, never through float64.
//
// The default fixtures (DemoCustomer, DemoAccount, UTIDRewardLink, ...) are listed
// with their values in this package's constants; WithoutFixtures starts empty.
//
// Requests go only to loopback: Start refuses any other address, and the redemption
// links in fake rewards use the reserved .invalid domain.
package tangotest
