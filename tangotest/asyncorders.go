package tangotest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// Async (bulk) orders: POST /asyncOrders accepts many line items at once and
// answers 202; the fake processes the order when it is first read after the
// processing delay (SetAsyncProcessingDelay), placing each line item as an order
// (same catalog, amount, currency and balance rules as POST /orders) unless it
// was told to fail it (FailAsyncLineItem). A repeated externalRefID on the same
// account answers 200 with the stored acceptance. Line item ids repeated within
// one request are reported in duplicateLineItemRefIds and processed once.

// Async statuses the fake uses.
const (
	asyncPending  = "PENDING"
	asyncComplete = "COMPLETE"
	asyncPartial  = "PARTIAL"
	asyncFailed   = "FAILED"
)

// asyncStore is the fake's async order state; the Server's mu guards it.
type asyncStore struct {
	delay   time.Duration
	failing map[string]string // externalRefLineItemID → message
	ending  map[string]string // externalRefID → final status of the whole order
	byKey   map[orderKey]*asyncOrder
	list    []*asyncOrder
	seq     int
	placed  int
}

// asyncOrder is one stored async order.
type asyncOrder struct {
	refID, externalRefID string
	customer, account    string
	accountNumber        string
	sender               nameEmail
	campaign, po, notes  string
	createdAt, completed time.Time
	status               string
	accepted             asyncEntityWire
	items                []*asyncItem
	currency             string
	charged              amount
}

// asyncItem is one line item of an async order.
type asyncItem struct {
	refID, extID, utid string
	quantity           int
	in                 orderInput
	amount             amount
	deliveryMethod     string
	status             string
	errors             []asyncErrorDto
	orders             []*order
}

type asyncCreateRequest struct {
	ExternalRefID       *string             `json:"externalRefID"`
	CustomerIdentifier  *string             `json:"customerIdentifier"`
	AccountIdentifier   *string             `json:"accountIdentifier"`
	Sender              *senderInput        `json:"sender"`
	Campaign            *string             `json:"campaign"`
	PurchaseOrderNumber *string             `json:"purchaseOrderNumber"`
	Notes               *string             `json:"notes"`
	LineItems           []asyncLineItemWire `json:"lineItems"`
}

type asyncLineItemWire struct {
	ExternalRefLineItemID *string         `json:"externalRefLineItemID"`
	Quantity              *int            `json:"quantity"`
	UTID                  *string         `json:"utid"`
	Amount                json.RawMessage `json:"amount"`
	DeliveryMethod        *string         `json:"deliveryMethod"`
	Recipient             *recipientInput `json:"recipient"`
	Etid                  *string         `json:"etid"`
	EmailSubject          *string         `json:"emailSubject"`
	Message               *string         `json:"message"`
	LineItemNote          *string         `json:"lineItemNote"`
}

type asyncValidationError struct {
	Field          string `json:"field"`
	ErrorCodeValue int    `json:"errorCodeValue"`
	ErrorCodeName  string `json:"errorCodeName"`
	Message        string `json:"message"`
}

type asyncLineItemError struct {
	LineItemID            string                 `json:"lineItemId,omitempty"`
	ExternalRefLineItemID string                 `json:"externalRefLineItemID"`
	UTID                  string                 `json:"utid,omitempty"`
	Errors                []asyncValidationError `json:"errors"`
}

type asyncEntityWire struct {
	ExternalRefID           string               `json:"externalRefID"`
	Status                  string               `json:"status"`
	TotalLineItems          int                  `json:"totalLineItems"`
	CreatedAt               string               `json:"createdAt"`
	FailedLineItems         []asyncLineItemError `json:"failedLineItems"`
	DuplicateLineItemRefIDs map[string]int       `json:"duplicateLineItemRefIds,omitempty"`
}

