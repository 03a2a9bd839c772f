//go:build js

package tango

// Tango refuses API calls made from browser code (403.001) because a browser cannot
// keep an API key secret. Building this package for GOOS=js fails on purpose, with the
// reason in the name below: call Tango from a server and let the browser talk to it.
var _ = tango_go_does_not_build_for_GOOS_js_because_Tango_forbids_calls_from_browsers
