package tangotest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Line items: every order the fake places has one, whose id is the order's
// referenceLineItemID. Their state beyond the order (cancelled, frozen, labels
// changed, reissued, resent) lives with the routes that serve them
// (lineItemRoutes is called once, when the server starts), guarded by the
// server's mutex.
//
// Where Tango documents no i18nKey for a refusal, the fake uses 403.010 (an action
// the line item's state does not allow) and says so in the message.

// Line item limits.
const (
	// cancelWindow is how long after issue a reward may be cancelled.
	cancelWindow = 5 * 24 * time.Hour
	// fakeRewardLifeYears dates every fake reward's expirationDate, which Tango's
	// reference requires on every line item, this many years after issue.
	fakeRewardLifeYears = 5
	// maxReissues is how often one reward may be reissued (403.022).
	maxReissues = 5
	// defaultLineItemsPerPage and maxLineItemsPerPage bound elementsPerBlock.
	defaultLineItemsPerPage = 10
	maxLineItemsPerPage     = 100
	// Line item statuses the fake uses.
	lineItemComplete  = "COMPLETE"
	lineItemCancelled = "CANCELLED"
)

// lineItemState is what happened to a line item after its order was placed.
type lineItemState struct {
	cancelled    bool
	frozen       bool
	poNumber     *string
	campaign     *string
	notes        *string
	reissuedTo   string
	reissuedFrom string
	reissues     int
	lastReason   string // the reason code of the last action
	actions      []actionWire
	resends      []lineResendWire
	audits       []resendAuditWire // resendHistory, one per resend
	lastResend   time.Time
}

// lineItems is the line item state of one server; s.mu guards it.
type lineItems struct {
	s         *Server
	state     map[string]*lineItemState
	resendSeq int64
}

// Wire shapes of the line item endpoints.

type reasonWire struct {
	ReasonCode  string `json:"reasonCode"`
	OtherReason string `json:"otherReason,omitempty"`
}

// actionWire is one entry of lineItemActionHistory (Tango's LineItemAction).
type actionWire struct {
	Action                 string `json:"action"`
	Reason                 string `json:"reason,omitempty"`
	ActionDate             string `json:"actionDate"`
	OldReferenceLineItemID string `json:"oldReferenceLineItemId,omitempty"`
	NewReferenceLineItemID string `json:"newReferenceLineItemId,omitempty"`
}

type lineResendWire struct {
	ID             int64   `json:"id"`
	CreatedAt      string  `json:"createdAt"`
	Email          string  `json:"email,omitempty"`
	MobileNumber   *string `json:"mobileNumber,omitempty"`
	DeliveryMethod string  `json:"deliveryMethod"`
	ReasonCode     string  `json:"reasonCode,omitempty"`
	OtherReason    string  `json:"otherReason,omitempty"`
}

// resendAuditWire is one entry of a verbose line item's resendHistory (Tango's
// RaasLineItemResendAuditEventDto): who it went from and to, how, and why.
type resendAuditWire struct {
	DateIssued     string         `json:"dateIssued"`
	Sender         nameEmail      `json:"sender"`
	Recipient      resendAudience `json:"recipient"`
	DeliveryMethod string         `json:"deliveryMethod"`
	DeliveryStatus string         `json:"deliveryStatus"`
	Etid           string         `json:"etid"`
	ReasonCode     string         `json:"reasonCode,omitempty"`
	OtherReason    string         `json:"otherReason,omitempty"`
}

// resendAudience is a resend's recipient (Tango's RecipientDTO).
type resendAudience struct {
	Email        string `json:"email,omitempty"`
	MobileNumber string `json:"mobileNumber,omitempty"`
}