type asyncErrorDto struct {
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

type asyncAmountWire struct {
	CurrencyCode string      `json:"currencyCode"`
	Value        json.Number `json:"value"`
	Total        json.Number `json:"total"`
	ShippingFee  json.Number `json:"shippingFee"`
}

type asyncPaginationWire struct {
	PrevCursor        string `json:"prevCursor,omitempty"`
	NextCursor        string `json:"nextCursor,omitempty"`
	PrevPageAvailable bool   `json:"prevPageAvailable"`
	NextPageAvailable bool   `json:"nextPageAvailable"`
	MaxResults        int    `json:"maxResults"`
	NumberOfElements  int    `json:"numberOfElements"`
}

type asyncLineItemView struct {
	ReferenceLineItemID   string          `json:"referenceLineItemID"`
	ExternalRefLineItemID string          `json:"externalRefLineItemID"`
	LineItemStatus        string          `json:"lineItemStatus"`
	DeliveryStatus        string          `json:"deliveryStatus"`
	DeliveryMethod        string          `json:"deliveryMethod"`
	Recipient             recipientWire   `json:"recipient"`
	UTID                  string          `json:"utid"`
	RewardName            string          `json:"rewardName"`
	Quantity              int             `json:"quantity"`
	Amount                json.Number     `json:"amount"`
	LineItemErrors        []asyncErrorDto `json:"lineItemErrors"`
	// The verbose view (GET .../lineItems, AsyncLineItemViewVerbose) requires these
	// too; the short one omits them.
	AmountIssued   *moneyView         `json:"amountIssued,omitempty"`
	AmountCharged  *moneyView         `json:"amountCharged,omitempty"`
	DateIssued     string             `json:"dateIssued,omitempty"`
	ExpirationDate string             `json:"expirationDate,omitempty"`
	Etid           string             `json:"etid,omitempty"`
	Rewards        *[]asyncRewardView `json:"rewards,omitempty"`
}

type asyncRewardView struct {
	RewardStatus           string           `json:"rewardStatus"`
	CredentialList         []credentialWire `json:"credentialList"`
	RedemptionInstructions string           `json:"redemptionInstructions"`
}

type asyncDetailWire struct {
	ReferenceOrderID    string              `json:"referenceOrderID"`
	ExternalRefID       string              `json:"externalRefID"`
	OrderStatus         string              `json:"orderStatus"`
	CreatedAt           string              `json:"createdAt"`
	CompletedAt         string              `json:"completedAt,omitempty"`
	CustomerIdentifier  string              `json:"customerIdentifier"`
	AccountIdentifier   string              `json:"accountIdentifier"`
	Sender              nameEmail           `json:"sender"`
	AmountCharged       asyncAmountWire     `json:"amountCharged"`
	Campaign            string              `json:"campaign"`
	PurchaseOrderNumber string              `json:"purchaseOrderNumber"`
	Notes               string              `json:"notes"`
	TotalLineItems      int                 `json:"totalLineItems"`
	Pagination          asyncPaginationWire `json:"pagination"`
	OrderErrors         []asyncErrorDto     `json:"orderErrors"`
	LineItems           []asyncLineItemView `json:"lineItems"`
}

func (s *Server) asyncOrderRoutes() []route {
	const one = "/asyncOrders/customers/{customerIdentifier}/accounts/{accountIdentifier}/{externalRefID}"
	return []route{
		{http.MethodPost, "/asyncOrders", s.handleCreateAsyncOrder},
		{http.MethodGet, "/asyncOrders", s.handleListAsyncOrders},
		{http.MethodGet, "/asyncOrders/reasonCodes", s.handleAsyncReasonCodes},
		{http.MethodGet, one, func(c *call) { s.handleGetAsyncOrder(c, false) }},
		{http.MethodPatch, one, s.handleUpdateAsyncOrder},
		{http.MethodGet, one + "/lineItems", func(c *call) { s.handleGetAsyncOrder(c, true) }},
		{http.MethodPatch, "/asyncOrders/lineItems/{referenceLineItemId}", s.handleUpdateAsyncLineItem},
	}
}

// SetAsyncProcessingDelay sets how long after acceptance an async order is
// processed (measured on the fake's clock, see WithClock). The default is 0: the
// first read after acceptance processes it.
func (s *Server) SetAsyncProcessingDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.async.delay = d
}

// FailAsyncLineItem makes every async line item with this externalRefLineItemID
// fail when it is processed, with message as its error (nothing is charged).
func (s *Server) FailAsyncLineItem(externalRefLineItemID, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.async.failing == nil {
		s.async.failing = map[string]string{}
	}
	s.async.failing[externalRefLineItemID] = message
}

// EndAsyncOrder makes the async order with this externalRefID end with status
// (such as "CANCELLED", "REJECTED" or "FAILED") when it is processed: none of
// its line items is placed and none carries an error of its own, each taking
// the order's status. This is how an order can end as a whole, without a
// per-line-item result, and lets a test check that a client never reports
// such line items as placed.
func (s *Server) EndAsyncOrder(externalRefID, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.async.ending == nil {
		s.async.ending = map[string]string{}
	}
	s.async.ending[externalRefID] = status
}

