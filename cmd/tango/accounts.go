package main

import (
	"context"
	"fmt"
	"time"

	"github.com/tango-sdk/tango-go"
)

// runAccounts lists every account of the platform with its balance.
func runAccounts(ctx context.Context, inv *invocation, args []string) int {
	fs, cf := inv.newFlagSet("accounts", "tango accounts [--json] [flags]")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return inv.usageError("accounts takes no arguments, got %q", pos)
	}
	s, code, ok := inv.connect(cf)
	if !ok {
		return code
	}
	defer s.close()
	ctx, cancel := cf.deadline(ctx)
	defer cancel()

	views := []accountView{}
	for a, err := range s.client.Accounts.All(ctx, nil) {
		if err != nil {
			return inv.fail(err)
		}
		views = append(views, accountView{
			AccountIdentifier: a.AccountIdentifier, AccountNumber: a.AccountNumber, DisplayName: a.DisplayName,
			CurrencyCode: a.CurrencyCode, CurrentBalance: a.CurrentBalance, Status: string(a.Status), CreatedAt: a.CreatedAt,
		})
	}
	if cf.json {
		if err := printJSON(inv.stdout, views); err != nil {
			return inv.fail(err)
		}
		return exitOK
	}
	tw := newTable(inv.stdout)
	fmt.Fprintln(tw, "ACCOUNT\tNUMBER\tNAME\tBALANCE\tCURRENCY\tSTATUS")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.AccountIdentifier, v.AccountNumber, v.DisplayName, v.CurrentBalance, v.CurrencyCode, v.Status)
	}
	if err := tw.Flush(); err != nil {
		return inv.fail(err)
	}
	return exitOK
}

// accountView is one account as the command prints it: no contact addresses.
type accountView struct {
	AccountIdentifier string       `json:"accountIdentifier"`
	AccountNumber     string       `json:"accountNumber"`
	DisplayName       string       `json:"displayName"`
	CurrencyCode      string       `json:"currencyCode"`
	CurrentBalance    tango.Amount `json:"currentBalance"`
	Status            string       `json:"status"`
	CreatedAt         time.Time    `json:"createdAt"`
}
