package doctor

import (
	"fmt"
	"strings"
	"time"
)

// Diagnosis is the report of Client.Diagnose: the checks in the order they ran,
// plus the facts scripts may want as values. It prints as text (String) and
// marshals as JSON. It never holds a secret: no key, client secret or token, and
// no recipient data.
type Diagnosis struct {
	// Environment names the environment ("sandbox", "production", ...).
	Environment string `json:"environment"`
	// APIBaseURL and TokenURL are where the client sends its calls.
	APIBaseURL string `json:"apiBaseURL"`
	TokenURL   string `json:"tokenURL,omitempty"`
	// Auth names the kind of credentials ("BasicAuth", "OAuth2", ...), not them.
	Auth string `json:"auth"`
	// Started is when the diagnosis began; ElapsedMillis how long it took.
	Started       time.Time `json:"started"`
	ElapsedMillis int64     `json:"elapsedMillis"`
	// Checks lists every check, in the order they ran.
	Checks []Check `json:"checks"`
	// TLS describes the API host's TLS session, when one was made.
	TLS *TLSReport `json:"tls,omitempty"`
	// Token describes the OAuth 2.0 token, when one was obtained.
	Token *TokenReport `json:"token,omitempty"`
	// ClockSkewSeconds is the server's clock minus this machine's, when measured.
	ClockSkewSeconds *int64 `json:"clockSkewSeconds,omitempty"`
}

// Lookup returns the check with the given name.
func (d *Diagnosis) Lookup(name CheckName) (Check, bool) {
	for _, ch := range d.Checks {
		if ch.Name == name {
			return ch, true
		}
	}
	return Check{}, false
}

// OK reports whether no check failed. Warnings do not count.
func (d *Diagnosis) OK() bool {
	for _, ch := range d.Checks {
		if ch.Status == Failed {
			return false
		}
	}
	return true
}

// Count returns how many checks ended with status s.
func (d *Diagnosis) Count(s Status) int {
	n := 0
	for _, ch := range d.Checks {
		if ch.Status == s {
			n++
		}
	}
	return n
}

// String renders the report as text for a terminal: a header, one line per check
// with its fix and details indented below, and a tally.
func (d *Diagnosis) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tango connection diagnosis: environment %s, API %s", d.Environment, d.APIBaseURL)
	if d.TokenURL != "" {
		fmt.Fprintf(&b, ", token endpoint %s", d.TokenURL)
	}
	fmt.Fprintf(&b, ", auth %s\n", d.Auth)
	for _, ch := range d.Checks {
		fmt.Fprintf(&b, "%-6s %-12s %s\n", "["+strings.ToUpper(string(ch.Status))+"]", ch.Name, ch.Summary)
		if ch.Fix != "" {
			fmt.Fprintf(&b, "%20s fix: %s\n", "", ch.Fix)
		}
		for _, l := range ch.Details {
			fmt.Fprintf(&b, "%20s - %s\n", "", l)
		}
	}
	fmt.Fprintf(&b, "Result: %d passed, %d warnings, %d failed, %d skipped\n",
		d.Count(Passed), d.Count(Warning), d.Count(Failed), d.Count(Skipped))
	return b.String()
}