type lineItemWire struct {
	ReferenceLineItemID             string            `json:"referenceLineItemID"`
	ReferenceOrderID                string            `json:"referenceOrderID"`
	OrderSource                     string            `json:"orderSource"`
	Status                          string            `json:"status"`
	OrderStatus                     string            `json:"orderStatus"`
	EmailStatus                     string            `json:"emailStatus"`
	DeliveryMethod                  string            `json:"deliveryMethod"`
	DeliveryStatus                  string            `json:"deliveryStatus"`
	RewardStatus                    string            `json:"rewardStatus"`
	CanCancel                       bool              `json:"canCancel"`
	CanFreeze                       bool              `json:"canFreeze"`
	LineNumber                      int               `json:"lineNumber"`
	RewardName                      string            `json:"rewardName"`
	AmountIssued                    moneyView         `json:"amountIssued"`
	AmountCharged                   moneyView         `json:"amountCharged"`
	RemainingBalance                *json.Number      `json:"remainingBalance,omitempty"`
	DateIssued                      string            `json:"dateIssued"`
	ExpirationDate                  string            `json:"expirationDate"`
	AccountNumber                   string            `json:"accountNumber"`
	AccountIdentifier               string            `json:"accountIdentifier"`
	CustomerIdentifier              string            `json:"customerIdentifier"`
	Etid                            string            `json:"etid"`
	Utid                            string            `json:"utid"`
	Recipient                       recipientWire     `json:"recipient"`
	Sender                          nameEmail         `json:"sender"`
	PurchaseOrderNumber             *string           `json:"purchaseOrderNumber,omitempty"`
	Campaign                        string            `json:"campaign"`
	OrderNotes                      string            `json:"orderNotes"`
	LineItemActionReason            string            `json:"lineItemActionReason,omitempty"`
	ReissuedFromReferenceLineItemID string            `json:"reissuedFromReferenceLineItemId,omitempty"`
	ReissuedToReferenceLineItemID   string            `json:"reissuedToReferenceLineItemId,omitempty"`
	LineItemErrors                  []any             `json:"lineItemErrors"`
	Quantity                        int               `json:"quantity"`
	Reward                          *rewardWire       `json:"reward,omitempty"`
	ResendHistory                   []resendAuditWire `json:"resendHistory,omitempty"`
	RedemptionHistory               []any             `json:"redemptionHistory,omitempty"`
	LineItemActionHistory           []actionWire      `json:"lineItemActionHistory,omitempty"`
	RewardViewHistory               []any             `json:"rewardViewHistory,omitempty"`
}

// keysetPageWire is the paging object of GET /lineItems. Keys are strings, as the
// reference types them: the boundary row's sort value and its id, as a keyset over
// (sort column, id) would be.
type keysetPageWire struct {
	NextPageKeys     []string `json:"nextPageKeys"`
	PreviousPageKeys []string `json:"previousPageKeys"`
	ResultCount      int      `json:"resultCount"`
	TotalCount       int64    `json:"totalCount"`
}

type lineItemListWire struct {
	KeysetPage keysetPageWire `json:"keysetPage"`
	LineItems  []lineItemWire `json:"lineItems"`
}

type updateLineItemRequest struct {
	PurchaseOrderNumber *string `json:"purchaseOrderNumber"`
	Campaign            *string `json:"campaign"`
	OrderNotes          *string `json:"orderNotes"`
}

type reissueRequest struct {
	ReasonCode     *string         `json:"reasonCode"`
	OtherReason    *string         `json:"otherReason"`
	Amount         json.RawMessage `json:"amount"`
	DeliveryMethod *string         `json:"deliveryMethod"`
	Recipient      *recipientInput `json:"recipient"`
	Notes          *string         `json:"notes"`
}

type lineResendRequest struct {
	NewDeliveryMethod *string `json:"newDeliveryMethod"`
	NewEmail          *string `json:"newEmail"`
	NewMobileNumber   *string `json:"newMobileNumber"`
	NewEtid           *string `json:"newEtid"`
	ReasonCode        *string `json:"reasonCode"`
	OtherReason       *string `json:"otherReason"`
}

