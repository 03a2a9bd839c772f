package tangotest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Low balance alerts: /customers/{c}/accounts/{a}/lowbalance[/{balanceAlertID}].
// The alerts live in a store created with the routes, so each Server has its own.

// alertPath is the route prefix of an account's alerts.
const alertPath = "/customers/{customerIdentifier}/accounts/{accountIdentifier}/lowbalance"

// lowBalanceAlert is a stored alert.
type lowBalanceAlert struct {
	id          string
	account     *account
	displayName string
	threshold   amount
	notify      []string
	createdAt   time.Time
}

// alertStore holds a server's alerts by account; the server's mu guards it.
type alertStore struct {
	s      *Server
	byAcct map[*account][]*lowBalanceAlert
}

func (s *Server) lowBalanceRoutes() []route {
	st := &alertStore{s: s, byAcct: map[*account][]*lowBalanceAlert{}}
	return []route{
		{http.MethodPost, alertPath, st.handleCreate},
		{http.MethodGet, alertPath, st.handleList},
		{http.MethodGet, alertPath + "/{balanceAlertID}", st.handleGet},
		{http.MethodPatch, alertPath + "/{balanceAlertID}", st.handleUpdate},
		{http.MethodDelete, alertPath + "/{balanceAlertID}", st.handleDelete},
	}
}

// lowBalanceAlertWire is LowBalanceAlertView.
type lowBalanceAlertWire struct {
	CreatedAt                string      `json:"createdAt"`
	BalanceAlertID           string      `json:"balanceAlertID"`
	CustomerIdentifier       string      `json:"customerIdentifier"`
	AccountIdentifier        string      `json:"accountIdentifier"`
	BalanceAlertDisplayName  string      `json:"balanceAlertDisplayName"`
	BalanceAlertThreshold    any         `json:"balanceAlertThreshold"`
	BalanceAlertNotification []emailWire `json:"balanceAlertNotification"`
}

func (a *lowBalanceAlert) view() lowBalanceAlertWire {
	w := lowBalanceAlertWire{
		CreatedAt: stamp(a.createdAt), BalanceAlertID: a.id,
		CustomerIdentifier: a.account.customer.id, AccountIdentifier: a.account.id,
		BalanceAlertDisplayName: a.displayName, BalanceAlertThreshold: a.threshold.number(),
		BalanceAlertNotification: []emailWire{},
	}
	for _, e := range a.notify {
		w.BalanceAlertNotification = append(w.BalanceAlertNotification, emailWire{EmailAddress: e})
	}
	return w
}

// alertRequest is the POST and PATCH body. A null or absent notification list
// leaves a PATCHed alert's list alone; [] clears it.
type alertRequest struct {
	BalanceAlertDisplayName  *string      `json:"balanceAlertDisplayName"`
	BalanceAlertThreshold    *json.Number `json:"balanceAlertThreshold"`
	BalanceAlertNotification *[]emailWire `json:"balanceAlertNotification"`
}

// check validates the fields present; create also requires a threshold.
func (r *alertRequest) check(create bool) (threshold amount, notify []string, errs []fieldErrorInfo) {
	if r.BalanceAlertDisplayName != nil {
		name := *r.BalanceAlertDisplayName
		switch {
		case len([]rune(name)) > 100:
			errs = append(errs, fieldErrorInfo{Path: "balanceAlertDisplayName", I18nKey: "422.006", Message: "must not exceed 100 characters", InvalidValue: name})
		case insecure(name):
			errs = append(errs, fieldErrorInfo{Path: "balanceAlertDisplayName", I18nKey: "422.111", Message: "The value contains characters that may be unsafe (markup or control characters).", InvalidValue: name})
		}
	}
	switch {
	case r.BalanceAlertThreshold == nil && create:
		errs = append(errs, fieldErrorInfo{Path: "balanceAlertThreshold", I18nKey: "422.007", Message: "Failed field balanceAlertThreshold: a value is required."})
	case r.BalanceAlertThreshold != nil:
		v, err := parseDecimal(string(*r.BalanceAlertThreshold), 2, 12)
		if err != nil {
			errs = append(errs, fieldErrorInfo{Path: "balanceAlertThreshold", I18nKey: "422.014", Message: "The threshold must be a non-negative amount with at most two decimal places.", InvalidValue: string(*r.BalanceAlertThreshold)})
		}
		threshold = amount(v)
	}
	if r.BalanceAlertNotification != nil {
		notify = []string{}
		for i, n := range *r.BalanceAlertNotification {
			if !wellFormedEmail(n.EmailAddress) {
				errs = append(errs, fieldErrorInfo{Path: "balanceAlertNotification[" + strconv.Itoa(i) + "].emailAddress", I18nKey: "422.134", Message: "not a well-formed email address", InvalidValue: n.EmailAddress})
			}
			notify = append(notify, n.EmailAddress)
		}
	}
	return threshold, notify, errs
}

// accountLocked resolves the path's customer and account; on failure it returns
// the status, key and message to answer with. s.mu must be held.
func (st *alertStore) accountLocked(c *call) (*account, int, string, string) {
	cu, ok := st.s.customers[c.param("customerIdentifier")]
	if !ok {
		return nil, http.StatusNotFound, "404.002", "This customer does not exist for this platform."
	}
	a, ok := st.s.accounts[c.param("accountIdentifier")]
	if !ok || a.customer != cu {
		return nil, http.StatusNotFound, "404.003", "The account does not exist for this customer."
	}
	return a, 0, "", ""
}

// alertLocked finds the path's alert on the account.
func (st *alertStore) alertLocked(a *account, id string) (*lowBalanceAlert, int) {
	for i, al := range st.byAcct[a] {
		if strings.EqualFold(al.id, id) {
			return al, i
		}
	}
	return nil, -1
}

