package tango_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

func TestParseAmountValid(t *testing.T) {
	tests := []struct {
		in   string
		want string // String() of the result
		sign int
	}{
		{"0", "0", 0},
		{"0.00", "0.00", 0},
		{"-0", "0", 0},
		{"-0.00", "0.00", 0},
		{"10", "10", 1},
		{"10.0", "10.0", 1},
		{"10.00", "10.00", 1},
		{"0.01", "0.01", 1},
		{"0.5", "0.5", 1},
		{"-3.25", "-3.25", -1},
		{"9127.88", "9127.88", 1},
		{"1.3599", "1.3599", 1},
		{"999999.99", "999999.99", 1},
		{"123456789012345678", "123456789012345678", 1},
		{"0.123456789012345678", "0.123456789012345678", 1},
		{"9223372036854775807", "9223372036854775807", 1},
		{"-9223372036854775808", "-9223372036854775808", -1},
		{"922337203685477580.7", "922337203685477580.7", 1},
		// Scientific notation, as Java writes large and small doubles.
		{"1.0E7", "10000000", 1},
		{"1.23456789E7", "12345678.9", 1},
		{"1e2", "100", 1},
		{"1E+2", "100", 1},
		{"1.0E-4", "0.00010", 1},
		{"25e-1", "2.5", 1},
		{"0e500", "0", 0},
		{"0.0e-900", "0.000000000000000000", 0},
		// Trailing zeros beyond the bounds are dropped without loss.
		{"1.00000000000000000000000", "1.000000000000000000", 1},
		{"10.0000000000000000000", "10.00000000000000000", 1}, // 19 digits fit, 20 do not
		{"1234567890123456789.000", "1234567890123456789", 1},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, err := tango.ParseAmount(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.String())
			assert.Equal(t, tt.sign, a.Sign())
			assert.Equal(t, tt.sign == 0, a.IsZero())

			again, err := tango.ParseAmount(a.String())
			require.NoError(t, err)
			assert.True(t, again.Equal(a), "round trip changed the value")
			assert.Equal(t, a, again, "round trip changed the representation")
		})
	}
}

func TestParseAmountInvalid(t *testing.T) {
	tests := []struct {
		name, in, why string
	}{
		{"empty", "", "empty"},
		{"minus only", "-", "expected a digit"},
		{"space", " 1", "offset 0"},
		{"trailing space", "1 ", "offset 1"},
		{"plus sign", "+1", "offset 0"},
		{"NaN", "NaN", "offset 0"},
		{"Infinity", "Infinity", "offset 0"},
		{"negative infinity", "-Inf", "offset 1"},
		{"leading zero", "01", "leading zero"},
		{"leading zeros", "-007.5", "leading zero"},
		{"bare point", ".5", "offset 0"},
		{"trailing point", "1.", "after the decimal point"},
		{"two points", "1.2.3", "offset 3"},
		{"comma", "1,000.00", "offset 1"},
		{"currency symbol", "$10", "offset 0"},
		{"hex", "0x10", "offset 1"},
		{"empty exponent", "1e", "exponent"},
		{"exponent sign only", "1e+", "exponent"},
		{"huge exponent", "1e1001", "exponent beyond"},
		{"huge negative exponent", "1e-99999999999999999999", "exponent beyond"},
		{"too many decimals", "0.1234567890123456789", "decimal places"},
		{"tiny", "1e-19", "decimal places"},
		{"too many digits", "12345678901234567890", "too many digits"},
		{"just past int64", "9223372036854775808", "too many digits"},
		{"just past -int64", "-9223372036854775809", "too many digits"},
		{"big exponent", "1e19", "too many digits"},
		{"twenty digits with fraction", "1234567890.1234567891", "too many digits"},
		{"unicode digit", "１０", "offset 0"},
		{"null byte", "1\x00", "offset 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tango.ParseAmount(tt.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, tango.ErrInvalidAmount)
			assert.Contains(t, err.Error(), tt.why)
			if len(tt.in) > 2 {
				assert.NotContains(t, err.Error(), tt.in, "the error must not repeat the input")
			}
		})
	}
}

