package tangotest

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

// Cursor paging limits (paginate=true on the account and customer lists).
const (
	defaultMaxResults = 10
	maxMaxResults     = 200
)

// writeList answers a list endpoint that supports Tango's opt-in cursor paging:
// with paginate=true a page object with base64 cursors, otherwise a plain array.
func writeList[T any](c *call, items []T) {
	q := c.r.URL.Query()
	paginate := false
	if v := q.Get("paginate"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			c.fieldErrors(fieldErrorInfo{Path: "paginate", I18nKey: "400.001", Message: "paginate must be true or false.", InvalidValue: v})
			return
		}
		paginate = b
	}
	if items == nil {
		items = []T{}
	}
	if !paginate {
		c.ok(http.StatusOK, items)
		return
	}
	writeCursorPage(c, items)
}

// writeCursorPage answers with one cursor page of items (maxResults, nextCursor and
// prevCursor from the query), for lists that always page.
func writeCursorPage[T any](c *call, items []T) {
	q := c.r.URL.Query()
	if items == nil {
		items = []T{}
	}
	limit, ok := intParam(q, "maxResults", defaultMaxResults)
	if !ok || limit < 1 || limit > maxMaxResults {
		c.fieldErrors(fieldErrorInfo{Path: "maxResults", I18nKey: "400.001", Message: "maxResults must be between 1 and 200.", InvalidValue: q.Get("maxResults")})
		return
	}
	offset := 0
	for _, name := range []string{"nextCursor", "prevCursor"} {
		if v := q.Get(name); v != "" {
			o, ok := decodeCursor(v)
			if !ok {
				c.fieldErrors(fieldErrorInfo{Path: name, I18nKey: "400.001", Message: "The cursor is not valid.", InvalidValue: v})
				return
			}
			offset = o
			break
		}
	}
	if offset > len(items) {
		offset = len(items)
	}
	end := min(offset+limit, len(items))
	page := cursorPageWire{
		NumberOfElements:  end - offset,
		MaxResults:        limit,
		Items:             items[offset:end],
		PrevPageAvailable: offset > 0,
		NextPageAvailable: end < len(items),
	}
	if page.PrevPageAvailable {
		page.PrevCursor = encodeCursor(max(0, offset-limit))
	}
	if page.NextPageAvailable {
		page.NextCursor = encodeCursor(end)
	}
	c.ok(http.StatusOK, page)
}

// encodeCursor and decodeCursor turn an offset into an opaque base64 token.
func encodeCursor(offset int) string {
	return base64.URLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(s string) (int, bool) {
	b, err := base64.URLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	n, ok := strings.CutPrefix(string(b), "offset:")
	if !ok {
		return 0, false
	}
	o, err := strconv.Atoi(n)
	return o, err == nil && o >= 0
}
