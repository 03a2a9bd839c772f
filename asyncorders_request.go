package tango

// wireBody returns the request as it goes on the wire: a copy with each line
// item's quantity (0 means 1), amount (at most 2 decimals) and delivery method
// resolved. The caller's struct is not changed.
func (r *CreateAsyncOrderRequest) wireBody() *CreateAsyncOrderRequest {
	w := *r
	w.LineItems = make([]AsyncLineItemRequest, len(r.LineItems))
	for i, li := range r.LineItems {
		li.Quantity = max(li.Quantity, 1)
		li.Amount = li.Amount.trimScale(maxRequestDecimals)
		li.DeliveryMethod = li.resolvedDeliveryMethod()
		w.LineItems[i] = li
	}
	return &w
}
