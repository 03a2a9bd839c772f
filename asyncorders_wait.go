package tango

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Polling intervals of AsyncOrdersService.Wait: the first wait and the cap.
const (
	asyncWaitFirstInterval = 2 * time.Second
	asyncWaitMaxInterval   = time.Minute
)

// Wait polls an async order until it settles (see AsyncOrderStatus.Settled) and
// returns its outcome: the order, every line item that placed no reward (refused
// at intake, from the submission, or failed in processing, read with
// failedOnly=true across all pages), and the line item ids the request repeated.
//
// It reads the order on the client's Clock, backing off from 2 s to 1 min with
// jitter, and ends when ctx does (with the last status in the error). Each read
// is an ordinary read, retried as reads are. After a crash, get the submission
// back by calling Create again with the same request and key: it replays.
func (s *AsyncOrdersService) Wait(ctx context.Context, sub *AsyncOrderSubmission) (*AsyncOrderResult, error) {
	if sub == nil {
		return nil, &ValidationError{Fields: []FieldError{{Path: "submission", I18nKey: keyRequired, Message: "a submission is required"}}}
	}
	interval := asyncWaitFirstInterval
	var o *AsyncOrder
	for {
		var err error
		o, err = s.Get(ctx, sub.CustomerIdentifier, sub.AccountIdentifier, sub.ExternalRefID, &AsyncLineItemParams{MaxResults: 1})
		if err != nil {
			return nil, err
		}
		if o.OrderStatus.Settled() {
			break
		}
		delay := interval - time.Duration(rand.Int64N(int64(interval/4)+1))
		if err := s.c.clock.Sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("tango: async order %s still %s: %w", sub.ExternalRefID, o.OrderStatus, err)
		}
		interval = min(interval*2, asyncWaitMaxInterval)
	}
	res := &AsyncOrderResult{Order: o, Duplicates: sub.DuplicateLineItemRefIDs}
	seen := map[string]bool{}
	for _, f := range sub.FailedLineItems {
		res.Failed = append(res.Failed, f)
		seen[f.ExternalRefLineItemID] = true
	}
	params := &AsyncLineItemParams{MaxResults: 100, FailedOnly: true}
	cursors := map[string]bool{}
	for {
		page, err := s.LineItems(ctx, sub.CustomerIdentifier, sub.AccountIdentifier, sub.ExternalRefID, params)
		if err != nil {
			return res, fmt.Errorf("tango: async order %s settled %s, but reading its failed line items failed: %w", sub.ExternalRefID, o.OrderStatus, err)
		}
		for _, li := range page.LineItems {
			if seen[li.ExternalRefLineItemID] {
				continue
			}
			seen[li.ExternalRefLineItemID] = true
			res.Failed = append(res.Failed, AsyncLineItemFailure{
				ReferenceLineItemID: li.ReferenceLineItemID, ExternalRefLineItemID: li.ExternalRefLineItemID,
				UTID: li.UTID, Errors: li.LineItemErrors,
			})
		}
		pg := page.Pagination
		if pg == nil || !pg.NextPageAvailable || pg.NextCursor == "" || cursors[pg.NextCursor] {
			return res, nil
		}
		cursors[pg.NextCursor] = true
		params.NextCursor = pg.NextCursor
	}
}