// Reason codes each action accepts, with descriptions (GET /lineItems/reasonCodes).
var lineItemReasonCodes = map[string]map[string]string{
	"FREEZE": {
		"DELIVERY_INFO": "Delivery information is wrong", "REWARD_AMOUNT": "Reward amount is wrong",
		"REWARD_TYPE": "Reward type is wrong", "VERIFY_ORDER": "The order needs verification",
		"FRAUD": "Suspected fraud", "OTHER": "Other",
	},
	"UNFREEZE": {
		"DELIVERY_INFO": "Delivery information is wrong", "REWARD_AMOUNT": "Reward amount is wrong",
		"REWARD_TYPE": "Reward type is wrong", "VERIFY_ORDER": "The order was verified",
		"FRAUD": "Fraud ruled out", "OTHER": "Other",
	},
	"CANCEL": {
		"DELIVERY_INFO": "Delivery information is wrong", "REWARD_AMOUNT": "Reward amount is wrong",
		"REWARD_TYPE": "Reward type is wrong", "RECIPIENT": "Wrong recipient", "CURRENCY": "Wrong currency",
		"RECIPIENT_REQUESTED": "The recipient asked for it", "RECIPIENT_OBLIGATIONS": "The recipient did not meet obligations",
		"DUPLICATE": "Duplicate reward", "FRAUD": "Suspected fraud", "OTHER": "Other",
	},
	"CANCEL_AND_REISSUE": {
		"DELIVERY_INFO": "Delivery information is wrong", "REWARD_AMOUNT": "Reward amount is wrong",
		"REWARD_TYPE": "Reward type is wrong", "RECIPIENT": "Wrong recipient", "CURRENCY": "Wrong currency",
		"RECIPIENT_REQUESTED": "The recipient asked for it", "OTHER": "Other",
	},
}

// resendReasonCodes are the reasons a line item resend accepts.
var resendReasonCodes = []string{"NOT_RECEIVED", "LOST_DELETED", "DELIVERY_INFO", "DELIVERY_METHOD", "REMINDER", "OTHER"}

func (s *Server) lineItemRoutes() []route {
	l := &lineItems{s: s, state: map[string]*lineItemState{}}
	return []route{
		{http.MethodGet, "/lineItems", l.handleList},
		{http.MethodGet, "/lineItems/reasonCodes", l.handleReasonCodes},
		{http.MethodGet, "/lineItems/{referenceLineItemID}", l.handleGet},
		{http.MethodPatch, "/lineItems/{referenceLineItemID}", l.handleUpdate},
		{http.MethodPost, "/lineItems/{referenceLineItemID}/cancel", l.handleCancel},
		{http.MethodPost, "/lineItems/{referenceLineItemID}/freeze", l.handleFreeze},
		{http.MethodPost, "/lineItems/{referenceLineItemID}/unfreeze", l.handleUnfreeze},
		{http.MethodPost, "/lineItems/{referenceLineItemID}/reissue", l.handleReissue},
		{http.MethodPost, "/lineItems/{referenceLineItemID}/resends", l.handleResend},
		{http.MethodGet, "/lineItems/{referenceLineItemID}/embeddedUrl", l.handleEmbeddedURL},
	}
}

// findLocked returns the order of a line item and its state.
func (l *lineItems) findLocked(id string) (*order, *lineItemState) {
	for _, o := range l.s.orders {
		if o.lineItemID == id {
			st := l.state[id]
			if st == nil {
				st = &lineItemState{}
				l.state[id] = st
			}
			return o, st
		}
	}
	return nil, nil
}

// lookup finds the line item of the call's path, or answers 404 and returns nil.
// It is called with s.mu held and releases it on failure.
func (l *lineItems) lookup(c *call) (*order, *lineItemState) {
	o, st := l.findLocked(c.param("referenceLineItemID"))
	if o == nil {
		l.s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.001", "The line item cannot be found under this platform; check the reference line item ID.")
	}
	return o, st
}

// cancellable reports whether Tango would cancel the reward now: an unredeemed
// Choice product (reward link, promo) within 5 days of issue.
func (l *lineItems) cancellable(o *order, st *lineItemState, now time.Time) bool {
	it := l.s.items[strings.ToUpper(o.utid)]
	choice := it != nil && (it.RewardType == "reward link" || it.RewardType == "promo")
	return !st.cancelled && choice && now.Sub(o.createdAt) <= cancelWindow
}

