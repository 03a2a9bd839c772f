package tango

import "math"

// defaultBatchConcurrency is a batch's concurrency when the client's pace for
// POST /orders cannot be read.
const defaultBatchConcurrency = 4

// batchConcurrency sizes a batch to the client's pace for POST /orders: enough
// orders in flight to use every turn the limiter gives while answers are on
// their way, and no more.
func (c *Client) batchConcurrency() int {
	r := c.rates.rateFor(Endpoint{Method: "POST", Path: "/orders"})
	if !c.paced || r == Unlimited {
		return defaultBatchConcurrency
	}
	// An order's answer takes up to about 2 s: hold enough in flight to use
	// every turn in that time, plus one waiting for the next turn.
	return min(max(int(math.Ceil(float64(r)*2))+1, 2), 256)
}
