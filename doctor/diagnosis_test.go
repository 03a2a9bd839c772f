package doctor_test

import (
	"encoding/json"
	"go/build"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/doctor"
)

// report builds a Diagnosis with the given verdicts, one check per verdict, named
// in the order Client.Diagnose runs them.
func report(statuses ...doctor.Status) *doctor.Diagnosis {
	names := []doctor.CheckName{doctor.CheckDNS, doctor.CheckTCP, doctor.CheckTLS, doctor.CheckClock,
		doctor.CheckToken, doctor.CheckRead, doctor.CheckEnvironment, doctor.CheckProxy, doctor.CheckWebhooks}
	d := &doctor.Diagnosis{Environment: "sandbox", APIBaseURL: "https://integration-api.tangocard.com/raas/v2", Auth: "BasicAuth"}
	for i, s := range statuses {
		d.Checks = append(d.Checks, doctor.Check{Name: names[i], Status: s, Summary: string(names[i]) + " " + string(s)})
	}
	return d
}

func TestDiagnosisVerdicts(t *testing.T) {
	tests := []struct {
		name   string
		d      *doctor.Diagnosis
		ok     bool
		counts map[doctor.Status]int
	}{
		{"no checks", report(), true, map[doctor.Status]int{}},
		{"all passed", report(doctor.Passed, doctor.Passed), true, map[doctor.Status]int{doctor.Passed: 2}},
		{"warnings and skips do not fail", report(doctor.Passed, doctor.Warning, doctor.Skipped), true,
			map[doctor.Status]int{doctor.Passed: 1, doctor.Warning: 1, doctor.Skipped: 1}},
		{"one failure fails", report(doctor.Passed, doctor.Failed, doctor.Skipped, doctor.Failed), false,
			map[doctor.Status]int{doctor.Passed: 1, doctor.Failed: 2, doctor.Skipped: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.ok, tc.d.OK())
			for _, s := range []doctor.Status{doctor.Passed, doctor.Skipped, doctor.Warning, doctor.Failed} {
				assert.Equal(t, tc.counts[s], tc.d.Count(s), "count of %s", s)
			}
		})
	}
}

func TestDiagnosisLookup(t *testing.T) {
	d := report(doctor.Passed, doctor.Failed)
	ch, ok := d.Lookup(doctor.CheckTCP)
	require.True(t, ok)
	assert.Equal(t, doctor.Failed, ch.Status)
	assert.Equal(t, "tcp fail", ch.Summary)
	ch, ok = d.Lookup(doctor.CheckWebhooks)
	assert.False(t, ok)
	assert.Zero(t, ch)
}

func TestDiagnosisString(t *testing.T) {
	tests := []struct {
		name string
		d    *doctor.Diagnosis
		want string
	}{
		{
			name: "basic auth: no token endpoint in the header",
			d: &doctor.Diagnosis{Environment: "sandbox", APIBaseURL: "https://api.example/raas/v2", Auth: "BasicAuth",
				Checks: []doctor.Check{
					{Name: doctor.CheckDNS, Status: doctor.Passed, Summary: "resolves"},
					{Name: doctor.CheckClock, Status: doctor.Warning, Summary: "3m ahead", Fix: "enable NTP", Details: []string{"skew 3m0s", "Date: x"}},
					{Name: doctor.CheckToken, Status: doctor.Skipped, Summary: "not run"},
				}},
			want: "Tango connection diagnosis: environment sandbox, API https://api.example/raas/v2, auth BasicAuth\n" +
				"[PASS] dns          resolves\n" +
				"[WARN] clock        3m ahead\n" +
				"                     fix: enable NTP\n" +
				"                     - skew 3m0s\n" +
				"                     - Date: x\n" +
				"[SKIP] token        not run\n" +
				"Result: 1 passed, 1 warnings, 0 failed, 1 skipped\n",
		},
		{
			name: "oauth2: the token endpoint is named",
			d: &doctor.Diagnosis{Environment: "production", APIBaseURL: "https://api.example/raas/v2", TokenURL: "https://auth.example/oauth/token", Auth: "OAuth2",
				Checks: []doctor.Check{{Name: doctor.CheckRead, Status: doctor.Failed, Summary: "401", Fix: "check the key"}}},
			want: "Tango connection diagnosis: environment production, API https://api.example/raas/v2, token endpoint https://auth.example/oauth/token, auth OAuth2\n" +
				"[FAIL] read         401\n" +
				"                     fix: check the key\n" +
				"Result: 0 passed, 0 warnings, 1 failed, 0 skipped\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.d.String())
		})
	}
}

// TestDiagnosisJSON: the JSON keys are what `tango doctor --json` prints for
// scripts, and a report survives a round trip.
func TestDiagnosisJSON(t *testing.T) {
	skew := int64(-3)
	started := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	d := &doctor.Diagnosis{
		Environment: "sandbox", APIBaseURL: "https://api.example/raas/v2", TokenURL: "https://auth.example/oauth/token", Auth: "OAuth2",
		Started: started, ElapsedMillis: 42,
		Checks: []doctor.Check{{Name: doctor.CheckTLS, Status: doctor.Warning, Summary: "expires soon", Fix: "renew", Details: []string{"certificate 0"}}},
		TLS: &doctor.TLSReport{Version: "TLS 1.3", Verified: true, Root: "CN=root", AmazonRoot: true,
			Chain: []doctor.CertificateReport{{Subject: "CN=leaf", Issuer: "CN=root", NotAfter: started.Add(240 * time.Hour), DaysLeft: 10, SHA256: "ab12"}}},
		Token:            &doctor.TokenReport{Source: "cache", LifetimeSeconds: 86400, RemainingSeconds: 600, Expiry: started.Add(10 * time.Minute)},
		ClockSkewSeconds: &skew,
	}
	js, err := json.Marshal(d)
	require.NoError(t, err)
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(js, &keys))
	for _, k := range []string{"environment", "apiBaseURL", "tokenURL", "auth", "started", "elapsedMillis", "checks", "tls", "token", "clockSkewSeconds"} {
		assert.Contains(t, keys, k)
	}
	for _, want := range []string{`"name":"tls"`, `"status":"warn"`, `"daysLeft":10`, `"amazonRoot":true`, `"remainingSeconds":600`, `"sha256":"ab12"`} {
		assert.Contains(t, string(js), want)
	}
	var back doctor.Diagnosis
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, d, &back)

	// Optional parts are left out when absent.
	js, err = json.Marshal(report(doctor.Passed))
	require.NoError(t, err)
	for _, k := range []string{"tokenURL", "tls", "token", "clockSkewSeconds", "fix", "details"} {
		assert.NotContains(t, string(js), `"`+k+`"`)
	}
}

func TestOptions(t *testing.T) {
	var cfg doctor.Config
	assert.False(t, cfg.BehindProxy, "the X-Forwarded-For pair is off by default")
	require.NoError(t, doctor.BehindProxy()(&cfg))
	assert.True(t, cfg.BehindProxy)
}

// TestPackageIsALeaf: doctor is the vocabulary only and must not import the SDK
// (the engine lives in package tango, which imports doctor; the reverse would be
// a cycle, and a back door into the client's internals).
func TestPackageIsALeaf(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	require.NoError(t, err)
	require.NotEmpty(t, pkg.GoFiles)
	for _, imp := range pkg.Imports {
		assert.False(t, strings.HasPrefix(imp, "github.com/"), "doctor imports %s", imp)
	}
}