// handleCreate serves POST .../lowbalance: 200 with the new alert.
func (st *alertStore) handleCreate(c *call) {
	var req alertRequest
	if !c.decode(&req) {
		return
	}
	threshold, notify, errs := req.check(true)
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	st.s.mu.Lock()
	a, status, key, msg := st.accountLocked(c)
	if a == nil {
		st.s.mu.Unlock()
		c.fail(status, key, msg)
		return
	}
	al := &lowBalanceAlert{id: uuid.NewString(), account: a, threshold: threshold, notify: notify, createdAt: st.s.now()}
	if req.BalanceAlertDisplayName != nil {
		al.displayName = *req.BalanceAlertDisplayName
	}
	st.byAcct[a] = append(st.byAcct[a], al)
	v := al.view()
	st.s.mu.Unlock()
	c.ok(http.StatusOK, v)
}

// alertPageWire is the page object of the alert list (CollectionPageView).
type alertPageWire struct {
	Size          int   `json:"size"`
	TotalElements int64 `json:"totalElements"`
	TotalPages    int   `json:"totalPages"`
	Number        int   `json:"number"`
}

// handleList serves GET .../lowbalance: 0-based page and elementsPerBlock
// (default 10, at most 100), filters balanceAlertDisplayName (contains) and
// balanceAlertThreshold (equals).
func (st *alertStore) handleList(c *call) {
	q := c.r.URL.Query()
	size, ok := intParam(q, "elementsPerBlock", 10)
	if !ok || size < 1 || size > 100 {
		c.fieldErrors(fieldErrorInfo{Path: "elementsPerBlock", I18nKey: "422.042", Message: "elementsPerBlock must be between 1 and 100.", InvalidValue: q.Get("elementsPerBlock")})
		return
	}
	page, ok := intParam(q, "page", 0)
	if !ok || page < 0 {
		c.fieldErrors(fieldErrorInfo{Path: "page", I18nKey: "422.141", Message: "page must be greater than or equal to 0.", InvalidValue: q.Get("page")})
		return
	}
	var threshold *amount
	if v := q.Get("balanceAlertThreshold"); v != "" {
		t, err := parseDecimal(v, 2, 12)
		if err != nil {
			c.fieldErrors(fieldErrorInfo{Path: "balanceAlertThreshold", I18nKey: "400.001", Message: "balanceAlertThreshold must be a number.", InvalidValue: v})
			return
		}
		am := amount(t)
		threshold = &am
	}
	st.s.mu.Lock()
	a, status, key, msg := st.accountLocked(c)
	if a == nil {
		st.s.mu.Unlock()
		c.fail(status, key, msg)
		return
	}
	var all []lowBalanceAlertWire
	for _, al := range st.byAcct[a] {
		if containsFold(al.displayName, q.Get("balanceAlertDisplayName")) && (threshold == nil || al.threshold == *threshold) {
			all = append(all, al.view())
		}
	}
	st.s.mu.Unlock()
	from := min(page*size, len(all))
	to := min(from+size, len(all))
	out := struct {
		Page             alertPageWire         `json:"page"`
		LowBalanceAlerts []lowBalanceAlertWire `json:"lowBalanceAlerts"`
	}{
		Page:             alertPageWire{Size: size, TotalElements: int64(len(all)), TotalPages: (len(all) + size - 1) / size, Number: page},
		LowBalanceAlerts: append([]lowBalanceAlertWire{}, all[from:to]...),
	}
	c.ok(http.StatusOK, out)
}

// withAlert runs fn on the path's alert under the lock, answering 404 when the
// account or the alert is unknown. fn returns the answer's body.
func (st *alertStore) withAlert(c *call, fn func(a *account, al *lowBalanceAlert, i int) any) {
	st.s.mu.Lock()
	a, status, key, msg := st.accountLocked(c)
	if a == nil {
		st.s.mu.Unlock()
		c.fail(status, key, msg)
		return
	}
	al, i := st.alertLocked(a, c.param("balanceAlertID"))
	if al == nil {
		st.s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.001", "The low balance alert does not exist for this account.")
		return
	}
	v := fn(a, al, i)
	st.s.mu.Unlock()
	c.ok(http.StatusOK, v)
}

// handleGet serves GET .../lowbalance/{balanceAlertID}.
func (st *alertStore) handleGet(c *call) {
	st.withAlert(c, func(_ *account, al *lowBalanceAlert, _ int) any { return al.view() })
}

// handleUpdate serves PATCH .../lowbalance/{balanceAlertID}: the fields present
// replace the alert's; the notification list follows null/[] rules.
func (st *alertStore) handleUpdate(c *call) {
	var req alertRequest
	if !c.decode(&req) {
		return
	}
	threshold, notify, errs := req.check(false)
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	st.withAlert(c, func(_ *account, al *lowBalanceAlert, _ int) any {
		if req.BalanceAlertDisplayName != nil {
			al.displayName = *req.BalanceAlertDisplayName
		}
		if req.BalanceAlertThreshold != nil {
			al.threshold = threshold
		}
		if notify != nil {
			al.notify = notify
		}
		return al.view()
	})
}

// handleDelete serves DELETE .../lowbalance/{balanceAlertID}: 200 with
// {balanceAlertID, status: DELETED}.
func (st *alertStore) handleDelete(c *call) {
	st.withAlert(c, func(a *account, al *lowBalanceAlert, i int) any {
		list := st.byAcct[a]
		st.byAcct[a] = append(list[:i:i], list[i+1:]...)
		return struct {
			BalanceAlertID string `json:"balanceAlertID"`
			Status         string `json:"status"`
		}{al.id, "DELETED"}
	})
}
