package tango

// Webhooks: subscriptions expire (expiresAt); one that lapses stops receiving
// events without any error on the caller's side. The doctor lists them and warns
// ahead of time.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tango-sdk/tango-go/doctor"
)

// maxDoctorWebhooks bounds how many subscriptions the doctor reads.
const maxDoctorWebhooks = 1000

// checkWebhooks reads the subscriptions and warns about those that expire within
// doctor.WebhookExpiryWarning (or have expired).
func (dr *checkup) checkWebhooks(ctx context.Context) doctor.Check {
	if dr.status(doctor.CheckRead) != doctor.Passed {
		return skipped(doctor.CheckWebhooks, "not run: the authenticated read did not pass (see read)")
	}
	now := dr.c.clock.Now()
	var total int
	var soon []string
	for w, err := range dr.c.webhooksService().All(ctx, &ListWebhooksParams{CursorParams: CursorParams{MaxResults: MaxCursorPageSize}}) {
		if err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) && (apiErr.StatusCode == 403 || apiErr.StatusCode == 404) {
				return skipped(doctor.CheckWebhooks, fmt.Sprintf("not run: GET /webhooks answered %d (webhooks may not be enabled for this platform)", apiErr.StatusCode))
			}
			return skipped(doctor.CheckWebhooks, "not run: listing the webhook subscriptions failed: "+err.Error())
		}
		total++
		if left, ok := w.ExpiresIn(now); ok && left < doctor.WebhookExpiryWarning {
			what := fmt.Sprintf("%s (%s) expires %s, in %.1f days", w.WebhookID, redactURL(w.URL), w.ExpiresAt.UTC().Format(time.RFC3339), left.Hours()/24)
			if left <= 0 {
				what = fmt.Sprintf("%s (%s) expired %s", w.WebhookID, redactURL(w.URL), w.ExpiresAt.UTC().Format(time.RFC3339))
			}
			soon = append(soon, what)
		}
		if total >= maxDoctorWebhooks {
			break
		}
	}
	if len(soon) > 0 {
		return warned(fmt.Sprintf("%d of %d webhook subscriptions expire within %d days or have expired", len(soon), total, int(doctor.WebhookExpiryWarning.Hours()/24)),
			"Renew each one (Client.Webhooks.Renew, POST /webhooks/{webhookId}/renew) before it expires, or events stop arriving without any error on your side.",
			soon...)
	}
	if total == 0 {
		return passed("no webhook subscriptions")
	}
	return passed(fmt.Sprintf("%d webhook subscriptions, none expires within %d days", total, int(doctor.WebhookExpiryWarning.Hours()/24)))
}