// AsyncOrdersCreated returns how many async orders the fake accepted (replays
// excluded).
func (s *Server) AsyncOrdersCreated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.async.list)
}

// AsyncLineItemsPlaced returns how many async line items placed their rewards.
func (s *Server) AsyncLineItemsPlaced() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.async.placed
}

// handleCreateAsyncOrder serves POST /asyncOrders.
func (s *Server) handleCreateAsyncOrder(c *call) {
	var req asyncCreateRequest
	if !c.decode(&req) {
		return
	}
	var errs []fieldErrorInfo
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	ref, cust, acct := str(req.ExternalRefID), str(req.CustomerIdentifier), str(req.AccountIdentifier)
	if strings.TrimSpace(ref) == "" {
		errs = append(errs, fieldErrorInfo{Path: "externalRefID", I18nKey: "422.007", Message: "Failed field externalRefID: a value is required."})
	} else if len(ref) > 100 {
		errs = append(errs, fieldErrorInfo{Path: "externalRefID", I18nKey: "422.110", Message: "externalRefID must be at most 100 characters."})
	}
	if len(req.LineItems) == 0 {
		errs = append(errs, fieldErrorInfo{Path: "lineItems", I18nKey: "422.007", Message: "Failed field lineItems: a value is required."})
	}
	if len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}

	s.mu.Lock()
	key := orderKey{account: acct, ref: ref}
	if o := s.async.byKey[key]; o != nil {
		v := o.accepted
		s.mu.Unlock()
		c.ok(http.StatusOK, v)
		return
	}
	cu, ok := s.customers[cust]
	if !ok {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.002", "This customer does not exist for this platform.")
		return
	}
	ac, ok := s.accounts[acct]
	if !ok || ac.customer != cu {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.003", "The account does not exist for this platform (or not under this customer).")
		return
	}
	now := s.now()
	s.async.seq++
	o := &asyncOrder{
		refID:         fmt.Sprintf("AA%s-%d-%02d", now.UTC().Format("060102"), 1000+s.async.seq, (s.async.seq*37+11)%90+10),
		externalRefID: ref, customer: cust, account: acct, accountNumber: ac.number,
		campaign: str(req.Campaign), po: str(req.PurchaseOrderNumber), notes: str(req.Notes),
		createdAt: now, status: asyncPending, currency: ac.currency,
	}
	if req.Sender != nil {
		o.sender = nameEmail{FirstName: str(req.Sender.FirstName), LastName: str(req.Sender.LastName), Email: str(req.Sender.Email)}
	}
	ent := asyncEntityWire{ExternalRefID: ref, Status: asyncPending, TotalLineItems: len(req.LineItems), CreatedAt: stamp(now), FailedLineItems: []asyncLineItemError{}}
	counts := map[string]int{}
	for i := range req.LineItems {
		li := &req.LineItems[i]
		ext := str(li.ExternalRefLineItemID)
		counts[ext]++
		if counts[ext] > 1 {
			continue
		}
		it := &asyncItem{refID: fmt.Sprintf("%s-%d", o.refID, i+1), extID: ext, utid: str(li.UTID), quantity: 1, status: asyncPending}
		if li.Quantity != nil && *li.Quantity > 0 {
			it.quantity = *li.Quantity
		}
		in, ferrs, err := validateOrder(&createOrderRequest{
			ExternalRefID: li.ExternalRefLineItemID, CustomerIdentifier: &cust, AccountIdentifier: &acct,
			UTID: li.UTID, Amount: li.Amount, DeliveryMethod: li.DeliveryMethod, Recipient: li.Recipient,
			Sender: req.Sender, EmailSubject: li.EmailSubject, Message: li.Message, Etid: li.Etid,
		})
		if err != nil && len(ferrs) == 0 {
			ferrs = []fieldErrorInfo{{Path: "lineItems", I18nKey: "400.009", Message: "The line item could not be read."}}
		}
		if ext == "" {
			ferrs = append(ferrs, fieldErrorInfo{Path: "externalRefLineItemID", I18nKey: "422.007", Message: "a value is required"})
		}
		if len(ferrs) > 0 {
			it.status = asyncFailed
			fe := asyncLineItemError{LineItemID: it.refID, ExternalRefLineItemID: ext, UTID: it.utid}
			for _, f := range ferrs {
				fe.Errors = append(fe.Errors, asyncValidationError{Field: f.Path, ErrorCodeName: f.I18nKey, Message: f.Message})
				it.errors = append(it.errors, asyncErrorDto{ErrorCode: f.I18nKey, ErrorMessage: f.Message})
			}
			ent.FailedLineItems = append(ent.FailedLineItems, fe)
		}
		it.in, it.amount, it.deliveryMethod = in, in.amount, in.deliveryMethod
		o.items = append(o.items, it)
	}
	for id, n := range counts {
		if n > 1 {
			if ent.DuplicateLineItemRefIDs == nil {
				ent.DuplicateLineItemRefIDs = map[string]int{}
			}
			ent.DuplicateLineItemRefIDs[id] = n
		}
	}
	o.accepted = ent
	if s.async.byKey == nil {
		s.async.byKey = map[orderKey]*asyncOrder{}
	}
	s.async.byKey[key] = o
	s.async.list = append(s.async.list, o)
	s.mu.Unlock()
	c.ok(http.StatusAccepted, ent)
}