// view renders a line item; verbose adds the reward and the histories.
func (l *lineItems) view(o *order, st *lineItemState, verbose bool) lineItemWire {
	ov := o.view(verbose)
	status, reward := lineItemComplete, "active"
	if st.cancelled {
		status, reward = lineItemCancelled, "cancelled"
	} else if st.frozen {
		reward = "frozen"
	}
	w := lineItemWire{
		ReferenceLineItemID: o.lineItemID, ReferenceOrderID: o.refID, OrderSource: "RA",
		Status: status, OrderStatus: ov.Status, DeliveryMethod: ov.DeliveryMethod, DeliveryStatus: "DELIVERED",
		RewardStatus: reward, CanCancel: l.cancellable(o, st, l.s.now()), CanFreeze: !st.cancelled && !st.frozen,
		LineNumber: 1, RewardName: o.rewardName, AmountIssued: ov.Denomination, AmountCharged: ov.AmountCharged,
		DateIssued: ov.CreatedAt, AccountNumber: o.accountNumber, AccountIdentifier: o.account,
		CustomerIdentifier: o.customer, Etid: ov.Etid, Utid: o.utid, Recipient: ov.Recipient, Sender: ov.Sender,
		PurchaseOrderNumber: ov.PurchaseOrderNumber, Campaign: ov.Campaign, OrderNotes: ov.Notes,
		LineItemActionReason: st.lastReason, ReissuedFromReferenceLineItemID: st.reissuedFrom,
		ExpirationDate: stamp(o.createdAt.AddDate(fakeRewardLifeYears, 0, 0)), EmailStatus: "NOT_DELIVERED",
		ReissuedToReferenceLineItemID: st.reissuedTo, LineItemErrors: []any{}, Quantity: 1,
	}
	if ov.DeliveryMethod == "EMAIL" {
		w.EmailStatus = "DELIVERED"
	}
	if it := l.s.items[strings.ToUpper(o.utid)]; it != nil && it.RewardType == "reward link" && !st.cancelled {
		n := o.denom.number()
		w.RemainingBalance = &n
	}
	if st.poNumber != nil {
		w.PurchaseOrderNumber = st.poNumber
	}
	if st.campaign != nil {
		w.Campaign = *st.campaign
	}
	if st.notes != nil {
		w.OrderNotes = *st.notes
	}
	if verbose {
		w.Reward = ov.Reward
		w.ResendHistory = append([]resendAuditWire{}, st.audits...)
		w.LineItemActionHistory = append([]actionWire{}, st.actions...)
		w.RedemptionHistory, w.RewardViewHistory = []any{}, []any{}
	}
	return w
}

// handleGet serves GET /lineItems/{referenceLineItemID}: the verbose view.
func (l *lineItems) handleGet(c *call) {
	l.s.mu.Lock()
	o, st := l.lookup(c)
	if o == nil {
		return
	}
	v := l.view(o, st, true)
	l.s.mu.Unlock()
	c.ok(http.StatusOK, v)
}

// handleReasonCodes serves GET /lineItems/reasonCodes.
func (l *lineItems) handleReasonCodes(c *call) { c.ok(http.StatusOK, lineItemReasonCodes) }

// handleList serves GET /lineItems with keyset paging over the orders in the order
// they were placed, and the common filters.
func (l *lineItems) handleList(c *call) {
	q := c.r.URL.Query()
	per, ok := intParam(q, "elementsPerBlock", defaultLineItemsPerPage)
	switch {
	case !ok || per < 1:
		c.fieldErrors(fieldErrorInfo{Path: "elementsPerBlock", I18nKey: "400.001", Message: "elementsPerBlock must be a whole number, 1 or more.", InvalidValue: q.Get("elementsPerBlock")})
		return
	case per > maxLineItemsPerPage:
		c.fieldErrors(fieldErrorInfo{Path: "elementsPerBlock", I18nKey: "422.042", Message: "Elements per block must not exceed 100.", InvalidValue: per})
		return
	}
	keys := append(q["pageKeys"], q["pageKeys[]"]...)
	previous := strings.EqualFold(q.Get("pagePrevious"), "true")
	if previous && len(keys) == 0 {
		c.fieldErrors(fieldErrorInfo{Path: "pageKeys", I18nKey: "400.001", Message: "pagePrevious needs pageKeys."})
		return
	}
	start, _, startOK := dateParam(q, "startDate")
	end, _, endOK := dateParam(q, "endDate")
	if !startOK || !endOK {
		c.fieldErrors(fieldErrorInfo{Path: "startDate", I18nKey: "422.044", Message: "DateTime must be in ISO 8601 format."})
		return
	}

	sortBy := q.Get("columnSortName")
	if sortBy == "" {
		sortBy = "dateIssued"
	}
	sortKey, known := lineItemSortKeys[sortBy]
	if !known {
		c.fieldErrors(fieldErrorInfo{Path: "columnSortName", I18nKey: "400.001", Message: "The sort column is not one Tango sorts line items by.", InvalidValue: sortBy})
		return
	}
	ascending := strings.EqualFold(q.Get("columnSortAscending"), "true")

	s := l.s
	s.mu.Lock()
	var rows []lineItemRow
	for _, o := range s.orders {
		st := l.state[o.lineItemID]
		if st == nil {
			st = &lineItemState{}
		}
		v := l.view(o, st, false)
		if !lineItemMatches(&v, o, q, start, end) {
			continue
		}
		rows = append(rows, lineItemRow{v, sortKey(o, &v)})
	}
	s.mu.Unlock()
	sortLineItems(rows, ascending)

	from, to := 0, min(per, len(rows))
	if len(keys) > 0 {
		at := -1
		boundary := keys[len(keys)-1]
		for i := range rows {
			if rows[i].view.ReferenceLineItemID == boundary {
				at = i
				break
			}
		}
		if at < 0 {
			c.fieldErrors(fieldErrorInfo{Path: "pageKeys", I18nKey: "400.001", Message: "The page keys do not name a line item of this list.", InvalidValue: boundary})
			return
		}
		if previous {
			from, to = max(0, at-per), at
		} else {
			from, to = at+1, min(at+1+per, len(rows))
		}
	}
	out := lineItemListWire{LineItems: []lineItemWire{}}
	for _, r := range rows[from:to] {
		out.LineItems = append(out.LineItems, r.view)
	}
	out.KeysetPage = keysetPageWire{NextPageKeys: []string{}, PreviousPageKeys: []string{}, ResultCount: to - from, TotalCount: int64(len(rows))}
	if to < len(rows) && to > from {
		out.KeysetPage.NextPageKeys = rowKeys(rows[to-1])
	}
	if from > 0 && to > from {
		out.KeysetPage.PreviousPageKeys = rowKeys(rows[from])
	}
	c.ok(http.StatusOK, out)
}

