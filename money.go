package tango

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// maxAmountScale is the largest number of decimal places an Amount keeps.
const maxAmountScale = 18

// maxExponent bounds the exponent of scientific notation ("1.5E7"), so that
// hostile input cannot make the parser build huge numbers.
const maxExponent = 1000

// Amount is an exact decimal amount of money, such as 10.00 or 9127.88.
//
// Money never passes through float64 in this package: an Amount is an integer
// coefficient and a count of decimal places, parsed from and printed to decimal
// text digit for digit. Tango sends money as bare JSON numbers; an Amount decodes
// them exactly and writes them back as bare JSON numbers with the same digits.
//
// An Amount keeps the scale it was given: "10.00" prints as "10.00" and "10" as
// "10". Use [Amount.Equal] or [Amount.Cmp] to compare values, since == compares
// representations (10.0 and 10.00 are Equal but not ==).
//
// Bounds: the digits, without the decimal point, must fit in a signed 64-bit
// integer (any 18-digit number fits), and there are at most 18 decimal places.
// Text beyond these bounds is an error wrapping [ErrInvalidAmount], never a
// silent rounding. Trailing zeros past the bounds are dropped, since that loses
// nothing.
//
// The zero Amount is 0.
type Amount struct {
	coef  int64 // the digits as an integer: 10.50 is 1050
	scale uint8 // how many of those digits follow the decimal point: 10.50 has 2
}

// ParseAmount reads a decimal amount such as "10.00", "-3.5" or "0.01". It accepts
// the JSON number syntax (an optional minus, no leading zeros, an optional
// fraction, an optional exponent such as "1.5E7", which Java services write for
// large doubles) and nothing else: no spaces, no plus sign, no NaN or Infinity,
// no thousands separators. Errors wrap [ErrInvalidAmount] and do not repeat the
// input.
func ParseAmount(s string) (Amount, error) {
	a, err := parseAmount(s)
	if err != nil {
		return Amount{}, fmt.Errorf("%w: %s", ErrInvalidAmount, err.Error())
	}
	return a, nil
}

// MustParseAmount is ParseAmount for literals in code and tests; it panics when s
// is not an amount.
func MustParseAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// AmountFromMinorUnits returns units hundredths, with two decimal places:
// AmountFromMinorUnits(1050) is 10.50. Every currency Tango accounts use (USD,
// EUR, GBP, CAD, AUD, MXN, SGD, PLN) has two decimal places.
func AmountFromMinorUnits(units int64) Amount {
	return Amount{coef: units, scale: 2}
}

// String returns the amount as plain decimal text with the scale it was given,
// such as "10.00" or "-0.5". It never uses an exponent.
func (a Amount) String() string {
	var buf [32]byte
	return string(a.appendDecimal(buf[:0]))
}

// appendDecimal appends the text String returns to b. Formatting into a
// buffer costs one allocation where string concatenation cost three: request
// bodies hold amounts, so every order encodes one.
func (a Amount) appendDecimal(b []byte) []byte {
	if a.coef < 0 {
		b = append(b, '-')
	}
	start := len(b)
	b = strconv.AppendUint(b, magnitude(a.coef), 10)
	scale := int(a.scale)
	if scale == 0 {
		return b
	}
	if n := len(b) - start; n <= scale {
		// Too few digits for the scale: zeros in front, one before the point.
		pad := scale - n + 1
		for range pad {
			b = append(b, '0')
		}
		copy(b[start+pad:], b[start:start+n])
		for i := range pad {
			b[start+i] = '0'
		}
	}
	cut := len(b) - scale
	b = append(b, 0)
	copy(b[cut+1:], b[cut:len(b)-1])
	b[cut] = '.'
	return b
}

// GoString prints the amount as Go code that rebuilds it, so that %#v of a request
// shows the value rather than the internal fields.
func (a Amount) GoString() string {
	return "tango.MustParseAmount(\"" + a.String() + "\")"
}