// processAsyncLocked places the line items of o once its delay has passed.
func (s *Server) processAsyncLocked(o *asyncOrder) {
	if o.status != asyncPending || s.now().Before(o.createdAt.Add(s.async.delay)) {
		return
	}
	if status, ok := s.async.ending[o.externalRefID]; ok {
		for _, it := range o.items {
			if it.status != asyncFailed {
				it.status = status
			}
		}
		o.status, o.completed = status, s.now()
		return
	}
	placed, failed := 0, 0
	for _, it := range o.items {
		if it.status == asyncFailed {
			failed++
			continue
		}
		if msg, bad := s.async.failing[it.extID]; bad {
			it.status = asyncFailed
			it.errors = append(it.errors, asyncErrorDto{ErrorCode: "LINE_ITEM_FAILED", ErrorMessage: msg})
			failed++
			continue
		}
		var why []asyncErrorDto
		for q := 0; q < it.quantity && why == nil; q++ {
			in := it.in
			in.externalRefID = "" // line items are not keyed orders
			ord, fail := s.placeOrderLocked(in)
			if fail != nil {
				why = failureErrors(fail)
				break
			}
			it.orders = append(it.orders, ord)
			o.charged += ord.charged
		}
		if why != nil {
			it.status, it.errors = asyncFailed, why
			failed++
			continue
		}
		it.status = asyncComplete
		placed++
		s.async.placed++
	}
	switch {
	case failed == 0:
		o.status = asyncComplete
	case placed == 0:
		o.status = asyncFailed
	default:
		o.status = asyncPartial
	}
	o.completed = s.now()
}

// failureErrors turns a business refusal of placeOrderLocked into line item
// errors, by running it against a recorder.
func failureErrors(fail func(*call)) []asyncErrorDto {
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, PathOrders, nil)
	fail(&call{s: &Server{cfg: defaultConfig()}, w: rec, r: req})
	var body errorInfo
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	if len(body.Errors) > 0 {
		out := make([]asyncErrorDto, 0, len(body.Errors))
		for _, e := range body.Errors {
			out = append(out, asyncErrorDto{ErrorCode: e.I18nKey, ErrorMessage: e.Message})
		}
		return out
	}
	return []asyncErrorDto{{ErrorCode: body.I18nKey, ErrorMessage: body.Message}}
}

// findAsyncLocked returns the async order a path names, processed if due.
func (s *Server) findAsyncLocked(c *call) *asyncOrder {
	o := s.async.byKey[orderKey{account: c.param("accountIdentifier"), ref: c.param("externalRefID")}]
	if o == nil || o.customer != c.param("customerIdentifier") {
		return nil
	}
	s.processAsyncLocked(o)
	return o
}