func TestMustParseAmount(t *testing.T) {
	assert.Equal(t, "10.00", tango.MustParseAmount("10.00").String())
	assert.PanicsWithError(t, "tango: invalid amount: unexpected character at offset 2", func() {
		tango.MustParseAmount("10x")
	})
}

func TestAmountZeroValue(t *testing.T) {
	var a tango.Amount
	assert.Equal(t, "0", a.String())
	assert.True(t, a.IsZero())
	assert.Equal(t, 0, a.Sign())
	assert.True(t, a.Equal(tango.MustParseAmount("0.00")))
	units, err := a.MinorUnits()
	require.NoError(t, err)
	assert.Equal(t, int64(0), units)
	b, err := json.Marshal(a)
	require.NoError(t, err)
	assert.Equal(t, "0", string(b))
}

func TestAmountFromMinorUnits(t *testing.T) {
	tests := []struct {
		units int64
		want  string
	}{
		{0, "0.00"},
		{1, "0.01"},
		{-1, "-0.01"},
		{99, "0.99"},
		{1000, "10.00"},
		{1050, "10.50"},
		{-123456, "-1234.56"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			a := tango.AmountFromMinorUnits(tt.units)
			assert.Equal(t, tt.want, a.String())
			units, err := a.MinorUnits()
			require.NoError(t, err)
			assert.Equal(t, tt.units, units)
			parsed, err := tango.ParseAmount(a.String())
			require.NoError(t, err)
			assert.Equal(t, a, parsed)
		})
	}
}

func TestAmountMinorUnits(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr error
	}{
		{"10", 1000, nil},
		{"10.5", 1050, nil},
		{"10.50", 1050, nil},
		{"10.500", 1050, nil},
		{"0.01", 1, nil},
		{"-0.01", -1, nil},
		{"1.0E7", 1000000000, nil},
		{"10.005", 0, tango.ErrInvalidAmount},
		{"0.001", 0, tango.ErrInvalidAmount},
		{"1.3599", 0, tango.ErrInvalidAmount},
		{"92233720368547758.07", math.MaxInt64, nil},
		{"922337203685477580.7", 0, tango.ErrAmountOverflow},
		{"9223372036854775807", 0, tango.ErrAmountOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := tango.MustParseAmount(tt.in).MinorUnits()
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAmountCmpAndEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"10", "10.00", 0},
		{"10.0", "10.00", 0},
		{"0", "-0.00", 0},
		{"10.01", "10.1", -1},
		{"10.10", "10.1", 0},
		{"-1", "0.01", -1},
		{"0.000000000000000001", "0", 1},
		{"9223372036854775807", "922337203685477580.7", 1},
		{"-9223372036854775808", "-9223372036854775807", -1},
		{"9127.88", "9127.880", 0},
		{"1.3599", "1.36", -1},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			a, b := tango.MustParseAmount(tt.a), tango.MustParseAmount(tt.b)
			assert.Equal(t, tt.want, a.Cmp(b))
			assert.Equal(t, -tt.want, b.Cmp(a))
			assert.Equal(t, tt.want == 0, a.Equal(b))
		})
	}
}

func TestAmountAddSub(t *testing.T) {
	tests := []struct {
		a, b            string
		sum, difference string
		overflow        bool
	}{
		{"10.00", "0.5", "10.50", "9.50", false},
		{"0.1", "0.2", "0.3", "-0.1", false},
		{"1.3599", "1", "2.3599", "0.3599", false},
		{"-5", "5.00", "0.00", "-10.00", false},
		{"9223372036854775807", "1", "", "9223372036854775806", true},
		{"92233720368547758.07", "0.01", "", "92233720368547758.06", true},
	}
	for _, tt := range tests {
		t.Run(tt.a+" and "+tt.b, func(t *testing.T) {
			a, b := tango.MustParseAmount(tt.a), tango.MustParseAmount(tt.b)
			sum, err := a.Add(b)
			if tt.overflow {
				require.ErrorIs(t, err, tango.ErrAmountOverflow)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.sum, sum.String())
			}
			diff, err := a.Sub(b)
			require.NoError(t, err)
			assert.Equal(t, tt.difference, diff.String())
		})
	}
	_, err := tango.MustParseAmount("-9223372036854775808").Sub(tango.MustParseAmount("1"))
	require.ErrorIs(t, err, tango.ErrAmountOverflow)
}

