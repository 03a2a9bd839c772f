package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tango-sdk/tango-go/tangotest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// all is everything the run printed.
func (r result) all() string { return r.stdout + r.stderr }

// runIn runs the command in-process with only the given environment.
func runIn(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	assertNothingSecret(t, r.all())
	return r
}

// neverPrinted are planted secrets, the fake's generated credentials and the
// recipient data tests use: no output may contain them.
var neverPrinted = []string{"sk-PLANTED", "ttkey-", "ttsecret-", "ada@example.com", "not-an-address"}

// assertNothingSecret fails the test if out holds a secret or contact data.
func assertNothingSecret(t *testing.T, out string) {
	t.Helper()
	for _, s := range neverPrinted {
		assert.NotContains(t, out, s)
	}
}

// remote is a tangotest fake the test controls, with the environment that points
// the command at it (as a custom environment, with Basic credentials whose key sits
// in a file).
type remote struct {
	srv *tangotest.Server
	env map[string]string
}

const plantedKey = "sk-PLANTED-cli-platform-key-5150"

func newRemote(t *testing.T, opts ...tangotest.Option) *remote {
	t.Helper()
	srv := tangotest.NewServer(append([]tangotest.Option{tangotest.WithCredentials("", plantedKey, "", "")}, opts...)...)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, srv.CACertPEM(), 0o600))
	keyFile := filepath.Join(dir, "key")
	require.NoError(t, os.WriteFile(keyFile, []byte(plantedKey+"\n"), 0o600))
	return &remote{srv: srv, env: map[string]string{
		"TANGO_API_URL":           srv.Environment().APIBaseURL,
		"TANGO_CA_FILE":           ca,
		"TANGO_PLATFORM_NAME":     srv.PlatformName(),
		"TANGO_PLATFORM_KEY_FILE": keyFile,
		"TANGO_CUSTOMER":          tangotest.DemoCustomer,
		"TANGO_ACCOUNT":           tangotest.DemoAccount,
	}}
}

// with returns the remote's environment with changes ("" deletes).
func (r *remote) with(kv ...string) map[string]string {
	env := map[string]string{}
	for k, v := range r.env {
		env[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(env, kv[i])
		} else {
			env[kv[i]] = kv[i+1]
		}
	}
	return env
}

func TestHelpAndUsageErrors(t *testing.T) {
	help := runIn(t, nil, "help")
	assert.Equal(t, exitOK, help.code)
	for _, want := range []string{"doctor", "catalog", "accounts", "order create", "order get", "orders list",
		"Exit codes:", "0  success", "1  failure", "2  usage error", "3  Tango refused", "4  outcome unknown", "5  doctor",
		"TANGO_CLIENT_SECRET_FILE", "TANGO_PLATFORM_KEY_FILE", "in-process"} {
		assert.Contains(t, help.stdout, want)
	}
	assert.Equal(t, help.stdout, runIn(t, nil, "--help").stdout)

	cmdHelp := runIn(t, nil, "doctor", "--help")
	assert.Equal(t, exitOK, cmdHelp.code)
	assert.Contains(t, cmdHelp.stderr, "--behind-proxy")
	assert.Contains(t, cmdHelp.stderr, "Exit codes:")

	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"order"},
		{"order", "delete", "RA1"},
		{"doctor", "--no-such-flag"},
		{"doctor", "extra"},
		{"catalog", "--timeout", "0s"},
		{"accounts", "--max-attempts", "-1"},
		{"accounts", "--rate", "-1"},
		{"order", "get"},
		{"order", "get", "RA1", "RA2"},
		{"order", "create", "--amount", "10.00"},
		{"order", "create", "--utid", "U561593", "--amount", "ten"},
		{"orders", "list", "--start", "yesterday"},
		// A secret is never taken from the command line.
		{"accounts", "--platform-key", "sk-PLANTED-on-the-command-line"},
		{"accounts", "--client-secret", "sk-PLANTED-on-the-command-line"},
	} {
		r := runIn(t, nil, args...)
		assert.Equal(t, exitUsage, r.code, "args %q: %s", args, r.all())
		assert.NotContains(t, r.all(), "sk-PLANTED")
	}
}