// handleGetAsyncOrder serves GET .../{externalRefID} and .../lineItems.
func (s *Server) handleGetAsyncOrder(c *call, verbose bool) {
	q := c.r.URL.Query()
	limit, maxLimit := 100, 500
	if verbose {
		limit, maxLimit = 50, 100
	}
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			c.fieldErrors(fieldErrorInfo{Path: "maxResults", I18nKey: "422.001", Message: fmt.Sprintf("maxResults must be 1 to %d.", maxLimit)})
			return
		}
		limit = n
	}
	start := 0
	if v := q.Get("nextCursor"); v != "" {
		b, err := base64.StdEncoding.DecodeString(v)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			c.fail(http.StatusBadRequest, "400.001", "The cursor is not valid.")
			return
		}
		start = n
	}
	failedOnly := q.Get("failedOnly") == "true"
	s.mu.Lock()
	o := s.findAsyncLocked(c)
	if o == nil {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.110", "No async order exists for the external ref ID.")
		return
	}
	var rows []*asyncItem
	for _, it := range o.items {
		if !failedOnly || it.status == asyncFailed {
			rows = append(rows, it)
		}
	}
	d := o.detail()
	end := min(start+limit, len(rows))
	start = min(start, end)
	for _, it := range rows[start:end] {
		d.LineItems = append(d.LineItems, it.view(verbose, o.createdAt))
	}
	d.Pagination = asyncPaginationWire{MaxResults: limit, NumberOfElements: end - start, PrevPageAvailable: start > 0}
	if end < len(rows) {
		d.Pagination.NextPageAvailable = true
		d.Pagination.NextCursor = base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	s.mu.Unlock()
	if d.LineItems == nil {
		d.LineItems = []asyncLineItemView{}
	}
	c.ok(http.StatusOK, d)
}

// detail renders the order without line items.
func (o *asyncOrder) detail() asyncDetailWire {
	d := asyncDetailWire{
		ReferenceOrderID: o.refID, ExternalRefID: o.externalRefID, OrderStatus: o.status, CreatedAt: stamp(o.createdAt),
		CustomerIdentifier: o.customer, AccountIdentifier: o.account, Sender: o.sender,
		AmountCharged: asyncAmountWire{CurrencyCode: o.currency, Value: o.charged.number(), Total: o.charged.number(), ShippingFee: amount(0).number()},
		Campaign:      o.campaign, PurchaseOrderNumber: o.po, Notes: o.notes, TotalLineItems: o.accepted.TotalLineItems,
		OrderErrors: []asyncErrorDto{},
	}
	if !o.completed.IsZero() {
		d.CompletedAt = stamp(o.completed)
	}
	return d
}

// view renders a line item; verbose adds the amounts, dates, template and rewards
// (created is the async order's creation, the issue date of items not placed).
func (it *asyncItem) view(verbose bool, created time.Time) asyncLineItemView {
	v := asyncLineItemView{
		ReferenceLineItemID: it.refID, ExternalRefLineItemID: it.extID, LineItemStatus: it.status,
		DeliveryStatus: "PENDING", DeliveryMethod: it.deliveryMethod, Recipient: it.in.recipient, UTID: it.utid,
		Quantity: it.quantity, Amount: it.amount.number(), LineItemErrors: append([]asyncErrorDto{}, it.errors...),
	}
	if it.status == asyncComplete {
		v.DeliveryStatus = "DELIVERED"
	}
	if len(it.orders) > 0 {
		v.RewardName = it.orders[0].rewardName
	}
	if verbose {
		rewards := []asyncRewardView{}
		for _, o := range it.orders {
			rewards = append(rewards, asyncRewardView{RewardStatus: "ISSUED", CredentialList: append([]credentialWire(nil), o.credentials...),
				RedemptionInstructions: "Use the credentials below at the merchant. (tangotest fake reward)"})
		}
		v.Rewards = &rewards
		issued := &moneyView{Value: it.amount.number(), ExchangeRate: unitRate.number(), Fee: amount(0).number(), Total: it.amount.number()}
		charged := issued
		v.DateIssued, v.Etid = stamp(created), etidOrDefault(it.in.etid)
		if len(it.orders) > 0 {
			ov := it.orders[0].view(false)
			issued, charged = &ov.Denomination, &ov.AmountCharged
			v.DateIssued = ov.CreatedAt
			created = it.orders[0].createdAt
		}
		v.AmountIssued, v.AmountCharged = issued, charged
		v.ExpirationDate = stamp(created.AddDate(fakeRewardLifeYears, 0, 0))
	}
	return v
}

