package tango_test

// Benchmarks of the SDK's order calls against a hand-written client (net/http +
// encoding/json, decoding into equivalent plain structs) making the same calls,
// both over loopback TLS to a tangotest fake that runs in a child process (see
// bench_fake_test.go), so that CPU time and allocations are the client's alone.
//
// Each benchmark alternates the two variants in rounds (the SDK first in odd
// rounds, raw first in even ones), measures every round, and reports medians
// and the SDK/raw ratios of one run: read the "-x" metrics (1.00 means as cheap
// as raw). ns/op counts both variants and every round; ignore it. Run them with
//
//	go test -run '^$' -bench 'Orders(Get|Create)$' -benchtime=2000x -count=3 .
//
// and see the README ("Benchmarks") for the concurrency benchmark and profiling.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/tango-sdk/tango-go/tangotest"
)

// benchRounds is how many rounds each variant runs; metrics are medians over them.
const benchRounds = 7

// ordRaw is the hand-written client.
type ordRaw struct {
	hc   *http.Client
	base string
	auth string
}

// ordRawMoney and ordRawOrder mirror what the SDK decodes, in plain types.
type ordRawMoney struct {
	Value        json.Number `json:"value"`
	CurrencyCode string      `json:"currencyCode"`
	ExchangeRate json.Number `json:"exchangeRate"`
	Fee          json.Number `json:"fee"`
	Total        json.Number `json:"total"`
}

type ordRawOrder struct {
	ReferenceOrderID    string       `json:"referenceOrderID"`
	ReferenceLineItemID string       `json:"referenceLineItemID"`
	ExternalRefID       string       `json:"externalRefID"`
	CustomerIdentifier  string       `json:"customerIdentifier"`
	AccountIdentifier   string       `json:"accountIdentifier"`
	AccountNumber       string       `json:"accountNumber"`
	AmountCharged       *ordRawMoney `json:"amountCharged"`
	Denomination        *ordRawMoney `json:"denomination"`
	UTID                string       `json:"utid"`
	RewardName          string       `json:"rewardName"`
	Sender              *struct {
		FirstName, LastName, Email string
	} `json:"sender"`
	Recipient *struct {
		Email, FirstName, LastName string
		MobileNumber               *string
	} `json:"recipient"`
	EmailSubject   string `json:"emailSubject"`
	Message        string `json:"message"`
	DeliveryMethod string `json:"deliveryMethod"`
	SendEmail      *bool  `json:"sendEmail"`
	Status         string `json:"status"`
	OrderStatus    string `json:"orderStatus"`
	Campaign       string `json:"campaign"`
	CreatedAt      string `json:"createdAt"`
	Reward         *struct {
		Credentials    map[string]string `json:"credentials"`
		CredentialList []struct {
			Label, Value, Type, CredentialType string
		} `json:"credentialList"`
		RedemptionInstructions string `json:"redemptionInstructions"`
	} `json:"reward"`
}

// ordRawCreate is the body a hand-written client sends.
type ordRawCreate struct {
	ExternalRefID      string      `json:"externalRefID"`
	CustomerIdentifier string      `json:"customerIdentifier"`
	AccountIdentifier  string      `json:"accountIdentifier"`
	UTID               string      `json:"utid"`
	Amount             json.Number `json:"amount"`
	DeliveryMethod     string      `json:"deliveryMethod"`
	SendEmail          bool        `json:"sendEmail"`
	Recipient          struct {
		Email     string `json:"email"`
		FirstName string `json:"firstName"`
	} `json:"recipient"`
}

// do sends one request and decodes the answer, which must have status want.
func (r *ordRaw) do(ctx context.Context, method, path string, body []byte, want int, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", r.auth)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	return json.Unmarshal(data, out)
}

