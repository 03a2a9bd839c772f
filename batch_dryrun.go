package tango

import (
	"context"
	"fmt"
	"iter"
	"strings"
)

// BatchEstimate is what a dry run learned about a batch before anything was sent.
type BatchEstimate struct {
	// Rows counts the rows read; Valid those that passed every check.
	Rows, Valid int
	// Problems lists the rows that would be refused, with why, in input order.
	Problems []BatchProblem
	// Accounts prices the valid rows per account charged, in its currency.
	Accounts []*BatchAccountTotal
}

// Sufficient reports whether every account's balance covers its rows.
func (e *BatchEstimate) Sufficient() bool {
	for _, a := range e.Accounts {
		if a.Total.Cmp(a.Balance) > 0 {
			return false
		}
	}
	return true
}

// BatchProblem is a row a dry run found wanting.
type BatchProblem struct {
	// Index is the row's position in the input, from 0.
	Index int
	// Key is the row's business key.
	Key string
	// Err says why: a *ValidationError naming the fields, or a catalog problem.
	Err error
}

// BatchAccountTotal is the price of a batch's rows on one account.
type BatchAccountTotal struct {
	CustomerIdentifier, AccountIdentifier string
	// Currency is the account's currency; Total and Balance are in it.
	Currency string
	// Rows counts the valid rows charged to the account.
	Rows int
	// Total is the face value of those rows at Tango's published exchange rates
	// (rounded to cents per row; Tango's own rounding and any fees may differ by
	// a little).
	Total Amount
	// Balance is the account's balance when the dry run read it.
	Balance Amount
}

// DryRun checks every row of a batch without sending any order: the row's key,
// that no two rows share an externalRefID, the request's own rules (Validate),
// and against the catalog that the item exists, is active, and takes the amount
// (within min and max, or the face value) in its currency; then it prices the
// valid rows in each account's currency with Tango's published exchange rates
// and reads each account's balance. It reads the catalog and the rates once, and
// each account once. It keeps one externalRefID per row to find duplicates, and
// nothing else of the rows.
func (b *Batch) DryRun(ctx context.Context, rows iter.Seq[BatchOrder]) (*BatchEstimate, error) {
	cat, err := b.s.c.Catalog.Get(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("tango: dry run: reading the catalog: %w", err)
	}
	items := map[string]*Item{}
	for _, it := range cat.Items() {
		if it != nil {
			items[strings.ToUpper(it.UTID)] = it
		}
	}
	rates := map[[2]string]*ExchangeRate{} // reward, base currency → rate
	ratesRead := false
	est := &BatchEstimate{}
	accounts := map[[2]string]*BatchAccountTotal{}
	keys := map[string]int{}
	n := -1
	for row := range rows {
		n++
		est.Rows++
		problem := func(err error) { est.Problems = append(est.Problems, BatchProblem{Index: n, Key: row.Key, Err: err}) }
		var v validator
		req := row.Request
		if req == nil {
			v.add("body", keyRequired, "the row has no order request")
			problem(v.err())
			continue
		}
		ref := req.ExternalRefID
		if ref == "" {
			if v.required("key", row.Key) {
				ref = ExternalRefIDFor(b.opts.Namespace, row.Key)
			}
		}
		if first, dup := keys[ref]; dup && ref != "" {
			v.add("key", keyUnprocessable, fmt.Sprintf("the same key (externalRefID) as row %d: only one of them can be placed", first+1))
		} else if ref != "" {
			keys[ref] = n
		}
		v.fields = append(v.fields, validationFields(req.Validate())...)
		if err := v.err(); err != nil {
			problem(err)
			continue
		}
		it := items[strings.ToUpper(req.UTID)]
		if err := checkItem(it, req); err != nil {
			problem(err)
			continue
		}
		ak := [2]string{req.CustomerIdentifier, req.AccountIdentifier}
		acct := accounts[ak]
		if acct == nil {
			a, err := b.s.c.Accounts.Get(ctx, req.AccountIdentifier)
			if err != nil {
				return nil, fmt.Errorf("tango: dry run: reading account %s: %w", req.AccountIdentifier, err)
			}
			acct = &BatchAccountTotal{CustomerIdentifier: ak[0], AccountIdentifier: ak[1], Currency: a.CurrencyCode, Balance: a.CurrentBalance}
			accounts[ak] = acct
			est.Accounts = append(est.Accounts, acct)
		}
		price := req.Amount
		if !strings.EqualFold(it.CurrencyCode, acct.Currency) {
			if !ratesRead {
				if err := b.readRates(ctx, rates); err != nil {
					return nil, err
				}
				ratesRead = true
			}
			fx, ok := rates[[2]string{strings.ToUpper(it.CurrencyCode), strings.ToUpper(acct.Currency)}]
			if !ok {
				problem(fmt.Errorf("%w: no published exchange rate from %s (item %s) to %s (account %s)", ErrItemNotFound, it.CurrencyCode, it.UTID, acct.Currency, acct.AccountIdentifier))
				continue
			}
			// Tango's direction: baseFx is reward units per account unit, so the
			// price is reward / baseFx (ExchangeRate.Price).
			if price, err = fx.Price(req.Amount); err != nil {
				problem(err)
				continue
			}
		}
		total, err := acct.Total.Add(price)
		if err != nil {
			problem(err)
			continue
		}
		acct.Total = total
		acct.Rows++
		est.Valid++
	}
	return est, nil
}

