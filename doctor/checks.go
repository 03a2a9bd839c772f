package doctor

import "time"

// CheckName names one check of a Diagnosis.
type CheckName string

// The checks Client.Diagnose runs, in the order it runs them.
const (
	// CheckDNS resolves the API host (and the token host, for OAuth2).
	CheckDNS CheckName = "dns"
	// CheckTCP opens a TCP connection to each host (or to the HTTPS proxy).
	CheckTCP CheckName = "tcp"
	// CheckTLS inspects the API host's TLS: protocol version, the certificate
	// chain, the pinned root it ends in, days until each certificate expires.
	CheckTLS CheckName = "tls"
	// CheckClock compares this machine's clock with the server's Date header.
	CheckClock CheckName = "clock"
	// CheckToken obtains an OAuth 2.0 token (or reports the cached one): its
	// lifetime and time left, never the token itself. Skipped for HTTP Basic.
	CheckToken CheckName = "token"
	// CheckRead makes a cheap authenticated read (GET /accounts) and explains a
	// 401 or 403.
	CheckRead CheckName = "read"
	// CheckEnvironment tells whether the credentials belong to the environment
	// the client talks to (sandbox credentials against production, and the
	// reverse, look like 401s).
	CheckEnvironment CheckName = "environment"
	// CheckProxy sends the X-Forwarded-For test pair (ip:port, then ip alone),
	// only when asked with BehindProxy.
	CheckProxy CheckName = "proxy"
	// CheckWebhooks lists the webhook subscriptions and warns about those that
	// expire within WebhookExpiryWarning (14 days) or have expired.
	CheckWebhooks CheckName = "webhooks"
)

// WebhookExpiryWarning is how far ahead of a webhook subscription's expiry the
// CheckWebhooks check warns: a subscription that lapses stops receiving events
// without any error on the caller's side, so renewal must come first.
const WebhookExpiryWarning = 14 * 24 * time.Hour

// Status is the verdict of one check.
type Status string

// Verdicts, from best to worst; a skipped check did not apply or could not run.
const (
	// Passed: the check found nothing wrong.
	Passed Status = "pass"
	// Skipped: the check did not apply, or a check it depends on failed; its
	// Summary says which.
	Skipped Status = "skip"
	// Warning: calls work for now, but something needs attention (see Fix).
	Warning Status = "warn"
	// Failed: calls cannot work until this is fixed (see Fix).
	Failed Status = "fail"
)

// Check is the outcome of one step of a Diagnosis.
type Check struct {
	// Name says which check this is.
	Name CheckName `json:"name"`
	// Status is pass, warn, fail or skip.
	Status Status `json:"status"`
	// Summary explains the outcome in one line.
	Summary string `json:"summary"`
	// Fix says what to do about a warning or a failure.
	Fix string `json:"fix,omitempty"`
	// Details lists supporting facts (addresses, certificates, request ids).
	Details []string `json:"details,omitempty"`
}
