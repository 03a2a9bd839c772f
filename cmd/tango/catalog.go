package main

import (
	"context"
	"fmt"

	"github.com/tango-sdk/tango-go"
)

// itemView is one catalog item as the command prints it.
type itemView struct {
	UTID         string        `json:"utid"`
	RewardName   string        `json:"rewardName"`
	BrandKey     string        `json:"brandKey"`
	BrandName    string        `json:"brandName"`
	CurrencyCode string        `json:"currencyCode"`
	ValueType    string        `json:"valueType"`
	FaceValue    *tango.Amount `json:"faceValue,omitempty"`
	MinValue     *tango.Amount `json:"minValue,omitempty"`
	MaxValue     *tango.Amount `json:"maxValue,omitempty"`
	Status       string        `json:"status"`
	Countries    []string      `json:"countries,omitempty"`
}

// value describes what amounts an item takes: its face value or its range.
func (v itemView) value() string {
	switch {
	case v.FaceValue != nil:
		return v.FaceValue.String()
	case v.MinValue != nil && v.MaxValue != nil:
		return v.MinValue.String() + "-" + v.MaxValue.String()
	}
	return "-"
}

// runCatalog lists the catalog's items, or the one --utid names.
func runCatalog(ctx context.Context, inv *invocation, args []string) int {
	fs, cf := inv.newFlagSet("catalog", "tango catalog [--utid UTID] [--json] [flags]")
	utid := fs.String("utid", "", "show only the item with this `utid` (such as U561593)")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return inv.usageError("catalog takes no arguments, got %q (use --utid)", pos)
	}
	s, code, ok := inv.connect(cf)
	if !ok {
		return code
	}
	defer s.close()
	ctx, cancel := cf.deadline(ctx)
	defer cancel()

	var items []itemView
	if *utid != "" {
		found, err := s.client.Catalog.FindItem(ctx, *utid)
		if err != nil {
			return inv.fail(err)
		}
		items = append(items, newItemView(found.Brand, found.Item))
	} else {
		cat, err := s.client.Catalog.Get(ctx, &tango.CatalogParams{Brief: true})
		if err != nil {
			return inv.fail(err)
		}
		for b, it := range cat.Items() {
			items = append(items, newItemView(b, it))
		}
	}
	if cf.json {
		if items == nil {
			items = []itemView{}
		}
		if err := printJSON(inv.stdout, items); err != nil {
			return inv.fail(err)
		}
		return exitOK
	}
	tw := newTable(inv.stdout)
	fmt.Fprintln(tw, "UTID\tREWARD\tBRAND\tCURRENCY\tVALUE\tSTATUS")
	for _, v := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.UTID, v.RewardName, v.BrandName, v.CurrencyCode, v.value(), v.Status)
	}
	if err := tw.Flush(); err != nil {
		return inv.fail(err)
	}
	return exitOK
}

func newItemView(b *tango.Brand, it *tango.Item) itemView {
	return itemView{
		UTID: it.UTID, RewardName: it.RewardName, BrandKey: b.BrandKey, BrandName: b.BrandName,
		CurrencyCode: it.CurrencyCode, ValueType: string(it.ValueType),
		FaceValue: it.FaceValue, MinValue: it.MinValue, MaxValue: it.MaxValue,
		Status: string(it.Status), Countries: it.Countries,
	}
}
