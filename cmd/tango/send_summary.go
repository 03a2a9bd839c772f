package main

// sendSummary is what `tango send --json` prints on stdout when the run ends, for
// scripts: counts and account totals only, never a recipient, a key's row or a
// reward. The results file (--out) keeps the per-row outcome.
type sendSummary struct {
	Campaign         string               `json:"campaign"`
	DryRun           bool                 `json:"dryRun"`
	ConfirmedEarlier int                  `json:"confirmedEarlier"`
	ToSend           int                  `json:"toSend"`
	Bad              int                  `json:"bad"`
	Placed           int                  `json:"placed"`
	Replayed         int                  `json:"replayed"`
	Refused          int                  `json:"refused"`
	Invalid          int                  `json:"invalid"`
	Failed           int                  `json:"failed"`
	Unknown          int                  `json:"unknown"`
	NotReached       int                  `json:"notReached"`
	Accounts         []sendAccountSummary `json:"accounts,omitempty"`
	// ExitCode is the command's exit status: 0 done, 2 nothing sent (bad input,
	// balance), 3 some rows refused, 4 some rows unsettled (run again).
	ExitCode int `json:"exitCode"`
}

// sendAccountSummary is the dry run's price of the rows of one account.
type sendAccountSummary struct {
	Account  string `json:"account"`
	Rows     int    `json:"rows"`
	Total    string `json:"total"`
	Balance  string `json:"balance"`
	Currency string `json:"currency"`
}
