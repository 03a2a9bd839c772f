package tango

import "fmt"

// listWalk counts the list requests of one All walk against the client's cap
// (WithMaxListRequests).
type listWalk struct {
	n, max int
}

// newListWalk starts the count for one walk.
func (c *Client) newListWalk() *listWalk { return &listWalk{max: c.maxListCalls} }

// next records one more request, or returns ErrListTooLong when the cap is
// reached.
func (w *listWalk) next() error {
	if w.n >= w.max {
		return fmt.Errorf("%w: %d requests made", ErrListTooLong, w.n)
	}
	w.n++
	return nil
}
