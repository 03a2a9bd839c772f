package tangotest

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tango "github.com/tango-sdk/tango-go"
)

// operation is one RaaS API operation: an HTTP method and a path under /raas/v2,
// with the SDK methods ("Service.Method", named after the Client field) that call it.
type operation struct {
	method string
	path   string
	sdk    []string
}

// operations is the one list of the API operations the SDK covers. Adding an
// endpoint means a row here, a method on its service, a route in the fake and a row
// in the README's endpoint table; TestOperationsAgree fails until all four agree.
func operations() []operation {
	const (
		lowBalance = "/customers/{c}/accounts/{a}/lowbalance"
		asyncOrder = "/asyncOrders/customers/{c}/accounts/{a}/{externalRefID}"
	)
	return []operation{
		{"POST", "/orders", []string{"Orders.Create", "Orders.Batch"}},
		{"GET", "/orders", []string{"Orders.List", "Orders.All"}},
		{"GET", "/orders/{referenceOrderID}", []string{"Orders.Get", "Orders.Wait"}},
		{"POST", "/orders/{referenceOrderID}/resends", []string{"Orders.Resend"}},

		{"POST", "/asyncOrders", []string{"AsyncOrders.Create"}},
		{"GET", "/asyncOrders", []string{"AsyncOrders.List"}},
		{"GET", asyncOrder, []string{"AsyncOrders.Get", "AsyncOrders.Wait"}},
		{"PATCH", asyncOrder, []string{"AsyncOrders.Update"}},
		{"GET", asyncOrder + "/lineItems", []string{"AsyncOrders.LineItems"}},
		{"PATCH", "/asyncOrders/lineItems/{id}", []string{"AsyncOrders.UpdateLineItem"}},
		{"GET", "/asyncOrders/reasonCodes", []string{"AsyncOrders.ReasonCodes"}},

		{"POST", "/customers", []string{"Customers.Create"}},
		{"GET", "/customers", []string{"Customers.List", "Customers.All"}},
		{"GET", "/customers/{c}", []string{"Customers.Get"}},
		{"GET", "/customers/{c}/accounts", []string{"Customers.ListAccounts", "Customers.AllAccounts"}},
		{"POST", "/customers/{c}/accounts", []string{"Customers.CreateAccount"}},

		{"PATCH", "/customers/{c}/accounts/{a}", []string{"Accounts.Update"}},
		{"GET", "/accounts", []string{"Accounts.List", "Accounts.All"}},
		{"GET", "/accounts/{a}", []string{"Accounts.Get"}},

		{"POST", lowBalance, []string{"LowBalanceAlerts.Create"}},
		{"GET", lowBalance, []string{"LowBalanceAlerts.List", "LowBalanceAlerts.All"}},
		{"GET", lowBalance + "/{balanceAlertID}", []string{"LowBalanceAlerts.Get"}},
		{"PATCH", lowBalance + "/{balanceAlertID}", []string{"LowBalanceAlerts.Update"}},
		{"DELETE", lowBalance + "/{balanceAlertID}", []string{"LowBalanceAlerts.Delete"}},

		{"GET", "/catalogs", []string{"Catalog.Get", "Catalog.FindItem"}},
		{"GET", "/choiceProducts/{utid}/catalog", []string{"Catalog.ChoiceProductCatalog"}},

		{"GET", "/choiceProducts", []string{"Reference.ChoiceProducts"}},
		{"GET", "/choiceProducts/{utid}", []string{"Reference.ChoiceProduct"}},
		{"GET", "/brandCategories", []string{"Reference.BrandCategories"}},
		{"GET", "/rewardCountries", []string{"Reference.RewardCountries", "Reference.AllRewardCountries"}},
		{"GET", "/mobileCountries", []string{"Reference.MobileCountries"}},
		{"GET", "/credentialtypes", []string{"Reference.CredentialTypes"}},
		{"GET", "/exchangerates", []string{"Reference.ExchangeRates", "Reference.AllExchangeRates"}},

		{"POST", "/creditCards", []string{"Funding.RegisterCreditCard"}},
		{"GET", "/creditCards", []string{"Funding.ListCreditCards", "Funding.AllCreditCards"}},
		{"GET", "/creditCards/{token}", []string{"Funding.GetCreditCard"}},
		{"POST", "/creditCardDeposits", []string{"Funding.Deposit"}},
		{"GET", "/creditCardDeposits/{id}", []string{"Funding.GetDeposit"}},
		{"POST", "/creditCardUnregisters", []string{"Funding.UnregisterCreditCard"}},
		{"POST", "/transferFunds", []string{"Funding.Transfer"}},

		{"GET", "/lineItems", []string{"LineItems.List", "LineItems.All"}},
		{"GET", "/lineItems/{id}", []string{"LineItems.Get"}},
		{"PATCH", "/lineItems/{id}", []string{"LineItems.Update"}},
		{"POST", "/lineItems/{id}/cancel", []string{"LineItems.Cancel"}},
		{"POST", "/lineItems/{id}/freeze", []string{"LineItems.Freeze"}},
		{"POST", "/lineItems/{id}/unfreeze", []string{"LineItems.Unfreeze"}},
		{"POST", "/lineItems/{id}/reissue", []string{"LineItems.Reissue"}},
		{"POST", "/lineItems/{id}/resends", []string{"LineItems.Resend"}},
		{"GET", "/lineItems/{id}/embeddedUrl", []string{"LineItems.EmbeddedURL"}},
		{"GET", "/lineItems/reasonCodes", []string{"LineItems.ReasonCodes"}},

		{"GET", "/digitalTemplates", []string{"Templates.List", "Templates.All"}},
		{"POST", "/digitalTemplates", []string{"Templates.Create"}},
		{"GET", "/digitalTemplates/{etid}", []string{"Templates.Get"}},
		{"PATCH", "/digitalTemplates/{etid}", []string{"Templates.Update"}},
		{"DELETE", "/digitalTemplates/{etid}", []string{"Templates.Delete"}},

		{"POST", "/webhooks", []string{"Webhooks.Create"}},
		{"GET", "/webhooks", []string{"Webhooks.List", "Webhooks.All"}},
		{"GET", "/webhooks/{webhookId}", []string{"Webhooks.Get"}},
		{"PATCH", "/webhooks/{webhookId}", []string{"Webhooks.Update"}},
		{"DELETE", "/webhooks/{webhookId}", []string{"Webhooks.Delete"}},
		{"GET", "/webhooks/eventtypes", []string{"Webhooks.EventTypes", "Webhooks.AllEventTypes"}},
		{"GET", "/webhooks/{webhookId}/events", []string{"Webhooks.Events", "Webhooks.AllEvents"}},
		{"POST", "/webhooks/{webhookId}/replay", []string{"Webhooks.Replay"}},
		{"POST", "/webhooks/{webhookId}/renew", []string{"Webhooks.Renew"}},
		{"POST", "/webhooks/{webhookId}/tests", []string{"Webhooks.TestAll"}},
		{"POST", "/webhooks/{webhookId}/tests/{testName}", []string{"Webhooks.Test"}},
	}
}

