package tokencache

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestTokenLifetimeAndUsableUntil(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		life   time.Duration
		margin time.Duration // how long before expiry callers stop using it
	}{
		{"a day: 30 s margin", 24 * time.Hour, 30 * time.Second},
		{"a minute: a tenth", time.Minute, 6 * time.Second},
		{"five minutes: the 30 s cap", 5 * time.Minute, 30 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok := &Token{Obtained: start, Expiry: start.Add(tc.life)}
			assert.Equal(t, tc.life, tok.Lifetime())
			assert.Equal(t, tok.Expiry.Add(-tc.margin), tok.usableUntil())
		})
	}
}