// compareToRaw runs sdk and raw alternately, calls calls per round each from
// workers goroutines, and reports per-call CPU, allocations and bytes for both
// and their ratios (medians of the rounds' ratios).
func compareToRaw(b *testing.B, workers int, sdk, raw func(ctx context.Context) error) {
	// Warm up: connections open, pools and caches filled, before anything counts.
	runRound(b, 4*workers, workers, false, sdk)
	runRound(b, 4*workers, workers, false, raw)
	var s, r []benchSample
	for round := range benchRounds {
		if round%2 == 0 {
			s = append(s, runRound(b, b.N, workers, false, sdk))
			r = append(r, runRound(b, b.N, workers, false, raw))
		} else {
			r = append(r, runRound(b, b.N, workers, false, raw))
			s = append(s, runRound(b, b.N, workers, false, sdk))
		}
	}
	reportRatio(b, "cpu-ns", s, r, benchSample.cpuPerCall)
	reportRatio(b, "allocs", s, r, benchSample.allocsPerCall)
	reportRatio(b, "B", s, r, benchSample.bytesPerCall)
}

// reportRatio reports the median of f for each variant, per call, and the median
// of the rounds' SDK/raw ratios as "<unit>-x".
func reportRatio(b *testing.B, unit string, s, r []benchSample, f func(benchSample) float64) {
	var sv, rv, ratio []float64
	for i := range s {
		sv, rv = append(sv, f(s[i])), append(rv, f(r[i]))
		if f(r[i]) > 0 {
			ratio = append(ratio, f(s[i])/f(r[i]))
		}
	}
	b.ReportMetric(median(sv), "sdk-"+unit+"/call")
	b.ReportMetric(median(rv), "raw-"+unit+"/call")
	if len(ratio) > 0 {
		b.ReportMetric(median(ratio), unit+"-x")
	}
}

// benchParallel is how many goroutines the parallel variants call from.
const benchParallel = 8

func BenchmarkOrdersGet(b *testing.B) {
	fake := startBenchFake(b)
	setup := fake.sdk(b)
	placed, err := setup.Orders.Create(context.Background(), ordRequest(""))
	if err != nil {
		b.Fatal(err)
	}
	id := placed.ReferenceOrderID
	for _, workers := range []int{1, benchParallel} {
		name := "serial"
		if workers > 1 {
			name = "parallel"
		}
		b.Run(name, func(b *testing.B) {
			c, raw := fake.sdk(b), fake.raw(b)
			compareToRaw(b, workers,
				func(ctx context.Context) error {
					o, err := c.Orders.Get(ctx, id)
					if err == nil && o.ReferenceOrderID != id {
						err = fmt.Errorf("got order %s", o.ReferenceOrderID)
					}
					return err
				},
				func(ctx context.Context) error {
					var o ordRawOrder
					err := raw.do(ctx, http.MethodGet, "/orders/"+id, nil, http.StatusOK, &o)
					if err == nil && o.ReferenceOrderID != id {
						err = fmt.Errorf("got order %s", o.ReferenceOrderID)
					}
					return err
				})
		})
	}
}

func BenchmarkOrdersCreate(b *testing.B) {
	fake := startBenchFake(b)
	for _, workers := range []int{1, benchParallel} {
		name := "serial"
		if workers > 1 {
			name = "parallel"
		}
		b.Run(name, func(b *testing.B) {
			c, raw := fake.sdk(b), fake.raw(b)
			compareToRaw(b, workers,
				func(ctx context.Context) error {
					o, err := c.Orders.Create(ctx, ordRequest(""))
					if err == nil && o.Replayed {
						err = fmt.Errorf("order %s replayed", o.ReferenceOrderID)
					}
					return err
				},
				func(ctx context.Context) error {
					body := ordRawCreate{
						ExternalRefID: uuid.NewString(), CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
						UTID: tangotest.UTIDRewardLink, Amount: "1.00", DeliveryMethod: "EMAIL", SendEmail: true,
					}
					body.Recipient.Email, body.Recipient.FirstName = ordRecipientEmail, "Ada"
					data, err := json.Marshal(body)
					if err != nil {
						return err
					}
					var o ordRawOrder
					err = raw.do(ctx, http.MethodPost, "/orders", data, http.StatusCreated, &o)
					if err == nil && o.ExternalRefID != body.ExternalRefID {
						err = fmt.Errorf("got order for %s", o.ExternalRefID)
					}
					return err
				})
		})
	}
}
