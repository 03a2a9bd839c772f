package tango

// Environment names a Tango deployment: where the API and the token endpoint live.
// Use Sandbox or Production, or build one for a fake server or an egress gateway.
// The zero Environment is refused by NewClient, so a client never reaches production
// by accident.
type Environment struct {
	// Name labels the environment in errors and logs ("sandbox").
	Name string
	// APIBaseURL is the RaaS v2 root, such as https://api.tangocard.com/raas/v2.
	APIBaseURL string
	// TokenURL is the OAuth 2.0 token endpoint; only OAuth2 needs it.
	TokenURL string
}

// Sandbox is Tango's integration environment, for development and tests.
var Sandbox = Environment{
	Name:       "sandbox",
	APIBaseURL: "https://integration-api.tangocard.com/raas/v2",
	TokenURL:   "https://sandbox-auth.tangocard.com/oauth/token",
}

// Production is Tango's live environment: real money.
var Production = Environment{
	Name:       "production",
	APIBaseURL: "https://api.tangocard.com/raas/v2",
	TokenURL:   "https://auth.tangocard.com/oauth/token",
}

// String returns the environment's name and API URL.
func (e Environment) String() string { return e.Name + " (" + e.APIBaseURL + ")" }
