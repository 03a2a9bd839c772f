package main

import (
	"fmt"
	"io"
	"time"

	"github.com/tango-sdk/tango-go"
)

// orderView is an order as the command prints it. It leaves out what must never
// reach a terminal or a log: the reward's credentials (only their number is
// shown) and the recipient's and sender's contact data.
type orderView struct {
	ReferenceOrderID   string        `json:"referenceOrderID"`
	ExternalRefID      string        `json:"externalRefID,omitempty"`
	Status             string        `json:"status"`
	UTID               string        `json:"utid"`
	RewardName         string        `json:"rewardName,omitempty"`
	CustomerIdentifier string        `json:"customerIdentifier,omitempty"`
	AccountIdentifier  string        `json:"accountIdentifier,omitempty"`
	Amount             *tango.Amount `json:"amount,omitempty"`
	CurrencyCode       string        `json:"currencyCode,omitempty"`
	Charged            *tango.Amount `json:"amountCharged,omitempty"`
	ChargedCurrency    string        `json:"amountChargedCurrencyCode,omitempty"`
	DeliveryMethod     string        `json:"deliveryMethod,omitempty"`
	CreatedAt          time.Time     `json:"createdAt"`
	Replayed           bool          `json:"replayed,omitempty"`
	Recovered          bool          `json:"recovered,omitempty"`
	RewardCredentials  int           `json:"rewardCredentials,omitempty"`
	RequestID          string        `json:"requestId,omitempty"`
}

func newOrderView(o *tango.Order) orderView {
	v := orderView{
		ReferenceOrderID: o.ReferenceOrderID, ExternalRefID: o.ExternalRefID, Status: string(o.State()),
		UTID: o.UTID, RewardName: o.RewardName, CustomerIdentifier: o.CustomerIdentifier,
		AccountIdentifier: o.AccountIdentifier, DeliveryMethod: string(o.DeliveryMethod),
		CreatedAt: o.CreatedAt, Replayed: o.Replayed, Recovered: o.Recovered, RequestID: o.RequestID,
	}
	if d := o.Denomination; d != nil {
		v.Amount, v.CurrencyCode = &d.Value, d.CurrencyCode
	}
	if c := o.AmountCharged; c != nil {
		v.Charged, v.ChargedCurrency = &c.Value, c.CurrencyCode
		if c.Total != nil {
			v.Charged = c.Total
		}
	}
	if r := o.Reward; r != nil {
		v.RewardCredentials = len(r.CredentialList)
	}
	return v
}

// amount renders an amount with its currency, or "-".
func amount(a *tango.Amount, currency string) string {
	if a == nil {
		return "-"
	}
	return a.String() + " " + currency
}

// printOrder writes one order for people: one fact per line. how says what the
// command did to get it (placed it, or only fetched it).
func printOrder(w io.Writer, v orderView, how string) {
	switch {
	case v.Recovered:
		how = "found by its externalRefID after an unanswered attempt (placed once)"
	case v.Replayed:
		how = "already existed for this externalRefID; no new order was placed"
	}
	tw := newTable(w)
	fmt.Fprintf(tw, "order\t%s\n", v.ReferenceOrderID)
	fmt.Fprintf(tw, "status\t%s\n", v.Status)
	fmt.Fprintf(tw, "externalRefID\t%s\n", v.ExternalRefID)
	fmt.Fprintf(tw, "reward\t%s %s\n", v.UTID, v.RewardName)
	fmt.Fprintf(tw, "amount\t%s\n", amount(v.Amount, v.CurrencyCode))
	fmt.Fprintf(tw, "charged\t%s\n", amount(v.Charged, v.ChargedCurrency))
	fmt.Fprintf(tw, "account\t%s / %s\n", v.CustomerIdentifier, v.AccountIdentifier)
	if !v.CreatedAt.IsZero() {
		fmt.Fprintf(tw, "created\t%s\n", v.CreatedAt.UTC().Format(time.RFC3339))
	}
	if v.RewardCredentials > 0 {
		fmt.Fprintf(tw, "credentials\t%d, not shown (reward credentials are money: read them in your application)\n", v.RewardCredentials)
	}
	if v.RequestID != "" {
		fmt.Fprintf(tw, "request id\t%s\n", v.RequestID)
	}
	fmt.Fprintf(tw, "note\t%s\n", how)
	_ = tw.Flush()
}
