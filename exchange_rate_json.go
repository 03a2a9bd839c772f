package tango

import (
	"encoding/json"
	"fmt"
	"time"
)

// UnmarshalJSON reads a rate. Tango's sandbox has sent lastModifiedDate without a
// zone ("2018-04-19T13:00:14.291", recorded in Tango's own SDK tests), which
// time.Time refuses; such a time is read as UTC, where Tango updates its rates.
func (r *ExchangeRate) UnmarshalJSON(b []byte) error {
	type plain ExchangeRate
	var aux struct {
		plain
		LastModifiedDate *string `json:"lastModifiedDate"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*r = ExchangeRate(aux.plain)
	r.LastModifiedDate = time.Time{}
	if aux.LastModifiedDate == nil || *aux.LastModifiedDate == "" {
		return nil
	}
	t, err := parseRateTime(*aux.LastModifiedDate)
	if err != nil {
		return fmt.Errorf("tango: exchange rate lastModifiedDate: %w", err)
	}
	r.LastModifiedDate = t
	return nil
}

// parseRateTime reads an RFC 3339 time, or one without a zone as UTC.
func parseRateTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
}
