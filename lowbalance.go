package tango

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Limits of the low balance alert list (page-based, like GET /orders).
const (
	// MaxLowBalanceAlertsPerPage caps elementsPerBlock on the alert list.
	MaxLowBalanceAlertsPerPage = 100
	// maxAlertNameLength bounds an alert's display name.
	maxAlertNameLength = 100
)

// AlertStatus is the state Tango reports when an alert is deleted.
type AlertStatus string

// Alert statuses Tango documents.
const (
	AlertActive   AlertStatus = "ACTIVE"
	AlertInactive AlertStatus = "INACTIVE"
	AlertDeleted  AlertStatus = "DELETED"
)

// LowBalanceAlert tells the listed addresses when an account's balance falls
// below a threshold (Tango's LowBalanceAlertView). Tango's documentation marks
// these endpoints "coming soon": they may not be enabled for every platform.
//
// Its notification addresses are [Private].
type LowBalanceAlert struct {
	// BalanceAlertID identifies the alert (a UUID).
	BalanceAlertID string `json:"balanceAlertID"`
	// CustomerIdentifier and AccountIdentifier name the watched account.
	CustomerIdentifier string `json:"customerIdentifier,omitempty"`
	AccountIdentifier  string `json:"accountIdentifier,omitempty"`
	// BalanceAlertDisplayName is the alert's name in Tango's portal.
	BalanceAlertDisplayName string `json:"balanceAlertDisplayName,omitempty"`
	// BalanceAlertThreshold is the balance below which the alert fires, exact.
	BalanceAlertThreshold Amount `json:"balanceAlertThreshold"`
	// BalanceAlertNotification lists who is told.
	BalanceAlertNotification []NotificationEmail `json:"balanceAlertNotification,omitempty"`
	// CreatedAt is when the alert was created.
	CreatedAt time.Time `json:"createdAt"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (a *LowBalanceAlert) setRequestID(id string) { a.RequestID = id }

// LogValue presents the alert to slog; see logValueOf.
func (a LowBalanceAlert) LogValue() slog.Value { return logValueOf(a) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (a LowBalanceAlert) Format(f fmt.State, verb rune) { formatValue(f, verb, a) }

// CreateLowBalanceAlertRequest is the body of POST .../lowbalance. Its
// addresses are [Private].
type CreateLowBalanceAlertRequest struct {
	// BalanceAlertDisplayName names the alert in Tango's portal (optional).
	BalanceAlertDisplayName string `json:"balanceAlertDisplayName,omitempty"`
	// BalanceAlertThreshold is the balance below which the alert fires: zero or
	// more, at most 2 decimal places.
	BalanceAlertThreshold Amount `json:"balanceAlertThreshold"`
	// BalanceAlertNotification lists who is told.
	BalanceAlertNotification []NotificationEmail `json:"balanceAlertNotification,omitempty"`
}

// LogValue presents the request to slog; see logValueOf.
func (r CreateLowBalanceAlertRequest) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r CreateLowBalanceAlertRequest) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// UpdateLowBalanceAlertRequest is the body of PATCH .../lowbalance/{id}. Every
// field is optional: a zero field leaves the alert's value alone.
//
// BalanceAlertNotification distinguishes nil from empty, like
// UpdateAccountRequest.FundingNotification: nil keeps the list, a non-nil empty
// slice clears it, a non-empty slice replaces it.
//
// Its addresses are [Private].
type UpdateLowBalanceAlertRequest struct {
	// BalanceAlertDisplayName renames the alert; empty keeps the name.
	BalanceAlertDisplayName string `json:"balanceAlertDisplayName,omitempty"`
	// BalanceAlertThreshold changes the threshold; nil keeps it.
	BalanceAlertThreshold *Amount `json:"balanceAlertThreshold,omitempty"`
	// BalanceAlertNotification replaces (non-empty), clears (empty, non-nil) or
	// keeps (nil) the list of addresses.
	BalanceAlertNotification []NotificationEmail `json:"balanceAlertNotification,omitzero"`
}

// LogValue presents the request to slog; see logValueOf.
func (r UpdateLowBalanceAlertRequest) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r UpdateLowBalanceAlertRequest) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// DeletedLowBalanceAlert is Tango's answer to deleting an alert.
type DeletedLowBalanceAlert struct {
	BalanceAlertID string      `json:"balanceAlertID"`
	Status         AlertStatus `json:"status"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (d *DeletedLowBalanceAlert) setRequestID(id string) { d.RequestID = id }

// ListLowBalanceAlertsParams filters GET .../lowbalance, which pages like
// GET /orders: 0-based Page, ElementsPerBlock up to 100. Zero fields are left out.
type ListLowBalanceAlertsParams struct {
	// BalanceAlertDisplayName matches the alert's name.
	BalanceAlertDisplayName string
	// BalanceAlertThreshold matches the threshold.
	BalanceAlertThreshold *Amount
	// ElementsPerBlock is the page size, at most 100; Page is 0-based.
	ElementsPerBlock int
	Page             int
}

// query encodes the filters with Tango's parameter names.
func (p *ListLowBalanceAlertsParams) query() url.Values {
	q := listQuery{url.Values{}}
	q.str("balanceAlertDisplayName", p.BalanceAlertDisplayName)
	q.amount("balanceAlertThreshold", p.BalanceAlertThreshold)
	if p.ElementsPerBlock > 0 {
		q.Set("elementsPerBlock", strconv.Itoa(p.ElementsPerBlock))
	}
	if p.Page > 0 {
		q.Set("page", strconv.Itoa(p.Page))
	}
	return q.Values
}

// CollectionPage is the page object of the alert list (Tango's
// CollectionPageView). Number is 0-based.
type CollectionPage struct {
	Size          int   `json:"size"`
	TotalElements int64 `json:"totalElements"`
	TotalPages    int   `json:"totalPages"`
	Number        int   `json:"number"`
}

// LowBalanceAlertList is one page of an account's alerts.
type LowBalanceAlertList struct {
	Page             CollectionPage     `json:"page"`
	LowBalanceAlerts []*LowBalanceAlert `json:"lowBalanceAlerts"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// LogValue presents the page to slog; see logValueOf.
func (l LowBalanceAlertList) LogValue() slog.Value { return logValueOf(l) }

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (l *LowBalanceAlertList) setRequestID(id string) { l.RequestID = id }

// alertsPath is the path of an account's alerts, with an optional alert id.
func alertsPath(customer, account, id string) string {
	p := "/customers/" + url.PathEscape(customer) + "/accounts/" + url.PathEscape(account) + "/lowbalance"
	if id != "" {
		p += "/" + url.PathEscape(id)
	}
	return p
}

// alertCall sends one alert request and decodes the answer into a new T.
func alertCall[T any, PT stamped[T]](ctx context.Context, c *Client, method, customer, account, id string, q url.Values, body any) (*T, error) {
	mode := retryRead
	if method != http.MethodGet {
		mode = retryUnsafe
	}
	r, err := newRequest(method, alertsPath(customer, account, id), q, body, mode)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = customer, account
	return sendDecoded[T, PT](ctx, c, r)
}

// Create sets a low balance alert on an account
// (POST /customers/{customerIdentifier}/accounts/{accountIdentifier}/lowbalance).
//
// A create is never retried once it may have reached Tango: an uncertain outcome
// is an *OutcomeUnknownError; list the account's alerts before trying again.
func (s *LowBalanceAlertsService) Create(ctx context.Context, customerIdentifier, accountIdentifier string, req *CreateLowBalanceAlertRequest) (*LowBalanceAlert, error) {
	var v validator
	checkAlertTarget(&v, customerIdentifier, accountIdentifier)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	return alertCall[LowBalanceAlert](ctx, s.c, http.MethodPost, customerIdentifier, accountIdentifier, "", nil, req)
}

// List fetches one page of an account's alerts
// (GET /customers/{customerIdentifier}/accounts/{accountIdentifier}/lowbalance);
// params may be nil.
func (s *LowBalanceAlertsService) List(ctx context.Context, customerIdentifier, accountIdentifier string, params *ListLowBalanceAlertsParams) (*LowBalanceAlertList, error) {
	var p ListLowBalanceAlertsParams
	if params != nil {
		p = *params
	}
	var v validator
	checkAlertTarget(&v, customerIdentifier, accountIdentifier)
	p.validate(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	return alertCall[LowBalanceAlertList](ctx, s.c, http.MethodGet, customerIdentifier, accountIdentifier, "", p.query(), nil)
}

// All walks every alert of an account that matches params, page after page
// (from params.Page, 0 by default). The caller's params are copied, never
// changed. Paging stops after the last page Tango reports, on an empty page, or
// when Tango answers another page than asked (no progress); an error ends the
// walk.
func (s *LowBalanceAlertsService) All(ctx context.Context, customerIdentifier, accountIdentifier string, params *ListLowBalanceAlertsParams) iter.Seq2[*LowBalanceAlert, error] {
	var p ListLowBalanceAlertsParams
	if params != nil {
		p = *params
	}
	return func(yield func(*LowBalanceAlert, error) bool) {
		walk := s.c.newListWalk()
		for {
			if err := ctxErr(ctx); err != nil {
				yield(nil, err)
				return
			}
			if err := walk.next(); err != nil {
				yield(nil, err)
				return
			}
			page, err := s.List(ctx, customerIdentifier, accountIdentifier, &p)
			if err != nil {
				yield(nil, err)
				return
			}
			if page.Page.Number != p.Page {
				yield(nil, fmt.Errorf("tango: the alert list answered page %d when asked for page %d; stopping", page.Page.Number, p.Page))
				return
			}
			for _, a := range page.LowBalanceAlerts {
				if !yield(a, nil) {
					return
				}
			}
			if len(page.LowBalanceAlerts) == 0 || p.Page+1 >= page.Page.TotalPages {
				return
			}
			p.Page++
		}
	}
}

// Get fetches one alert
// (GET /customers/{customerIdentifier}/accounts/{accountIdentifier}/lowbalance/{balanceAlertID}).
func (s *LowBalanceAlertsService) Get(ctx context.Context, customerIdentifier, accountIdentifier, balanceAlertID string) (*LowBalanceAlert, error) {
	var v validator
	checkAlertTarget(&v, customerIdentifier, accountIdentifier)
	checkAlertID(&v, balanceAlertID)
	if err := v.err(); err != nil {
		return nil, err
	}
	return alertCall[LowBalanceAlert](ctx, s.c, http.MethodGet, customerIdentifier, accountIdentifier, balanceAlertID, nil, nil)
}

// Update changes an alert
// (PATCH /customers/{customerIdentifier}/accounts/{accountIdentifier}/lowbalance/{balanceAlertID})
// and returns it as Tango stored it. An update that changes nothing is refused
// before anything is sent (*ValidationError). It is never retried once it may
// have reached Tango.
func (s *LowBalanceAlertsService) Update(ctx context.Context, customerIdentifier, accountIdentifier, balanceAlertID string, req *UpdateLowBalanceAlertRequest) (*LowBalanceAlert, error) {
	var v validator
	checkAlertTarget(&v, customerIdentifier, accountIdentifier)
	checkAlertID(&v, balanceAlertID)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	return alertCall[LowBalanceAlert](ctx, s.c, http.MethodPatch, customerIdentifier, accountIdentifier, balanceAlertID, nil, req)
}

// Delete removes an alert
// (DELETE /customers/{customerIdentifier}/accounts/{accountIdentifier}/lowbalance/{balanceAlertID}).
// It is never retried once it may have reached Tango: an uncertain outcome is an
// *OutcomeUnknownError; Get tells whether the alert is gone.
func (s *LowBalanceAlertsService) Delete(ctx context.Context, customerIdentifier, accountIdentifier, balanceAlertID string) (*DeletedLowBalanceAlert, error) {
	var v validator
	checkAlertTarget(&v, customerIdentifier, accountIdentifier)
	checkAlertID(&v, balanceAlertID)
	if err := v.err(); err != nil {
		return nil, err
	}
	return alertCall[DeletedLowBalanceAlert](ctx, s.c, http.MethodDelete, customerIdentifier, accountIdentifier, balanceAlertID, nil, nil)
}