func TestConfigurationErrors(t *testing.T) {
	rm := newRemote(t)
	for name, env := range map[string]map[string]string{
		"production without credentials": {"TANGO_ENVIRONMENT": "production"},
		"api url without credentials":    {"TANGO_API_URL": "https://127.0.0.1:1/raas/v2"},
		"unknown environment":            {"TANGO_PLATFORM_NAME": "p", "TANGO_PLATFORM_KEY": "k", "TANGO_ENVIRONMENT": "staging"},
		"half a basic pair":              {"TANGO_PLATFORM_NAME": "p"},
		"half an oauth pair":             {"TANGO_CLIENT_ID": "id"},
		"key and key file":               rm.with("TANGO_PLATFORM_KEY", "sk-PLANTED-both"),
		"missing key file":               rm.with("TANGO_PLATFORM_KEY_FILE", filepath.Join(t.TempDir(), "nope")),
		"env and api url":                rm.with("TANGO_ENVIRONMENT", "sandbox"),
		"token url alone":                {"TANGO_PLATFORM_NAME": "p", "TANGO_PLATFORM_KEY": "k", "TANGO_TOKEN_URL": "https://127.0.0.1:1/oauth/token"},
		"ca file that is not PEM":        rm.with("TANGO_CA_FILE", rm.env["TANGO_PLATFORM_KEY_FILE"]),
		"plain http to another host":     rm.with("TANGO_API_URL", "http://tango.example/raas/v2"),
	} {
		t.Run(name, func(t *testing.T) {
			r := runIn(t, env, "accounts")
			assert.Equal(t, exitUsage, r.code, r.all())
			assert.NotContains(t, r.all(), "sk-PLANTED")
			assert.Zero(t, rm.srv.RequestCount("GET", tangotest.APIPrefix+"/accounts"))
		})
	}
}

func TestFakeModeSaysSo(t *testing.T) {
	r := runIn(t, nil, "doctor")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "no TANGO_* credentials set: using a tangotest fake server in-process at https://127.0.0.1:")
	assert.Contains(t, r.stderr, "nothing reaches Tango")
	assert.Contains(t, r.stdout, "[PASS] read")
	assert.Contains(t, r.stdout, "[SKIP] proxy")

	r = runIn(t, nil, "doctor", "--behind-proxy", "--json")
	require.Equal(t, exitOK, r.code, r.all())
	var d struct {
		Environment string
		Checks      []struct{ Name, Status string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &d), r.stdout)
	assert.Equal(t, "tangotest", d.Environment)
	require.Len(t, d.Checks, 9)
	assert.Equal(t, "proxy", d.Checks[7].Name)
	assert.Equal(t, "pass", d.Checks[7].Status)
}

func TestCatalogAndAccounts(t *testing.T) {
	r := runIn(t, nil, "catalog")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Regexp(t, `U154092 +Example Cinema Gift Card \$10\.00 +Example Cinema +USD +10\.00 +active`, r.stdout)
	assert.Regexp(t, `U561593 +Reward Link .* 0\.01-2000\.00`, r.stdout)

	r = runIn(t, nil, "catalog", "--utid", tangotest.UTIDEuro, "--json")
	require.Equal(t, exitOK, r.code, r.all())
	var items []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	require.Len(t, items, 1)
	assert.Equal(t, "EUR", items[0]["currencyCode"])
	assert.Equal(t, 5.0, items[0]["minValue"])

	r = runIn(t, nil, "catalog", "--utid", "U999999")
	assert.Equal(t, exitAPI, r.code, r.all())
	assert.Contains(t, r.stderr, "no such item")

	r = runIn(t, nil, "accounts")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Regexp(t, `demo-account +A\d{8} +demo-account +1000\.00 +USD +ACTIVE`, r.stdout)

	r = runIn(t, nil, "accounts", "--json")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, `"currentBalance": 1000.00`, "balances print exactly")
}

func TestOrderCreateGetList(t *testing.T) {
	rm := newRemote(t)
	r := runIn(t, rm.env, "order", "create", "--utid", tangotest.UTIDFixedValue, "--amount", "10.00",
		"--email", "ada@example.com", "--first-name", "Ada", "--external-ref-id", "cli-order-1", "--json")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "externalRefID cli-order-1")
	var created orderView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &created), r.stdout)
	assert.Equal(t, "COMPLETE", created.Status)
	assert.Equal(t, "cli-order-1", created.ExternalRefID)
	assert.Equal(t, "10.00", created.Amount.String())
	assert.Equal(t, 2, created.RewardCredentials, "a card number and a PIN, counted but not shown")
	assert.False(t, created.Replayed)

	// The same externalRefID again: Tango's stored order, no second one.
	r = runIn(t, rm.env, "order", "create", "--utid", tangotest.UTIDFixedValue, "--amount", "10.00",
		"--email", "ada@example.com", "--first-name", "Ada", "--external-ref-id", "cli-order-1")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, "already existed for this externalRefID")
	assert.Equal(t, 1, countOrders(t, rm))

	r = runIn(t, rm.env, "order", "get", created.ReferenceOrderID)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Regexp(t, `order +`+created.ReferenceOrderID, r.stdout)
	assert.Contains(t, r.stdout, "credentials    2, not shown")

	r = runIn(t, rm.env, "orders", "list", "--external-ref-id", "cli-order-1", "--start", time.Now().Add(-24*time.Hour).Format(time.DateOnly), "--json")
	require.Equal(t, exitOK, r.code, r.all())
	var list orderListView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	require.Len(t, list.Orders, 1)
	assert.Equal(t, created.ReferenceOrderID, list.Orders[0].ReferenceOrderID)

	r = runIn(t, rm.env, "orders", "list")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, created.ReferenceOrderID)
	assert.Contains(t, r.stdout, "page 0: 1 of 1 orders")

	r = runIn(t, rm.env, "order", "get", "RA000000-0000-00")
	assert.Equal(t, exitAPI, r.code, r.all())
	assert.Contains(t, r.stderr, "404")
}