func TestAmountJSONMarshal(t *testing.T) {
	type body struct {
		Amount tango.Amount  `json:"amount"`
		Fee    *tango.Amount `json:"fee,omitempty"`
		Zero   tango.Amount  `json:"zero,omitzero"`
	}
	for _, in := range []string{"10.00", "10", "0.01", "9127.88", "1.3599", "-2.50", "999999.99"} {
		t.Run(in, func(t *testing.T) {
			out, err := json.Marshal(body{Amount: tango.MustParseAmount(in)})
			require.NoError(t, err)
			assert.Equal(t, `{"amount":`+in+`}`, string(out))
		})
	}
}

func TestAmountJSONUnmarshal(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"two decimals", `9127.88`, "9127.88"},
		{"four decimals", `1.3599`, "1.3599"},
		{"cent", `0.01`, "0.01"},
		{"integer", `10`, "10"},
		{"trailing zero kept", `10.00`, "10.00"},
		{"negative", `-0.5`, "-0.5"},
		{"java double", `1.23456789E7`, "12345678.9"},
		{"quoted", `"9127.88"`, "9127.88"},
		{"quoted escaped", `"1\u002e5"`, "1.5"},
		{"eighteen digits", `0.123456789012345678`, "0.123456789012345678"},
		{"more digits than a float64 holds", `12345678901234567.8`, "12345678901234567.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct {
				Amount tango.Amount `json:"amount"`
			}
			require.NoError(t, json.Unmarshal([]byte(`{"amount":`+tt.json+`}`), &v))
			assert.Equal(t, tt.want, v.Amount.String())
			again, err := json.Marshal(v.Amount)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(again))
		})
	}
}

func TestAmountJSONNull(t *testing.T) {
	v := struct {
		Amount tango.Amount  `json:"amount"`
		Ptr    *tango.Amount `json:"ptr"`
	}{Amount: tango.MustParseAmount("5.00")}
	require.NoError(t, json.Unmarshal([]byte(`{"amount":null,"ptr":null}`), &v))
	assert.Equal(t, "5.00", v.Amount.String(), "null leaves the value alone")
	assert.Nil(t, v.Ptr)
}

func TestAmountJSONRejectsGarbage(t *testing.T) {
	tests := []struct {
		name, json string
	}{
		{"empty string", `""`},
		{"NaN string", `"NaN"`},
		{"infinity string", `"Infinity"`},
		{"spaces in string", `" 10.00 "`},
		{"words", `"ten dollars"`},
		{"boolean", `true`},
		{"object", `{"value":1}`},
		{"array", `[1]`},
		{"too precise", `0.1234567890123456789`},
		{"too big", `123456789012345678901234567890`},
		{"huge exponent", `1e400`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct {
				Amount tango.Amount `json:"amount"`
			}
			err := json.Unmarshal([]byte(`{"amount":`+tt.json+`}`), &v)
			require.Error(t, err)
			assert.ErrorIs(t, err, tango.ErrInvalidAmount)
			assert.True(t, v.Amount.IsZero(), "a failed decode must not leave a partial value")
		})
	}
}

func TestAmountText(t *testing.T) {
	var a tango.Amount
	require.NoError(t, a.UnmarshalText([]byte("12.30")))
	out, err := a.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "12.30", string(out))
	require.ErrorIs(t, a.UnmarshalText([]byte("12,30")), tango.ErrInvalidAmount)
	assert.Equal(t, "12.30", a.String(), "a failed UnmarshalText leaves the value alone")

	m := map[tango.Amount]int{tango.MustParseAmount("1.50"): 1}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.Equal(t, `{"1.50":1}`, string(b))
}

func TestAmountPrinting(t *testing.T) {
	a := tango.MustParseAmount("10.50")
	assert.Equal(t, "10.50", fmt.Sprint(a))
	assert.Equal(t, "10.50", fmt.Sprintf("%v", a))
	assert.Equal(t, "amount 10.50", fmt.Sprintf("amount %s", a))
	assert.Equal(t, `tango.MustParseAmount("10.50")`, fmt.Sprintf("%#v", a))
}