// Cmp compares amounts by value: -1 if a < b, 0 if they are equal (10.0 and 10.00
// are), +1 if a > b.
func (a Amount) Cmp(b Amount) int {
	if a.scale == b.scale {
		switch {
		case a.coef < b.coef:
			return -1
		case a.coef > b.coef:
			return 1
		}
		return 0
	}
	x, y := a.bigAt(maxAmountScale), b.bigAt(maxAmountScale)
	return x.Cmp(y)
}

// Equal reports whether a and b have the same value, whatever their scales.
func (a Amount) Equal(b Amount) bool { return a.Cmp(b) == 0 }

// IsZero reports whether the amount is zero (0, 0.00, ...). It also lets the
// encoding/json "omitzero" option leave zero amounts out.
func (a Amount) IsZero() bool { return a.coef == 0 }

// Sign returns -1, 0 or +1 for a negative, zero or positive amount.
func (a Amount) Sign() int {
	switch {
	case a.coef < 0:
		return -1
	case a.coef > 0:
		return 1
	}
	return 0
}

// MinorUnits returns the amount in hundredths (cents): 10.50 gives 1050. It fails
// with an error wrapping [ErrInvalidAmount] when the amount holds a fraction of a
// hundredth (10.005), and with one wrapping [ErrAmountOverflow] when the result
// does not fit in an int64.
func (a Amount) MinorUnits() (int64, error) {
	v := a.bigAt(2 + int(a.scale)) // exact: coef * 10^2
	div := pow10Big(int(a.scale))
	q, r := new(big.Int).QuoRem(v, div, new(big.Int))
	if r.Sign() != 0 {
		return 0, fmt.Errorf("%w: %s is not a whole number of hundredths", ErrInvalidAmount, a)
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("%w: %s in hundredths does not fit in an int64", ErrAmountOverflow, a)
	}
	return q.Int64(), nil
}

// Add returns a+b exactly, with the larger of the two scales. The error wraps
// [ErrAmountOverflow] when the sum does not fit in an Amount.
func (a Amount) Add(b Amount) (Amount, error) {
	return a.combine(b, (*big.Int).Add)
}

// Sub returns a-b exactly, with the larger of the two scales. The error wraps
// [ErrAmountOverflow] when the difference does not fit in an Amount.
func (a Amount) Sub(b Amount) (Amount, error) {
	return a.combine(b, (*big.Int).Sub)
}

func (a Amount) combine(b Amount, op func(z, x, y *big.Int) *big.Int) (Amount, error) {
	scale := max(int(a.scale), int(b.scale))
	z := op(new(big.Int), a.bigAt(scale), b.bigAt(scale))
	if !z.IsInt64() {
		return Amount{}, fmt.Errorf("%w: result of %s and %s", ErrAmountOverflow, a, b)
	}
	return Amount{coef: z.Int64(), scale: uint8(scale)}, nil
}

// MarshalJSON writes the amount as a bare JSON number with its exact digits
// (10.00 stays 10.00), which is what Tango expects.
func (a Amount) MarshalJSON() ([]byte, error) {
	return a.appendDecimal(make([]byte, 0, 24)), nil
}