// uncovered lists what the fake serves and the SDK leaves out on purpose: the legacy
// /emailTemplates paths (the README's "Not covered" paragraph says so). Each must
// stay a route of the fake and be named in the README's Endpoints section.
func uncovered() []operation {
	const legacy = "/emailTemplates"
	return []operation{
		{"GET", legacy, nil},
		{"POST", legacy, nil},
		{"GET", legacy + "/{etid}", nil},
		{"PATCH", legacy + "/{etid}", nil},
		{"DELETE", legacy + "/{etid}", nil},
	}
}

// placeholder matches a path parameter; parameter names differ between the fake,
// the README and Tango's reference, so keys compare paths with the names erased.
var placeholder = regexp.MustCompile(`\{[^}/]*\}`)

// opKey identifies an operation by method and path, whatever its parameters are called.
func opKey(method, path string) string {
	return method + " " + placeholder.ReplaceAllString(path, "{}")
}

// TestOperationsAgree checks that the operation list, the SDK's service methods,
// tangotest's routes and the README's endpoint table describe the same operations,
// each in both directions: nothing is in one and missing from another.
func TestOperationsAgree(t *testing.T) {
	ops := map[string]operation{}
	for _, op := range operations() {
		k := opKey(op.method, op.path)
		_, dup := ops[k]
		require.False(t, dup, "%s listed twice in operations()", k)
		ops[k] = op
	}
	skipped := map[string]operation{}
	for _, op := range uncovered() {
		k := opKey(op.method, op.path)
		_, dup := ops[k]
		require.False(t, dup, "%s is in both operations() and uncovered()", k)
		skipped[k] = op
	}

	t.Run("sdk", func(t *testing.T) {
		methods := sdkMethods(t)
		listed := map[string]bool{}
		for k, op := range ops {
			require.NotEmpty(t, op.sdk, "%s names no SDK method", k)
			for _, name := range op.sdk {
				listed[name] = true
				assert.True(t, slices.Contains(methods, name), "%s: the SDK has no method %s", k, name)
			}
		}
		for _, name := range methods {
			assert.True(t, listed[name], "the SDK method %s is in no operation of operations()", name)
		}
	})

	t.Run("tangotest", func(t *testing.T) {
		srv := NewServer()
		defer srv.Close()
		routes := map[string]bool{}
		for _, rt := range srv.routes {
			k := opKey(rt.method, rt.pattern)
			routes[k] = true
			_, covered := ops[k]
			_, skip := skipped[k]
			assert.True(t, covered || skip, "tangotest serves %s, which is in neither operations() nor uncovered()", k)
		}
		for k := range ops {
			assert.True(t, routes[k], "tangotest has no route for %s", k)
		}
		for k := range skipped {
			assert.True(t, routes[k], "uncovered() lists %s, which tangotest does not serve", k)
		}
	})

	t.Run("README", func(t *testing.T) {
		rows, section := readmeEndpoints(t)
		for _, op := range skipped {
			root := "/" + strings.Split(op.path, "/")[1] // the README names /emailTemplates once for all its paths
			assert.True(t, strings.Contains(section, "`"+root+"`"), "the README's Endpoints section does not say %s is left out", root)
		}
		for k, names := range rows {
			op, ok := ops[k]
			if !assert.True(t, ok, "the README lists %s, which is in no operation of operations()", k) {
				continue
			}
			assert.ElementsMatch(t, op.sdk, names, "README row %s names other SDK methods than operations()", k)
		}
		for k := range ops {
			_, ok := rows[k]
			assert.True(t, ok, "the README's endpoint table has no row for %s", k)
		}
	})
}