// TestAmountNeverRoundsLikeFloat pins values a float64 path would get wrong.
func TestAmountNeverRoundsLikeFloat(t *testing.T) {
	sum := tango.Amount{}
	tenth := tango.MustParseAmount("0.1")
	for range 10 {
		var err error
		sum, err = sum.Add(tenth)
		require.NoError(t, err)
	}
	assert.True(t, sum.Equal(tango.MustParseAmount("1")), "0.1 added ten times is exactly 1, got %s", sum)

	// 9007199254740993 is the first integer a float64 cannot hold.
	big := tango.MustParseAmount("9007199254740993.01")
	assert.Equal(t, "9007199254740993.01", big.String())
	units, err := big.MinorUnits()
	require.NoError(t, err)
	assert.Equal(t, "900719925474099301", strconv.FormatInt(units, 10))
}

func TestAmountErrorsAreDistinct(t *testing.T) {
	_, err := tango.ParseAmount("x")
	assert.False(t, errors.Is(err, tango.ErrAmountOverflow))
	_, err = tango.MustParseAmount("9223372036854775807").Add(tango.MustParseAmount("1"))
	assert.False(t, errors.Is(err, tango.ErrInvalidAmount))
	assert.True(t, strings.HasPrefix(err.Error(), "tango: amount out of range"))
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"0", "10.00", "-3.25", "0.01", "9127.88", "1.3599", "1.0E7", "1.23456789E7", "1e-18", "25e-1",
		"9223372036854775807", "-9223372036854775808", "0.123456789012345678", "1.00000000000000000000000",
		"", "-", "01", ".5", "1.", "NaN", "1e", "1e1001", "+1", " 1", "1,0", "0x1", "１",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := tango.ParseAmount(s)
		if err != nil {
			require.ErrorIs(t, err, tango.ErrInvalidAmount)
			assert.True(t, a.IsZero())
			return
		}
		text := a.String()
		assert.NotContains(t, text, "e")
		assert.NotContains(t, text, "E")
		again, err := tango.ParseAmount(text)
		require.NoError(t, err, "String produced unparsable text %q", text)
		assert.Equal(t, a, again, "parse -> String -> parse changed the amount")
		assert.True(t, again.Equal(a))
		assert.Equal(t, 0, a.Cmp(again))

		// The JSON form is the same text, and reads back to the same amount.
		b, err := json.Marshal(a)
		require.NoError(t, err)
		assert.Equal(t, text, string(b))
		var fromJSON tango.Amount
		require.NoError(t, json.Unmarshal(b, &fromJSON))
		assert.Equal(t, a, fromJSON)

		// Sign agrees with the text, and x - x is zero.
		assert.Equal(t, strings.HasPrefix(text, "-"), a.Sign() < 0)
		diff, err := a.Sub(a)
		require.NoError(t, err)
		assert.True(t, diff.IsZero())

		// Minor units, when they exist, rebuild the same value.
		if units, err := a.MinorUnits(); err == nil {
			assert.True(t, tango.AmountFromMinorUnits(units).Equal(a))
		}
	})
}

func FuzzAmountJSON(f *testing.F) {
	for _, s := range []string{
		`10.00`, `"10.00"`, `null`, `1.3599`, `9127.88`, `0.01`, `-0`, `1E+2`, `"1\u002e5"`, `""`, `"NaN"`,
		`true`, `{}`, `[]`, `"`, `1e999`, `123456789012345678901234567890`, `"  1"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a tango.Amount
		if err := a.UnmarshalJSON(data); err != nil {
			assert.True(t, a.IsZero(), "a failed decode left a value")
			return
		}
		b, err := json.Marshal(a)
		require.NoError(t, err)
		var back tango.Amount
		require.NoError(t, json.Unmarshal(b, &back), "marshalled %q does not decode", b)
		assert.Equal(t, a, back)
		// Whatever json.Unmarshal accepts through a struct, UnmarshalJSON agrees with.
		var v struct {
			A tango.Amount `json:"a"`
		}
		if json.Unmarshal(append(append([]byte(`{"a":`), data...), '}'), &v) == nil {
			assert.True(t, v.A.Equal(a))
		}
	})
}