// UnmarshalJSON reads a JSON number with its exact digits, or a JSON string that
// holds one (some Tango fields arrive quoted). JSON null leaves the amount
// unchanged, like the standard library does for other types. Anything else
// (empty strings, NaN, booleans, objects) is an error wrapping [ErrInvalidAmount].
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var q string
		if err := json.Unmarshal(b, &q); err != nil {
			return fmt.Errorf("%w: malformed JSON string", ErrInvalidAmount)
		}
		s = q
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText writes the amount as decimal text, for encoders that use
// encoding.TextMarshaler (map keys, flags, config files).
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads decimal text with [ParseAmount].
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := ParseAmount(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// integerDigits counts the digits before the decimal point, without leading
// zeros: 999999.99 has 6, 0.50 has 0.
func (a Amount) integerDigits() int {
	m := magnitude(a.coef)
	if m == 0 {
		return 0
	}
	digits := 1 // counted, not formatted: every order checks its amount
	for ; m >= 10; m /= 10 {
		digits++
	}
	return max(digits-int(a.scale), 0)
}

// decimalPlaces counts the decimal places that carry value, ignoring trailing
// zeros: 10.50 has 1, 10.000 has 0, 0.125 has 3.
func (a Amount) decimalPlaces() int {
	c, s := a.coef, int(a.scale)
	for s > 0 && c%10 == 0 {
		c /= 10
		s--
	}
	return s
}

// trimScale drops trailing zero decimals until at most n decimal places remain,
// or until a non-zero digit would be lost: with n=2, 10.000 becomes 10.00 and
// 10.125 stays 10.125. The value never changes.
func (a Amount) trimScale(n int) Amount {
	for int(a.scale) > n && a.coef%10 == 0 {
		a.coef /= 10
		a.scale--
	}
	return a
}

// bigAt returns the coefficient rescaled to scale decimal places, which must be
// at least a.scale.
func (a Amount) bigAt(scale int) *big.Int {
	v := big.NewInt(a.coef)
	if d := scale - int(a.scale); d > 0 {
		v.Mul(v, pow10Big(d))
	}
	return v
}

func pow10Big(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// magnitude returns |v| without overflowing on math.MinInt64.
func magnitude(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// parseAmount implements ParseAmount; its errors say what is wrong without
// repeating the input, which may have been anything.
func parseAmount(s string) (Amount, error) {
	if s == "" {
		return Amount{}, errors.New("empty text")
	}
	i := 0
	neg := false
	if s[i] == '-' {
		neg = true
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[intStart:i]
	switch {
	case intPart == "":
		return Amount{}, fmt.Errorf("expected a digit at offset %d", i)
	case len(intPart) > 1 && intPart[0] == '0':
		return Amount{}, fmt.Errorf("leading zero at offset %d", intStart)
	}
	var fracPart string
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracPart = s[fracStart:i]
		if fracPart == "" {
			return Amount{}, fmt.Errorf("expected a digit after the decimal point at offset %d", i)
		}
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		expStart := i
		for i < len(s) && isDigit(s[i]) {
			exp = exp*10 + int(s[i]-'0')
			if exp > maxExponent {
				return Amount{}, fmt.Errorf("exponent beyond %d", maxExponent)
			}
			i++
		}
		if i == expStart {
			return Amount{}, fmt.Errorf("expected a digit in the exponent at offset %d", i)
		}
		if expNeg {
			exp = -exp
		}
	}
	if i != len(s) {
		return Amount{}, fmt.Errorf("unexpected character at offset %d", i)
	}
	return buildAmount(neg, intPart+fracPart, len(fracPart)-exp)
}

// buildAmount turns a digit string and a scale (which may be negative, meaning
// trailing zeros to add) into an Amount within the documented bounds.
func buildAmount(neg bool, digits string, scale int) (Amount, error) {
	digits = strings.TrimLeft(digits, "0")
	if digits == "" { // zero: keep the scale within bounds, nothing else to check
		return Amount{scale: uint8(min(max(scale, 0), maxAmountScale))}, nil
	}
	// Drop trailing zero decimals only as far as needed to fit the bounds.
	for scale > 0 && (scale > maxAmountScale || len(digits) > 19) && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		scale--
	}
	if scale > maxAmountScale {
		return Amount{}, fmt.Errorf("more than %d decimal places", maxAmountScale)
	}
	if scale < 0 {
		if len(digits)-scale > 19 {
			return Amount{}, errors.New("too many digits")
		}
		digits += strings.Repeat("0", -scale)
		scale = 0
	}
	if len(digits) > 19 {
		return Amount{}, errors.New("too many digits")
	}
	mag, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return Amount{}, errors.New("too many digits")
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	if mag > limit {
		return Amount{}, errors.New("too many digits")
	}
	coef := int64(mag) // wraps to MinInt64 only when neg and mag == limit
	if neg {
		coef = -coef
	}
	return Amount{coef: coef, scale: uint8(scale)}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
