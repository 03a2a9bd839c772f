package tangotest

import (
	"net/http"
	"strings"
	"time"
)

// ResendInterval is how often an order's reward may be resent (403.005 sooner).
const ResendInterval = 30 * time.Second

// resendRequest is the optional body of POST /orders/{id}/resends.
type resendRequest struct {
	NewEmail          *string `json:"newEmail"`
	NewMobile         *string `json:"newMobile"`
	NewEtid           *string `json:"newEtid"`
	NewDeliveryMethod *string `json:"newDeliveryMethod"`
}

// handleResend serves POST /orders/{referenceOrderID}/resends: 201 at most once per
// ResendInterval per order; 403.003 for orders that were not sent by Tango; 403.005
// when called too soon.
func (s *Server) handleResend(c *call) {
	var req resendRequest
	if len(strings.TrimSpace(string(c.body))) > 0 && !c.decode(&req) {
		return
	}
	if req.NewEmail != nil && *req.NewEmail != "" && !wellFormedEmail(*req.NewEmail) {
		c.fieldErrors(fieldErrorInfo{Path: "newEmail", I18nKey: "422.134", Message: "not a well-formed email address", InvalidValue: *req.NewEmail})
		return
	}
	s.mu.Lock()
	o, ok := s.ordersByRef[c.param("referenceOrderID")]
	if !ok {
		s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.005", "The order cannot be found under this platform; check the reference order ID.")
		return
	}
	method := o.in.deliveryMethod
	if req.NewDeliveryMethod != nil && *req.NewDeliveryMethod != "" {
		method = strings.ToUpper(*req.NewDeliveryMethod)
	}
	if method == "NONE" || method == "EMBEDDED" || method == "EMBEDDED_COMPONENT" {
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.003", "This order was not delivered by Tango (sendEmail=false), so it cannot be resent; read it with the order details call.")
		return
	}
	now := s.now()
	if o.resent && now.Sub(o.lastResend) < ResendInterval {
		last := stamp(o.lastResend)
		s.mu.Unlock()
		c.fail(http.StatusForbidden, "403.005", "Cannot resend more than once every 30 seconds. Last sent at "+last+".")
		return
	}
	o.resent, o.lastResend = true, now
	s.resendSeq++
	out := resendWire{ID: s.resendSeq, CreatedAt: stamp(now), Email: o.in.recipient.Email}
	if req.NewEmail != nil && *req.NewEmail != "" {
		out.Email = *req.NewEmail
	}
	if req.NewMobile != nil {
		out.MobileNumber = *req.NewMobile
	}
	s.mu.Unlock()
	c.ok(http.StatusCreated, out)
}
