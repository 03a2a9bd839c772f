package tangotest

import (
	"net/url"
	"time"
)

// The list filters the customer and account lists share: createdAt ranges and
// balance bounds. A malformed filter is answered with 400 and a field error, as
// Tango does for parameters it cannot bind.

// dateRange is a createdAt filter; zero ends are open.
type dateRange struct{ from, to time.Time }

// readDateRange reads a pair of date filters. On a malformed value it answers 400
// and returns false.
func readDateRange(c *call, q url.Values, fromName, toName string) (dateRange, bool) {
	var r dateRange
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{fromName, &r.from}, {toName, &r.to}} {
		t, _, ok := dateParam(q, p.name)
		if !ok {
			c.fieldErrors(fieldErrorInfo{Path: p.name, I18nKey: "422.044", Message: "The date must be in ISO 8601 format.", InvalidValue: q.Get(p.name)})
			return r, false
		}
		*p.dst = t
	}
	return r, true
}

// contains reports whether t lies within the range (both ends included).
func (r dateRange) contains(t time.Time) bool {
	return (r.from.IsZero() || !t.Before(r.from)) && (r.to.IsZero() || !t.After(r.to))
}

// balanceRange is a currentBalance filter; nil ends are open.
type balanceRange struct{ min, max *amount }

// readBalanceRange reads minBalance and maxBalance. On a malformed value it
// answers 400 and returns false.
func readBalanceRange(c *call, q url.Values) (balanceRange, bool) {
	var r balanceRange
	for _, p := range []struct {
		name string
		dst  **amount
	}{{"minBalance", &r.min}, {"maxBalance", &r.max}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		a, err := parseDecimal(v, 2, 12)
		if err != nil {
			c.fieldErrors(fieldErrorInfo{Path: p.name, I18nKey: "400.001", Message: p.name + " must be a number.", InvalidValue: v})
			return r, false
		}
		am := amount(a)
		*p.dst = &am
	}
	return r, true
}

// contains reports whether a lies within the range (both ends included).
func (r balanceRange) contains(a amount) bool {
	return (r.min == nil || a >= *r.min) && (r.max == nil || a <= *r.max)
}