// readRates fills rates from Tango's published exchange rates.
func (b *Batch) readRates(ctx context.Context, rates map[[2]string]*ExchangeRate) error {
	for r, err := range b.s.c.Reference.AllExchangeRates(ctx, nil) {
		if err != nil {
			return fmt.Errorf("tango: dry run: reading exchange rates: %w", err)
		}
		rates[[2]string{strings.ToUpper(r.RewardCurrency), strings.ToUpper(r.BaseCurrency)}] = r
	}
	return nil
}

// checkItem checks a row against its catalog item.
func checkItem(it *Item, req *CreateOrderRequest) error {
	var v validator
	switch {
	case it == nil:
		v.add("utid", "422.024", "the item is not in the catalog")
	case it.Status != "" && it.Status != ItemActive:
		v.add("utid", "422.030", "the item is not active (status "+string(it.Status)+")")
	case it.ValueType == FixedValue && it.FaceValue != nil && !req.Amount.Equal(*it.FaceValue):
		v.add("amount", "422.027", "a fixed-value item takes exactly its face value, "+it.FaceValue.String()+" "+it.CurrencyCode)
	case it.ValueType != FixedValue && it.MinValue != nil && req.Amount.Cmp(*it.MinValue) < 0,
		it.ValueType != FixedValue && it.MaxValue != nil && req.Amount.Cmp(*it.MaxValue) > 0:
		lo, hi := "", ""
		if it.MinValue != nil {
			lo = it.MinValue.String()
		}
		if it.MaxValue != nil {
			hi = it.MaxValue.String()
		}
		v.add("amount", "422.025", fmt.Sprintf("outside the item's range %s to %s %s", lo, hi, it.CurrencyCode))
	}
	return v.err()
}

// Run is DryRun and then Send: it reads rows twice (rows must be able to start
// over, as a function reading a file is). It refuses to start, with an error
// matching ErrInsufficientFunds, when the dry run prices the batch above an
// account's balance, unless BatchOptions.IgnoreBalance is set. Rows the dry run
// found wanting are still sent and come back Refused (Tango refuses them too;
// nothing is charged), so that every row has a result.
func (b *Batch) Run(ctx context.Context, rows iter.Seq[BatchOrder]) (*BatchEstimate, iter.Seq2[int, BatchResult], error) {
	est, err := b.DryRun(ctx, rows)
	if err != nil {
		return nil, nil, err
	}
	if !est.Sufficient() && !b.opts.IgnoreBalance {
		var short []string
		for _, a := range est.Accounts {
			if a.Total.Cmp(a.Balance) > 0 {
				short = append(short, fmt.Sprintf("account %s needs %s %s, has %s", a.AccountIdentifier, a.Total, a.Currency, a.Balance))
			}
		}
		return est, nil, fmt.Errorf("%w: the batch costs more than the balance (%s); fund the account or set IgnoreBalance", ErrInsufficientFunds, strings.Join(short, "; "))
	}
	return est, b.Send(ctx, rows), nil
}
