package main

// The input of `tango send`: a CSV file with a header line, or JSON Lines, one
// reward per row, read one row at a time.

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/tango-sdk/tango-go"
)

// sendColumns are the columns (CSV header names, JSON Lines keys) a row may have.
// key, utid and amount are required.
var sendColumns = []string{
	"key", "utid", "amount", "currency", "email", "first_name", "last_name", "message",
	"email_subject", "delivery_method", "mobile_number", "etid", "notes", "purchase_order_number",
}

const sendColumnsHelp = `Input columns (CSV header or JSON Lines keys; key, utid and amount required):
  key                    the row's business key, unique in the file (with --campaign it
                         makes the order's externalRefID: re-runs replay, never re-order)
  utid, amount           the catalog item and its face value (10.00)
  currency               optional: the item's currency, checked against the catalog
  email, first_name, last_name   the recipient (email delivery needs email and first_name)
  message, email_subject the reward email's message and subject
  delivery_method        EMAIL, NONE, PHONE, ... (default: EMAIL with an email; required without one)
  mobile_number          E.164, for PHONE or WHATSAPP delivery
  etid, notes, purchase_order_number   optional order fields
`

// sendRow is one row of the input: its line number and either an order or why
// the row cannot be one.
type sendRow struct {
	line     int
	key      string
	currency string
	req      *tango.CreateOrderRequest
	err      error // a bad row: names the field
}

// rowError is a row that cannot be read as an order.
type rowError struct {
	field, msg string
}

func (e *rowError) Error() string {
	if e.field == "" {
		return e.msg
	}
	return "field " + e.field + ": " + e.msg
}

// inputFormat picks CSV or JSON Lines from the file name.
func inputFormat(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	}
	return "csv"
}

// readRows returns the rows of path; each range over it reads the file again.
// An error opening or reading the file ends the range with a row carrying it
// (line 0).
func readRows(path, customer, account, campaign string) iter.Seq[sendRow] {
	return func(yield func(sendRow) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(sendRow{err: err})
			return
		}
		defer f.Close()
		build := func(line int, get func(string) string) sendRow {
			return buildRow(line, get, customer, account, campaign)
		}
		if inputFormat(path) == "jsonl" {
			readJSONL(f, build, yield)
			return
		}
		readCSV(f, build, yield)
	}
}

// readCSV reads a CSV file with a header line.
func readCSV(r io.Reader, build func(int, func(string) string) sendRow, yield func(sendRow) bool) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		yield(sendRow{line: 1, err: fmt.Errorf("reading the CSV header: %w", err)})
		return
	}
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !knownColumn(name) {
			yield(sendRow{line: 1, err: &rowError{field: name, msg: "unknown column; known columns: " + strings.Join(sendColumns, ", ")}})
			return
		}
		cols[name] = i
	}
	for {
		rec, err := cr.Read()
		line, _ := cr.FieldPos(0)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			if !yield(sendRow{line: line, err: &rowError{msg: "not valid CSV: " + err.Error()}}) {
				return
			}
			if pe == nil {
				return
			}
			continue
		}
		get := func(name string) string {
			if i, ok := cols[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if !yield(build(line, get)) {
			return
		}
	}
}

// readJSONL reads one JSON object per line; blank lines are skipped.
func readJSONL(r io.Reader, build func(int, func(string) string) sendRow, yield func(sendRow) bool) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(text), &obj); err != nil {
			if !yield(sendRow{line: line, err: &rowError{msg: "not a JSON object: " + err.Error()}}) {
				return
			}
			continue
		}
		var bad string
		for k := range obj {
			if !knownColumn(k) {
				bad = k
			}
		}
		if bad != "" {
			if !yield(sendRow{line: line, err: &rowError{field: bad, msg: "unknown key; known keys: " + strings.Join(sendColumns, ", ")}}) {
				return
			}
			continue
		}
		get := func(name string) string {
			switch v := obj[name].(type) {
			case string:
				return strings.TrimSpace(v)
			case float64, json.Number:
				return fmt.Sprint(v)
			}
			return ""
		}
		if !yield(build(line, get)) {
			return
		}
	}
	if err := sc.Err(); err != nil {
		yield(sendRow{line: line + 1, err: fmt.Errorf("reading line %d: %w", line+1, err)})
	}
}

func knownColumn(name string) bool {
	for _, c := range sendColumns {
		if c == name {
			return true
		}
	}
	return false
}

// buildRow turns a row's fields into an order request.
func buildRow(line int, get func(string) string, customer, account, campaign string) sendRow {
	row := sendRow{line: line, key: get("key"), currency: strings.ToUpper(get("currency"))}
	if row.key == "" {
		row.err = &rowError{field: "key", msg: "a value is required"}
		return row
	}
	if get("utid") == "" {
		row.err = &rowError{field: "utid", msg: "a value is required"}
		return row
	}
	amt, err := tango.ParseAmount(get("amount"))
	if err != nil {
		row.err = &rowError{field: "amount", msg: "not an amount such as 10.00"}
		return row
	}
	req := &tango.CreateOrderRequest{
		CustomerIdentifier: customer, AccountIdentifier: account,
		UTID: get("utid"), Amount: amt, Message: get("message"), EmailSubject: get("email_subject"),
		DeliveryMethod: tango.DeliveryMethod(strings.ToUpper(get("delivery_method"))),
		ETID:           get("etid"), Notes: get("notes"), PurchaseOrderNumber: get("purchase_order_number"),
		Campaign: campaign,
	}
	if e, f, l, m := get("email"), get("first_name"), get("last_name"), get("mobile_number"); e != "" || f != "" || l != "" || m != "" {
		req.Recipient = &tango.Recipient{Email: tango.Private(e), FirstName: tango.Private(f), LastName: tango.Private(l), MobileNumber: tango.Private(m)}
	}
	if err := req.Validate(); err != nil {
		var ve *tango.ValidationError
		if errors.As(err, &ve) && len(ve.Fields) > 0 {
			fe := ve.Fields[0]
			row.err = &rowError{field: csvName(fe.Path), msg: fe.Message}
		} else {
			row.err = err
		}
		return row
	}
	row.req = req
	return row
}

// csvName maps an SDK field path to the input column it came from.
func csvName(path string) string {
	switch path {
	case "recipient.email":
		return "email"
	case "recipient.firstName":
		return "first_name"
	case "recipient.lastName":
		return "last_name"
	case "recipient.mobileNumber":
		return "mobile_number"
	case "emailSubject":
		return "email_subject"
	case "deliveryMethod":
		return "delivery_method"
	case "purchaseOrderNumber":
		return "purchase_order_number"
	case "customerIdentifier":
		return "--customer"
	case "accountIdentifier":
		return "--account"
	case "campaign":
		return "--campaign"
	}
	return path
}