// countOrders counts the orders the fake holds for the demo account.
func countOrders(t *testing.T, rm *remote) int {
	t.Helper()
	r := runIn(t, rm.env, "orders", "list", "--account", tangotest.DemoAccount, "--json")
	require.Equal(t, exitOK, r.code, r.all())
	var list orderListView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	return len(list.Orders)
}

func TestOrderOutcomeUnknownThenSettled(t *testing.T) {
	rm := newRemote(t)
	// The order is placed but the answer is lost, and the lookup by externalRefID
	// fails too: nobody can tell whether it exists.
	rm.srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
	rm.srv.Inject(tangotest.Fault{Method: "GET", Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionReset()})
	args := []string{"order", "create", "--utid", tangotest.UTIDRewardLink, "--amount", "5.00", "--delivery", "none", "--max-attempts", "1"}
	r := runIn(t, rm.env, args...)
	require.Equal(t, exitOutcomeUnknown, r.code, r.all())
	ref := extractRef(t, r.stderr)
	assert.Contains(t, r.stderr, "outcome unknown")
	assert.Contains(t, r.stderr, "--external-ref-id "+ref)
	assert.Empty(t, r.stdout)

	// Running it again with the printed externalRefID settles it: one order.
	r = runIn(t, rm.env, append(args, "--external-ref-id", ref)...)
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, "already existed for this externalRefID")
	assert.Equal(t, 1, countOrders(t, rm))
}

// extractRef finds the externalRefID the command announced on stderr.
func extractRef(t *testing.T, stderr string) string {
	t.Helper()
	_, rest, ok := strings.Cut(stderr, "tango: externalRefID ")
	require.True(t, ok, stderr)
	ref, _, _ := strings.Cut(rest, " ")
	require.NotEmpty(t, ref)
	return ref
}

func TestOrderCreateRefusals(t *testing.T) {
	rm := newRemote(t)
	// Invalid input is refused before sending: exit 2, nothing reached the fake.
	r := runIn(t, rm.env, "order", "create", "--utid", tangotest.UTIDRewardLink, "--amount", "5.00",
		"--email", "not-an-address", "--first-name", "Ada")
	assert.Equal(t, exitUsage, r.code, r.all())
	assert.NotContains(t, r.all(), "not-an-address")
	assert.Zero(t, rm.srv.RequestCount("POST", tangotest.PathOrders))

	// Tango's refusal (insufficient funds) is an API error: exit 3.
	r = runIn(t, rm.with("TANGO_ACCOUNT", tangotest.SecondAccount), "order", "create", "--utid", tangotest.UTIDRewardLink, "--amount", "500.00", "--delivery", "NONE")
	assert.Equal(t, exitAPI, r.code, r.all())
	assert.Contains(t, r.stderr, "402.001")

	// Missing customer and account.
	r = runIn(t, rm.with("TANGO_CUSTOMER", "", "TANGO_ACCOUNT", ""), "order", "create", "--utid", tangotest.UTIDRewardLink, "--amount", "5.00")
	assert.Equal(t, exitUsage, r.code, r.all())
	assert.Contains(t, r.stderr, "--customer and --account")
}

func TestAPIErrorsAndDoctorFailures(t *testing.T) {
	rm := newRemote(t)
	wrong := rm.with("TANGO_PLATFORM_KEY_FILE", "", "TANGO_PLATFORM_KEY", "sk-PLANTED-wrong-key-77")

	r := runIn(t, wrong, "accounts")
	assert.Equal(t, exitAPI, r.code, r.all())
	assert.Contains(t, r.stderr, "401")

	r = runIn(t, wrong, "doctor")
	assert.Equal(t, exitDoctorFailed, r.code, r.all())
	assert.Contains(t, r.stdout, "[FAIL] read")
	assert.Contains(t, r.stdout, "[FAIL] environment")

	gw := newRemote(t, tangotest.WithForwardingGateway())
	r = runIn(t, gw.env, "accounts")
	assert.Equal(t, exitAPI, r.code, r.all())
	assert.Contains(t, r.stderr, "tango doctor --behind-proxy")

	r = runIn(t, gw.env, "doctor", "--behind-proxy")
	assert.Equal(t, exitDoctorFailed, r.code, r.all())
	assert.Regexp(t, `\[FAIL\] proxy +403 for both`, r.stdout)

	// OAuth 2.0 with the secret in a file, against the fake's token endpoint.
	secretFile := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secretFile, []byte(rm.srv.ClientSecret()), 0o600))
	oauth := rm.with("TANGO_CLIENT_ID", rm.srv.ClientID(), "TANGO_CLIENT_SECRET_FILE", secretFile, "TANGO_TOKEN_URL", rm.srv.Environment().TokenURL)
	r = runIn(t, oauth, "doctor", "--json")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, `"source": "endpoint"`)
}
