package tango_test

// A hostile or broken server cannot keep an All walk going forever: every walk
// stops at the client's cap on list requests (WithMaxListRequests).

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// endless answers every list with one fresh row and a fresh way to the next page.
func endless(t *testing.T) (*coreServer, *atomic.Int64) {
	var n atomic.Int64
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		id := "row-" + strconv.FormatInt(i, 10)
		switch r.URL.Path {
		case apiRoot + "/accounts":
			answerJSON(w, http.StatusOK, map[string]any{
				"items":      []any{map[string]any{"accountIdentifier": id}},
				"nextCursor": "cursor-" + id, "nextPageAvailable": true, "numberOfElements": 1,
			})
		case apiRoot + "/lineItems":
			answerJSON(w, http.StatusOK, map[string]any{
				"keysetPage": map[string]any{"nextPageKeys": []string{"key-" + id}, "resultCount": 1},
				"lineItems":  []any{map[string]any{"referenceLineItemID": id}},
			})
		case apiRoot + "/orders":
			// Every window, however small, claims more orders than one filter reaches.
			answerJSON(w, http.StatusOK, map[string]any{
				"page":   map[string]any{"number": 0, "totalCount": 20000, "resultCount": 0},
				"orders": []any{},
			})
		default:
			http.NotFound(w, r)
		}
	})
	return ts, &n
}

func TestAllWalksStopAtTheRequestCap(t *testing.T) {
	checkLeaks(t)
	const limit = 25
	end := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	walks := map[string]func(c *tango.Client) (rows int, last error){
		"cursor list": func(c *tango.Client) (int, error) {
			return drain(c.Accounts.All(context.Background(), nil))
		},
		"keyset list": func(c *tango.Client) (int, error) {
			return drain(c.LineItems.All(context.Background(), nil))
		},
		"orders window splitting": func(c *tango.Client) (int, error) {
			return drain(c.Orders.All(context.Background(), &tango.ListOrdersParams{StartDate: end.Add(-90 * 24 * time.Hour), EndDate: end}))
		},
	}
	for name, walk := range walks {
		t.Run(name, func(t *testing.T) {
			ts, n := endless(t)
			c := newCoreClient(t, ts, tango.WithMaxListRequests(limit))
			_, err := walk(c)
			require.ErrorIs(t, err, tango.ErrListTooLong)
			assert.Equal(t, int64(limit), n.Load(), "exactly the cap")
		})
	}
}

func TestWithMaxListRequestsValidates(t *testing.T) {
	for _, n := range []int{0, -1, 1_000_001} {
		_, err := tango.NewClient(tango.Sandbox, tango.BasicAuth(testPlatform, testAPIKey), tango.WithMaxListRequests(n))
		require.Error(t, err, fmt.Sprint(n))
		assert.Contains(t, err.Error(), "WithMaxListRequests")
	}
}

// drain ranges over a walk to its end, as a consumer that logs errors and keeps
// going would (Orders.All yields ErrResultsTruncated and goes on), and returns
// how many rows it yielded and the last error.
func drain[T any](seq func(yield func(*T, error) bool)) (int, error) {
	rows := 0
	var last error
	for _, err := range seq {
		if err != nil {
			last = err
			continue
		}
		rows++
	}
	return rows, last
}
