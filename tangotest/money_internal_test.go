package tangotest

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"10", "10.00", nil},
		{"10.5", "10.50", nil},
		{"0.01", "0.01", nil},
		{"10.000", "10.00", nil},
		{"1e2", "100.00", nil},
		{"12345E-2", "123.45", nil},
		{"999999.99", "999999.99", nil},
		{"-0", "0.00", nil},
		{"0e99999", "0.00", nil},
		{"10.001", "", errTooManyDecimals},
		{"1e-3", "", errTooManyDecimals},
		{"1000000", "", errTooManyDigits},
		{"1e6", "", errTooManyDigits},
		{"1e999999999999", "", errTooManyDigits},
		{"1e-999999999999", "", errTooManyDecimals},
		{"-1", "", errNegative},
		{"", "", errDecimalSyntax},
		{"1.", "", errDecimalSyntax},
		{".5", "", errDecimalSyntax},
		{"1e", "", errDecimalSyntax},
		{"0x10", "", errDecimalSyntax},
		{"1,5", "", errDecimalSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, err := parseAmount(tt.in)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.String())
		})
	}
}

func TestRate(t *testing.T) {
	r, err := parseRate("1.085")
	require.NoError(t, err)
	assert.Equal(t, "1.085", string(r.number()))
	assert.Equal(t, "1", string(unitRate.number()))
	assert.Equal(t, "9.22", r.charge(1000).String(), "10.00 / 1.085 = 9.2166 rounds to 9.22")
	assert.Equal(t, "0.01", r.charge(1).String(), "0.0092 rounds to 1 cent")
	two, _ := parseRate("2")
	assert.Equal(t, "0.01", two.charge(1).String(), "half a cent rounds up")
	assert.Equal(t, "0.50", two.charge(100).String())
	eur, _ := parseRate("0.92")
	assert.Equal(t, "21.74", eur.charge(2000).String(), "20 EUR at 0.92 EUR per USD")
}

// FuzzParseDecimal checks the exact parser against math/big: whatever it accepts must
// equal the true value, and whatever it refuses must really break a limit.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"10", "10.00", "0.1", "1e2", "1E-2", "999999.99", "1000000", "10.001", "-1", "00012.3400", "1e400", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseDecimal(s, 2, 6)
		r, ok := new(big.Rat).SetString(s)
		valid := ok && s != "" && !strings.ContainsAny(s, "/+xXpP_") && !strings.HasPrefix(s, ".") &&
			!strings.Contains(s, "e.") && !strings.HasSuffix(s, ".") && !strings.Contains(s, ".e") && !strings.Contains(s, ".E")
		if err != nil {
			if err == errDecimalSyntax {
				return
			}
			if !ok {
				return // big.Rat refuses huge exponents that the parser bounds
			}
			cents := new(big.Rat).Mul(r, big.NewRat(100, 1))
			switch err {
			case errNegative:
				assert.Equal(t, -1, r.Sign())
			case errTooManyDecimals:
				assert.False(t, cents.IsInt(), "%q has at most 2 decimals", s)
			case errTooManyDigits:
				assert.True(t, r.Cmp(big.NewRat(1000000, 1)) >= 0, "%q is below 1000000", s)
			}
			return
		}
		if !valid {
			return
		}
		require.True(t, ok, "accepted %q that is not a number", s)
		assert.Zero(t, r.Cmp(big.NewRat(v, 100)), "%q parsed as %d cents", s, v)
		assert.True(t, v >= 0 && v < 100000000)
	})
}
