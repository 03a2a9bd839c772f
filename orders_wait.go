package tango

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Polling intervals of OrdersService.Wait: the first wait, and the cap the doubling
// stops at. A PENDING order can take a business day, so the cap is generous.
const (
	waitFirstInterval = 2 * time.Second
	waitMaxInterval   = 5 * time.Minute
)

// Wait polls an order until its status is settled (see OrderStatus.Settled) and
// returns it. Orders under review come back PENDING and Tango settles them within a
// business day; Wait backs off from 2 s to 5 min between reads, with jitter, and
// ends when ctx does. Each read is an ordinary Get, retried as reads are.
func (s *OrdersService) Wait(ctx context.Context, referenceOrderID string) (*Order, error) {
	interval := waitFirstInterval
	for {
		o, err := s.Get(ctx, referenceOrderID)
		if err != nil {
			return nil, err
		}
		if o.State().Settled() {
			return o, nil
		}
		// Jitter between 75% and 100% of the interval keeps many waiters apart.
		delay := interval - time.Duration(rand.Int64N(int64(interval/4)+1))
		if err := s.c.clock.Sleep(ctx, delay); err != nil {
			return o, fmt.Errorf("tango: order %s still %s: %w", referenceOrderID, o.State(), err)
		}
		interval = min(interval*2, waitMaxInterval)
	}
}
