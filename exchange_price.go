package tango

import (
	"fmt"
	"math/big"
)

// Price returns what a reward of reward (in r.RewardCurrency) costs in the account's
// currency, r.BaseCurrency, at this rate: reward / BaseFx, rounded half away from
// zero to the cent. Use it to preview an order's cost before placing it, for
// example to check the balance first.
//
// It is an estimate: Tango converts at the rate loaded when the order is placed,
// documents no rounding rule and may add fees, so the order's AmountCharged is
// what the account actually pays. Rounding half away from zero to the cent is the
// SDK's choice (tangotest charges the same way).
//
// Price fails, wrapping [ErrInvalidAmount], when BaseFx is not positive or the
// result does not fit an [Amount].
func (r *ExchangeRate) Price(reward Amount) (Amount, error) {
	if r == nil || r.BaseFx.Sign() <= 0 {
		return Amount{}, fmt.Errorf("%w: the exchange rate is not positive", ErrInvalidAmount)
	}
	q := new(big.Rat).Quo(amountRat(reward), amountRat(r.BaseFx))
	q.Mul(q, big.NewRat(100, 1))
	// Round half away from zero: (2·|num| + den) / (2·den), with num's sign.
	num, den := new(big.Int).Abs(q.Num()), q.Denom()
	two := big.NewInt(2)
	cents := new(big.Int).Mul(num, two)
	cents.Add(cents, den)
	cents.Quo(cents, new(big.Int).Mul(den, two))
	if q.Sign() < 0 {
		cents.Neg(cents)
	}
	if !cents.IsInt64() {
		return Amount{}, fmt.Errorf("%w: the price does not fit", ErrInvalidAmount)
	}
	return AmountFromMinorUnits(cents.Int64()), nil
}

// amountRat converts an Amount exactly.
func amountRat(a Amount) *big.Rat {
	return new(big.Rat).SetFrac(big.NewInt(a.coef), pow10Big(int(a.scale)))
}
