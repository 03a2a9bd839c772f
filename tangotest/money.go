package tangotest

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// amount is an exact decimal money value in hundredths (cents for USD). Money inside
// the fake never passes through float64: it is read from the JSON number's text and
// written back as text.
type amount int64

// The ways a decimal text can be refused. The order and amount validators map them to
// Tango's i18nKeys.
var (
	errDecimalSyntax   = errors.New("not a decimal number")
	errTooManyDecimals = errors.New("too many decimal places")
	errTooManyDigits   = errors.New("too many integer digits")
	errNegative        = errors.New("negative value")
)

// maxExponent bounds the exponent of a number written in scientific notation, so that
// "1e999999999" is refused without a huge loop.
const maxExponent = 40

// parseDecimal reads a JSON-style decimal number (optional sign, digits, optional
// fraction, optional exponent) exactly, as an integer count of 10^-scale units. It
// refuses values with more than scale significant decimals or more than intDigits
// integer digits. Trailing zeros do not count as decimals ("10.000" is 10.00).
func parseDecimal(text string, scale, intDigits int) (int64, error) {
	s := text
	neg := false
	if strings.HasPrefix(s, "-") {
		neg = true
		s = s[1:]
	}
	mant, exp, ok := splitNumber(s)
	if !ok {
		return 0, errDecimalSyntax
	}
	// value = mant × 10^exp, with mant a string of digits.
	mant = strings.TrimLeft(mant, "0")
	for len(mant) > 0 && mant[len(mant)-1] == '0' {
		mant = mant[:len(mant)-1]
		exp++
	}
	if mant == "" {
		return 0, nil
	}
	if neg {
		return 0, errNegative
	}
	if exp < -scale {
		return 0, errTooManyDecimals
	}
	if len(mant)+exp > intDigits {
		return 0, errTooManyDigits
	}
	v, err := strconv.ParseInt(mant, 10, 64)
	if err != nil {
		return 0, errTooManyDigits
	}
	for i := 0; i < exp+scale; i++ {
		v *= 10
	}
	return v, nil
}

// splitNumber splits an unsigned JSON number into its digits (integer and fraction
// joined) and the power of ten that scales them.
func splitNumber(s string) (digits string, exp int, ok bool) {
	intPart, rest := leadingDigits(s)
	if intPart == "" {
		return "", 0, false
	}
	var frac string
	if strings.HasPrefix(rest, ".") {
		frac, rest = leadingDigits(rest[1:])
		if frac == "" {
			return "", 0, false
		}
	}
	if rest != "" {
		if rest[0] != 'e' && rest[0] != 'E' {
			return "", 0, false
		}
		rest = rest[1:]
		sign := 1
		if rest != "" && (rest[0] == '+' || rest[0] == '-') {
			if rest[0] == '-' {
				sign = -1
			}
			rest = rest[1:]
		}
		e, tail := leadingDigits(rest)
		if e == "" || tail != "" {
			return "", 0, false
		}
		e = strings.TrimLeft(e, "0")
		if len(e) > 3 {
			e = "999"
		}
		n := 0
		if e != "" {
			n, _ = strconv.Atoi(e)
		}
		if n > maxExponent {
			n = maxExponent + len(intPart) + len(frac)
		}
		exp = sign * n
	}
	return intPart + frac, exp - len(frac), true
}

func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}

// parseAmount reads a money value with at most 2 decimals and 6 integer digits, the
// limits Tango applies to order amounts.
func parseAmount(text string) (amount, error) {
	v, err := parseDecimal(strings.TrimSpace(text), 2, 6)
	return amount(v), err
}

// String writes the amount with exactly two decimals: "10.00", "0.05".
func (a amount) String() string {
	v := int64(a)
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	cents := v % 100
	return sign + strconv.FormatInt(v/100, 10) + "." + string(rune('0'+cents/10)) + string(rune('0'+cents%10))
}

// number returns the amount as a JSON number that encoding/json writes verbatim.
func (a amount) number() json.Number { return json.Number(a.String()) }

// rateScale is the precision of exchange rates: millionths.
const rateScale = 6

// rate is an exchange rate in millionths (1.085 is 1085000).
type rate int64

// unitRate is the rate of a currency to itself.
const unitRate rate = 1_000_000

// parseRate reads an exchange rate with up to 6 decimals.
func parseRate(text string) (rate, error) {
	v, err := parseDecimal(strings.TrimSpace(text), rateScale, 6)
	if err == nil && v == 0 {
		return 0, errDecimalSyntax
	}
	return rate(v), err
}

// charge prices a reward of a in the reward currency in the account's currency. The
// rate is Tango's baseFx, reward-currency units per one unit of the account's (base)
// currency, so the price is a / baseFx. Tango documents no rounding rule; the fake
// rounds half up to the cent (the order's amountCharged is what counts).
func (r rate) charge(a amount) amount {
	// cents = a × 1e6 / r, rounded half up: (2·a·1e6 + r) / (2·r).
	return amount((2*int64(a)*int64(unitRate) + int64(r)) / (2 * int64(r)))
}

// number writes the rate as a JSON number without trailing zeros ("1", "1.085").
func (r rate) number() json.Number {
	s := strconv.FormatInt(int64(r)/int64(unitRate), 10)
	frac := int64(r) % int64(unitRate)
	if frac != 0 {
		f := strconv.FormatInt(frac+int64(unitRate), 10)[1:] // zero-padded to 6 digits
		s += "." + strings.TrimRight(f, "0")
	}
	return json.Number(s)
}
