package tango_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tango-sdk/tango-go"
)

func TestNormalizeForwardedFor(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"IPv4", "203.0.113.7", "203.0.113.7"},
		{"IPv4 with port", "203.0.113.7:8080", "203.0.113.7"},
		{"IPv6", "2001:db8::1", "2001:db8::1"},
		{"IPv6 long form", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
		{"IPv6 in brackets", "[2001:db8::1]", "2001:db8::1"},
		{"IPv6 with port", "[2001:db8::1]:443", "2001:db8::1"},
		{"IPv6 with zone", "fe80::1%eth0", "fe80::1"},
		{"IPv6 with zone and port", "[fe80::1%25eth0]:80", "fe80::1"},
		{"IPv6 with zone in brackets", "[fe80::1%eth0]", "fe80::1"},
		{"IPv4-mapped IPv6", "::ffff:192.0.2.1", "::ffff:192.0.2.1"},
		{"loopback", "127.0.0.1:1", "127.0.0.1"},
		{"for= prefix", "for=192.0.2.60", "192.0.2.60"},
		{"For= in upper case", "FOR=192.0.2.60", "192.0.2.60"},
		{"quoted IPv6 with port (RFC 7239)", `for="[2001:db8:cafe::17]:4711"`, "2001:db8:cafe::17"},
		{"quoted IPv4", `"192.0.2.43"`, "192.0.2.43"},
		{"spaces and tabs", " \t192.0.2.1 \t", "192.0.2.1"},
		{"empty", "", ""},
		{"only commas", " , ,, ", ""},
		{"unknown", "unknown", ""},
		{"obfuscated identifier", "for=_hidden", ""},
		{"host name", "proxy.example.com", ""},
		{"host name with port", "proxy.example.com:8080", ""},
		{"garbage", "<script>alert(1)</script>", ""},
		{"bad port", "192.0.2.1:http", ""},
		{"two ports", "192.0.2.1:80:90", ""},
		{"IPv6 with port but no brackets is an address", "2001:db8::1:443", "2001:db8::1:443"},
		{"out of range", "256.1.1.1", ""},
		{"unterminated bracket", "[2001:db8::1", ""},
		{
			"many entries",
			"203.0.113.7:8080, 198.51.100.2, unknown, [2001:db8::1]:443,for=192.0.2.60 , garbage, 10.0.0.1:1",
			"203.0.113.7, 198.51.100.2, 2001:db8::1, 192.0.2.60, 10.0.0.1",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tango.NormalizeForwardedFor(tc.in)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, got, tango.NormalizeForwardedFor(got), "idempotent")
		})
	}
}

func TestNormalizeForwardedForManyEntries(t *testing.T) {
	in := strings.Repeat("198.51.100.9:1234, ", 1000) + "junk"
	got := tango.NormalizeForwardedFor(in)
	entries := strings.Split(got, ", ")
	assert.Len(t, entries, 1000)
	for _, e := range entries {
		assert.Equal(t, "198.51.100.9", e)
	}
}

func FuzzNormalizeForwardedFor(f *testing.F) {
	for _, seed := range []string{
		"", "203.0.113.7", "203.0.113.7:8080", "[2001:db8::1]:443", "fe80::1%eth0", "[fe80::1%25eth0]:80",
		`for="[2001:db8:cafe::17]:4711"`, "for=192.0.2.60, unknown, _hidden", " , ,", "::ffff:192.0.2.1",
		"1.2.3.4, 5.6.7.8:9, [::1]", `"for=1.2.3.4"`, "for=\"\"", "[]", "[:]:0", "%", "\x00,\xff",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := tango.NormalizeForwardedFor(in)
		if out == "" {
			return
		}
		for _, e := range strings.Split(out, ", ") {
			addr, err := netip.ParseAddr(e)
			if err != nil {
				t.Fatalf("NormalizeForwardedFor(%q) = %q: entry %q is not an IP address: %v", in, out, e, err)
			}
			if addr.Zone() != "" {
				t.Fatalf("NormalizeForwardedFor(%q) = %q: entry %q keeps a zone", in, out, e)
			}
			if addr.String() != e {
				t.Fatalf("NormalizeForwardedFor(%q) = %q: entry %q is not in canonical form", in, out, e)
			}
		}
		if again := tango.NormalizeForwardedFor(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}

func BenchmarkNormalizeForwardedFor(b *testing.B) {
	const in = "203.0.113.7:8080, [2001:db8::1]:443, for=192.0.2.60, unknown"
	b.ReportAllocs()
	for b.Loop() {
		_ = tango.NormalizeForwardedFor(in)
	}
}