// sdkMethods lists every exported method of the services a tango.Client exposes,
// as "Field.Method".
func sdkMethods(t *testing.T) []string {
	t.Helper()
	var out []string
	ct := reflect.TypeFor[tango.Client]()
	for i := range ct.NumField() {
		f := ct.Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer || !strings.HasSuffix(f.Type.Elem().Name(), "Service") {
			continue
		}
		for j := range f.Type.NumMethod() {
			out = append(out, f.Name+"."+f.Type.Method(j).Name)
		}
	}
	require.NotEmpty(t, out, "no services found on tango.Client")
	slices.Sort(out)
	return out
}

var (
	// readmeRow matches a row of the endpoint table: "| `GET /path` | methods | retried |".
	readmeRow = regexp.MustCompile("^\\| `([A-Z]+) (/[^`]*)` \\| ([^|]*) \\|")
	// readmeMethod matches an SDK method named in a row: `Service.Method`.
	readmeMethod = regexp.MustCompile("`([A-Z][A-Za-z]*)\\.([A-Z][A-Za-z]*)`")
)

// readmeEndpoints reads the README's endpoint table: for each operation's key, the
// SDK methods its row names (scoped forms such as `Funding().Deposit` are not counted).
// It also returns the text of the Endpoints section.
func readmeEndpoints(t *testing.T) (map[string][]string, string) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	text := string(b)
	start := strings.Index(text, "\n## Endpoints\n")
	require.GreaterOrEqual(t, start, 0, "README has no Endpoints section")
	section := text[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	rows := map[string][]string{}
	for line := range strings.SplitSeq(section, "\n") {
		m := readmeRow.FindStringSubmatch(line)
		if m == nil {
			require.False(t, strings.HasPrefix(line, "| `"), "an endpoint row the test cannot read (one method and path per row): %s", line)
			continue
		}
		k := opKey(m[1], m[2])
		_, dup := rows[k]
		require.False(t, dup, "README lists %s twice", k)
		var names []string
		for _, mm := range readmeMethod.FindAllStringSubmatch(m[3], -1) {
			names = append(names, mm[1]+"."+mm[2])
		}
		rows[k] = names
	}
	require.NotEmpty(t, rows, "no rows found in the README's endpoint table")
	return rows, section
}
