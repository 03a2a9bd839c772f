package tango_test

import (
	"testing"

	"github.com/tango-sdk/tango-go"
)

// BenchmarkNewClient measures building a client with default options: what a
// script or a per-tenant client pays before its first call. Run it with
//
//	go test -run '^$' -bench NewClient -benchmem .
func BenchmarkNewClient(b *testing.B) {
	auth := tango.BasicAuth("platform", "key-not-a-secret")
	b.ReportAllocs()
	for b.Loop() {
		c, err := tango.NewClient(tango.Sandbox, auth)
		if err != nil {
			b.Fatal(err)
		}
		_ = c.Close()
	}
}
