// Package openapicheck checks HTTP exchanges against Tango's published OpenAPI
// documents, for tests: every request the SDK sends and every answer tangotest gives
// can be validated against the operation's schemas, so the fake cannot drift from
// Tango without a test noticing.
//
// The documents are Tango's reference (testdata/tangocard-openapi.json and
// testdata/tangocard-auth-openapi.json, committed unedited). Where the reference is
// wrong, the fix is one entry of testdata/defects.json: the defect, the evidence that
// it is one, the operations it excuses and the smallest JSON patch that corrects the
// document. Nothing else is excused.
//
// Only tests import this package, so the SDK's library code never depends on the
// validator (github.com/getkin/kin-openapi).
package openapicheck