// handleListAsyncOrders serves GET /asyncOrders, filtered by account, customer
// and externalRefID, newest last, in one page.
func (s *Server) handleListAsyncOrders(c *call) {
	q := c.r.URL.Query()
	type row struct {
		CreatedAt          string          `json:"createdAt"`
		ReferenceOrderID   string          `json:"referenceOrderID"`
		ExternalRefID      string          `json:"externalRefID"`
		CustomerIdentifier string          `json:"customerIdentifier"`
		AccountIdentifier  string          `json:"accountIdentifier"`
		AccountNumber      string          `json:"accountNumber"`
		Campaign           string          `json:"campaign"`
		OrderStatus        string          `json:"orderStatus"`
		TotalLineItemsRows int             `json:"totalLineItemsRows"`
		AmountCharged      asyncAmountWire `json:"amountCharged"`
	}
	out := struct {
		PrevPageAvailable bool  `json:"prevPageAvailable"`
		NextPageAvailable bool  `json:"nextPageAvailable"`
		MaxResults        int   `json:"maxResults"`
		Orders            []row `json:"orders"`
	}{Orders: []row{}}
	s.mu.Lock()
	for _, o := range s.async.list {
		if (q.Get("customerIdentifier") != "" && q.Get("customerIdentifier") != o.customer) ||
			(q.Get("accountIdentifier") != "" && q.Get("accountIdentifier") != o.account) ||
			(q.Get("externalRefID") != "" && q.Get("externalRefID") != o.externalRefID) {
			continue
		}
		s.processAsyncLocked(o)
		d := o.detail()
		out.Orders = append(out.Orders, row{d.CreatedAt, o.refID, o.externalRefID, o.customer, o.account, o.accountNumber,
			o.campaign, o.status, len(o.items), d.AmountCharged})
	}
	s.mu.Unlock()
	out.MaxResults = len(out.Orders)
	c.ok(http.StatusOK, out)
}

// handleUpdateAsyncOrder serves PATCH .../{externalRefID}.
func (s *Server) handleUpdateAsyncOrder(c *call) {
	var req struct {
		Campaign            *string `json:"campaign"`
		PurchaseOrderNumber *string `json:"purchaseOrderNumber"`
		Notes               *string `json:"notes"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Notes != nil && len([]rune(*req.Notes)) > 150 {
		c.fieldErrors(fieldErrorInfo{Path: "notes", I18nKey: "422.006", Message: "Field notes must not be longer than 150 characters."})
		return
	}
	s.mu.Lock()
	o := s.findAsyncLocked(c)
	if o == nil {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.110", "No async order exists for the external ref ID.")
		return
	}
	if req.Campaign != nil {
		o.campaign = *req.Campaign
	}
	if req.PurchaseOrderNumber != nil {
		o.po = *req.PurchaseOrderNumber
	}
	if req.Notes != nil {
		o.notes = *req.Notes
	}
	d := o.detail()
	d.LineItems = []asyncLineItemView{}
	s.mu.Unlock()
	c.ok(http.StatusOK, d)
}

// handleUpdateAsyncLineItem serves PATCH /asyncOrders/lineItems/{id}.
func (s *Server) handleUpdateAsyncLineItem(c *call) {
	var req struct {
		LineItemNote *string      `json:"lineItemNote"`
		DeliveryDate *string      `json:"deliveryDate"`
		SenderInfo   *senderInput `json:"senderInfo"`
	}
	if !c.decode(&req) {
		return
	}
	if req.LineItemNote == nil && req.DeliveryDate == nil && req.SenderInfo == nil {
		c.fieldErrors(fieldErrorInfo{Path: "body", I18nKey: "422.007", Message: "At least one field must be provided."})
		return
	}
	id := c.param("referenceLineItemId")
	s.mu.Lock()
	var found *asyncItem
	for _, o := range s.async.list {
		for _, it := range o.items {
			if it.refID == id {
				found = it
			}
		}
	}
	s.mu.Unlock()
	if found == nil {
		c.fail(http.StatusNotFound, "404.111", "The line item does not exist.")
		return
	}
	out := map[string]any{}
	if req.LineItemNote != nil {
		out["note"] = *req.LineItemNote
	}
	if req.DeliveryDate != nil {
		out["deliveryDate"] = *req.DeliveryDate
	}
	if si := req.SenderInfo; si != nil {
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		out["senderInfo"] = nameEmail{FirstName: str(si.FirstName), LastName: str(si.LastName), Email: str(si.Email)}
	}
	c.ok(http.StatusCreated, out)
}

// handleAsyncReasonCodes serves GET /asyncOrders/reasonCodes.
func (s *Server) handleAsyncReasonCodes(c *call) {
	c.ok(http.StatusOK, map[string]any{"reasonCodes": map[string]map[string]string{
		"CANCEL":   {"CANCEL_REQUESTED_BY_CLIENT": "Cancelled at the client's request"},
		"FREEZE":   {"FREEZE_SUSPECTED_FRAUD": "Suspected fraud"},
		"UNFREEZE": {"UNFREEZE_RESOLVED": "Issue resolved"},
		"REISSUE":  {"REISSUE_NOT_RECEIVED": "Recipient did not receive the reward"},
	}})
}