// rowKeys are a row's keyset keys, strings as the reference types them: its sort
// value and its id.
func rowKeys(r lineItemRow) []string {
	return []string{r.key.text, r.view.ReferenceLineItemID}
}

// lineItemMatches applies the GET /lineItems filters.
func lineItemMatches(v *lineItemWire, o *order, q map[string][]string, start, end time.Time) bool {
	get := func(k string) string {
		if vs := q[k]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	po := ""
	if v.PurchaseOrderNumber != nil {
		po = *v.PurchaseOrderNumber
	}
	return eqExact(get("referenceOrderID"), o.refID) &&
		eqExact(get("externalRefID"), o.externalRefID) &&
		eqFold(get("utid"), o.utid) &&
		eqFold(get("status"), v.Status) &&
		eqExact(get("accountIdentifier"), o.account) &&
		eqFold(get("deliveryMethod"), v.DeliveryMethod) &&
		eqFold(get("recipientEmail"), v.Recipient.Email) &&
		containsFold(v.Campaign, get("campaign")) &&
		eqExact(get("purchaseOrderNumber"), po) &&
		(start.IsZero() || !o.createdAt.Before(start)) &&
		(end.IsZero() || o.createdAt.Before(end))
}

// handleUpdate serves PATCH /lineItems/{referenceLineItemID}: 202 "Accepted".
func (l *lineItems) handleUpdate(c *call) {
	var req updateLineItemRequest
	if !c.decode(&req) {
		return
	}
	var fc fieldCheck
	if req.Campaign != nil && !campaignAllowed(*req.Campaign) {
		fc.add("campaign", "422.001", "The campaign may hold at most 100 letters, digits and spaces.", *req.Campaign)
	}
	if req.OrderNotes != nil && len([]rune(*req.OrderNotes)) > 150 {
		fc.add("orderNotes", "422.006", "Field orderNotes must not be longer than 150 characters.", nil)
	}
	for _, f := range []struct {
		path string
		v    *string
	}{{"purchaseOrderNumber", req.PurchaseOrderNumber}, {"orderNotes", req.OrderNotes}} {
		if f.v != nil && insecure(*f.v) {
			fc.add(f.path, "422.111", "The value contains characters that may be unsafe (markup or control characters).", nil)
		}
	}
	if len(fc.errs) > 0 {
		c.fieldErrors(fc.errs...)
		return
	}
	l.s.mu.Lock()
	o, st := l.lookup(c)
	if o == nil {
		return
	}
	if req.PurchaseOrderNumber != nil {
		st.poNumber = strPtr(*req.PurchaseOrderNumber)
	}
	if req.Campaign != nil {
		st.campaign = strPtr(*req.Campaign)
	}
	if req.OrderNotes != nil {
		st.notes = strPtr(*req.OrderNotes)
	}
	l.s.mu.Unlock()
	c.acceptedText()
}

// campaignAllowed applies ^[a-zA-Z0-9 ]{0,100}$.
func campaignAllowed(s string) bool {
	if len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r == ' ' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

func strPtr(s string) *string { return &s }

// readReason decodes {reasonCode, otherReason} and checks the code against the
// action's list; it answers and returns false on failure.
func readReason(c *call, action string) (reasonWire, bool) {
	var req struct {
		ReasonCode  *string `json:"reasonCode"`
		OtherReason *string `json:"otherReason"`
	}
	if !c.decode(&req) {
		return reasonWire{}, false
	}
	var fc fieldCheck
	code := strings.ToUpper(fc.required("reasonCode", req.ReasonCode))
	if _, ok := lineItemReasonCodes[action][code]; code != "" && !ok {
		fc.add("reasonCode", "422.001", "The reason code is not valid for this action.", code)
	}
	other := ""
	if req.OtherReason != nil {
		other = *req.OtherReason
		if insecure(other) {
			fc.add("otherReason", "422.111", "The value contains characters that may be unsafe (markup or control characters).", nil)
		}
	}
	if len(fc.errs) > 0 {
		c.fieldErrors(fc.errs...)
		return reasonWire{}, false
	}
	return reasonWire{ReasonCode: code, OtherReason: other}, true
}

// record notes an action in the line item's history.
func (l *lineItems) record(st *lineItemState, action string, r reasonWire) {
	st.lastReason = r.ReasonCode
	reason := r.ReasonCode
	if r.OtherReason != "" {
		reason += ": " + r.OtherReason
	}
	st.actions = append(st.actions, actionWire{Action: action, Reason: reason, ActionDate: stamp(l.s.now())})
}

// handleCancel serves POST /lineItems/{id}/cancel: the reward is cancelled and
// the account refunded what it paid; 403.010 when the reward cannot be cancelled.
func (l *lineItems) handleCancel(c *call) {
	r, ok := readReason(c, "CANCEL")
	if !ok {
		return
	}
	s := l.s
	s.mu.Lock()
	o, st := l.lookup(c)
	if o == nil {
		return
	}
	if !l.cancellable(o, st, s.now()) {
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.010", "Cannot cancel reward with status: "+l.view(o, st, false).Status+
			" (only unredeemed Choice products, within 5 days of issue).")
		return
	}
	l.cancelLocked(o, st)
	l.record(st, "CANCEL", r)
	s.mu.Unlock()
	c.acceptedText()
}

// cancelLocked cancels a line item and refunds its account.
func (l *lineItems) cancelLocked(o *order, st *lineItemState) {
	st.cancelled = true
	if a := l.s.accounts[o.account]; a != nil {
		a.balance += o.charged
	}
}

// handleFreeze serves POST /lineItems/{id}/freeze: 202, or 403.010 when the
// reward is cancelled or already frozen.
func (l *lineItems) handleFreeze(c *call) { l.setFrozen(c, "FREEZE", true) }

// handleUnfreeze serves POST /lineItems/{id}/unfreeze: 202, or 403.010 when the
// reward is not frozen.
func (l *lineItems) handleUnfreeze(c *call) { l.setFrozen(c, "UNFREEZE", false) }

func (l *lineItems) setFrozen(c *call, action string, frozen bool) {
	r, ok := readReason(c, action)
	if !ok {
		return
	}
	l.s.mu.Lock()
	o, st := l.lookup(c)
	if o == nil {
		return
	}
	if st.cancelled || st.frozen == frozen {
		state := "active"
		switch {
		case st.cancelled:
			state = "cancelled"
		case st.frozen:
			state = "frozen"
		}
		l.s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.010", "Cannot "+strings.ToLower(action)+" a reward that is "+state+".")
		return
	}
	st.frozen = frozen
	l.record(st, action, r)
	l.s.mu.Unlock()
	c.acceptedText()
}

// handleReissue serves POST /lineItems/{id}/reissue: the reward is cancelled (its
// account refunded) and a new order placed with the changes asked for; 201 with
// the new order. The original must be active; 403.022 after five reissues.
func (l *lineItems) handleReissue(c *call) {
	var req reissueRequest
	if !c.decode(&req) {
		return
	}
	var fc fieldCheck
	code := strings.ToUpper(fc.required("reasonCode", req.ReasonCode))
	if _, ok := lineItemReasonCodes["CANCEL_AND_REISSUE"][code]; code != "" && !ok {
		fc.add("reasonCode", "422.001", "The reason code is not valid for a reissue.", code)
	}
	var newAmount *amount
	if len(req.Amount) > 0 && string(req.Amount) != "null" {
		a, err := fc.money("amount", req.Amount)
		if err != nil {
			c.fail(http.StatusBadRequest, "400.009", "Could not read the request body; check the JSON formatting and values.")
			return
		}
		newAmount = &a
	}
	method := ""
	if req.DeliveryMethod != nil {
		method = strings.ToUpper(*req.DeliveryMethod)
		if !anyFold(createDeliveryMethods, method) || method == "ADDRESS" {
			fc.add("deliveryMethod", "422.001", "The delivery method is not valid for a reissue.", method)
		}
	}
	if rc := req.Recipient; rc != nil {
		if rc.Email != nil && *rc.Email != "" && !wellFormedEmail(*rc.Email) {
			fc.add("recipient.email", "422.134", "not a well-formed email address", *rc.Email)
		}
		if rc.MobileNumber != nil && *rc.MobileNumber != "" && !mobilePattern.MatchString(*rc.MobileNumber) {
			fc.add("recipient.mobileNumber", "422.028", "The recipient's mobile number must be in E.164 form (+15555550100).", *rc.MobileNumber)
		}
		if rc.Address != nil {
			fc.add("recipient.address", "422.168", "A reissue cannot change the postal address.", nil)
		}
	}
	if len(fc.errs) > 0 {
		c.fieldErrors(fc.errs...)
		return
	}

	s := l.s
	s.mu.Lock()
	o, st := l.lookup(c)
	if o == nil {
		return
	}
	if st.cancelled {
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.010", "Cannot reissue reward with status: CANCELLED.")
		return
	}
	if st.reissues >= maxReissues {
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.022", "This reward has been reissued the maximum number of times (5).")
		return
	}
	in := o.in
	in.externalRefID = ""
	if newAmount != nil {
		in.amount = *newAmount
	}
	if method != "" {
		in.deliveryMethod = method
	}
	if rc := req.Recipient; rc != nil {
		in.recipient = recipientWire{Email: str(rc.Email), FirstName: str(rc.FirstName), LastName: str(rc.LastName)}
		if rc.MobileNumber != nil && *rc.MobileNumber != "" {
			m := *rc.MobileNumber
			in.recipient.MobileNumber = &m
		}
	}
	if req.Notes != nil {
		in.notes = *req.Notes
	}
	l.cancelLocked(o, st)
	n, fail := s.placeOrderLocked(in)
	if fail != nil {
		// Undo the cancellation: the reissue did not happen.
		st.cancelled = false
		if a := s.accounts[o.account]; a != nil {
			a.balance -= o.charged
		}
		s.mu.Unlock()
		fail(c)
		return
	}
	r := reasonWire{ReasonCode: code, OtherReason: str(req.OtherReason)}
	l.record(st, "CANCEL_AND_REISSUE", r)
	st.reissuedTo = n.lineItemID
	ns := &lineItemState{reissuedFrom: o.lineItemID, reissues: st.reissues + 1}
	l.state[n.lineItemID] = ns
	v := n.view(true)
	s.mu.Unlock()
	c.ok(http.StatusCreated, v)
}

// handleResend serves POST /lineItems/{id}/resends: 201 with the resend, at most
// once per ResendInterval per line item; 403.003 for rewards Tango did not
// deliver; 403.010 for cancelled ones.
func (l *lineItems) handleResend(c *call) {
	var req lineResendRequest
	if len(strings.TrimSpace(string(c.body))) > 0 && !c.decode(&req) {
		return
	}
	var fc fieldCheck
	if req.NewEmail != nil && *req.NewEmail != "" && !wellFormedEmail(*req.NewEmail) {
		fc.add("newEmail", "422.134", "not a well-formed email address", *req.NewEmail)
	}
	if req.NewMobileNumber != nil && *req.NewMobileNumber != "" && !mobilePattern.MatchString(*req.NewMobileNumber) {
		fc.add("newMobileNumber", "422.028", "The mobile number must be in E.164 form (+15555550100).", *req.NewMobileNumber)
	}
	if req.NewEtid != nil && *req.NewEtid != "" && !etidPattern.MatchString(*req.NewEtid) {
		fc.add("newEtid", "422.031", "The etid is not valid (E followed by 6 digits).", *req.NewEtid)
	}
	reason := strings.ToUpper(str(req.ReasonCode))
	if reason != "" && !anyFold(resendReasonCodes, reason) {
		fc.add("reasonCode", "422.001", "The reason code is not valid for a resend.", reason)
	}
	if len(fc.errs) > 0 {
		c.fieldErrors(fc.errs...)
		return
	}
	s := l.s
	s.mu.Lock()
	o, st := l.lookup(c)
	if o == nil {
		return
	}
	method := o.in.deliveryMethod
	if req.NewDeliveryMethod != nil && *req.NewDeliveryMethod != "" {
		method = strings.ToUpper(*req.NewDeliveryMethod)
	}
	now := s.now()
	switch {
	case st.cancelled:
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.010", "Cannot resend reward with status: CANCELLED.")
		return
	case method == "NONE" || method == "EMBEDDED" || method == "EMBEDDED_COMPONENT":
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.003", "This reward was not delivered by Tango, so it cannot be resent.")
		return
	case len(st.resends) > 0 && now.Sub(st.lastResend) < ResendInterval:
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.005", "Cannot resend more than once every 30 seconds.")
		return
	}
	l.resendSeq++
	out := lineResendWire{ID: l.resendSeq, CreatedAt: stamp(now), Email: o.in.recipient.Email, DeliveryMethod: method,
		ReasonCode: reason, OtherReason: str(req.OtherReason)}
	if req.NewEmail != nil && *req.NewEmail != "" {
		out.Email = *req.NewEmail
	}
	if req.NewMobileNumber != nil && *req.NewMobileNumber != "" {
		out.MobileNumber = strPtr(*req.NewMobileNumber)
	} else if o.in.recipient.MobileNumber != nil {
		out.MobileNumber = strPtr(*o.in.recipient.MobileNumber)
	}
	st.resends = append(st.resends, out)
	audit := resendAuditWire{DateIssued: out.CreatedAt, Sender: o.in.sender, Recipient: resendAudience{Email: out.Email},
		DeliveryMethod: method, DeliveryStatus: "DELIVERED", Etid: etidOrDefault(o.in.etid), ReasonCode: reason, OtherReason: out.OtherReason}
	if out.MobileNumber != nil {
		audit.Recipient.MobileNumber = *out.MobileNumber
	}
	st.audits = append(st.audits, audit)
	st.lastResend = now
	s.mu.Unlock()
	c.ok(http.StatusCreated, out)
}

// handleEmbeddedURL serves GET /lineItems/{id}/embeddedUrl for EMBEDDED and
// EMBEDDED_COMPONENT rewards: {url}, the reward's redemption link.
func (l *lineItems) handleEmbeddedURL(c *call) {
	s := l.s
	s.mu.Lock()
	o, st := l.lookup(c)
	if o == nil {
		return
	}
	if o.in.deliveryMethod != "EMBEDDED" && o.in.deliveryMethod != "EMBEDDED_COMPONENT" {
		s.mu.Unlock()
		c.fail(http.StatusBadRequest, "400.001", "Only EMBEDDED rewards have an embedded URL.")
		return
	}
	if st.cancelled {
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.010", "The reward is cancelled.")
		return
	}
	u := "https://rewards.tangotest.invalid/embed/" + o.lineItemID
	for _, cr := range o.credentials {
		if cr.CredentialType == CredentialRedemptionURL {
			u = cr.Value
		}
	}
	s.mu.Unlock()
	c.ok(http.StatusOK, map[string]string{"url": u})
}

// acceptedText answers 202 with the JSON string "Accepted", as Tango's reference
// declares (schema string, example "\"Accepted\"") for line item changes.
func (c *call) acceptedText() {
	if !c.runFaults(true) {
		return
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusAccepted)
	_, _ = c.w.Write([]byte(`"Accepted"`))
}
