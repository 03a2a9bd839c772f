package tango_test

// Benchmarks of the SDK's order calls against a hand-written net/http +
// encoding/json call doing the same request, both over loopback TLS to tangotest
// with the same trusted pool and Basic auth. Run them with
//
//	go test -run '^$' -bench Orders -benchtime=2s .
//
// The SDK's cost over raw is its pipeline: per-attempt context and trace, body
// reader, exact-decimal money decoding, redaction types.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// ordBenchFake starts a fake with room for as many orders as a benchmark places.
func ordBenchFake(b *testing.B) *tangotest.Server {
	b.Helper()
	srv := tangotest.NewServer(tangotest.WithMaxRecordedRequests(16))
	b.Cleanup(srv.Close)
	if err := srv.SetBalance(tangotest.DemoAccount, "900000000.00"); err != nil {
		b.Fatal(err)
	}
	return srv
}

// ordBenchSDK is the SDK client the benchmarks use: defaults, but the fake's pool.
func ordBenchSDK(b *testing.B, srv *tangotest.Server) *tango.Client {
	b.Helper()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	return c
}

// ordRaw is the hand-written client: one http.Client over a transport cloned from
// the default one (as the SDK's is) that trusts the same pool.
type ordRaw struct {
	hc   *http.Client
	base string
	auth string
}

func newOrdRaw(b *testing.B, srv *tangotest.Server, pool *x509.CertPool) *ordRaw {
	b.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	b.Cleanup(tr.CloseIdleConnections)
	return &ordRaw{
		hc:   &http.Client{Transport: tr},
		base: srv.Environment().APIBaseURL,
		auth: "Basic " + base64.StdEncoding.EncodeToString([]byte(srv.PlatformName()+":"+srv.PlatformKey())),
	}
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

func BenchmarkOrdersGet(b *testing.B) {
	srv := ordBenchFake(b)
	c := ordBenchSDK(b, srv)
	ctx := context.Background()
	placed, err := c.Orders.Create(ctx, ordRequest(""))
	if err != nil {
		b.Fatal(err)
	}
	id := placed.ReferenceOrderID

	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o, err := c.Orders.Get(ctx, id)
				if err != nil || o.ReferenceOrderID != id {
					b.Errorf("Get: %v", err)
					return
				}
			}
		})
	})
	raw := newOrdRaw(b, srv, srv.RootCAs())
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				var o ordRawOrder
				if err := raw.do(ctx, http.MethodGet, "/orders/"+id, nil, http.StatusOK, &o); err != nil || o.ReferenceOrderID != id {
					b.Errorf("raw get: %v", err)
					return
				}
			}
		})
	})
}

func BenchmarkOrdersCreate(b *testing.B) {
	srv := ordBenchFake(b)
	c := ordBenchSDK(b, srv)
	ctx := context.Background()

	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o, err := c.Orders.Create(ctx, ordRequest(""))
				if err != nil || o.Replayed {
					b.Errorf("Create: %v", err)
					return
				}
			}
		})
	})
	raw := newOrdRaw(b, srv, srv.RootCAs())
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				body := ordRawCreate{
					ExternalRefID: uuid.NewString(), CustomerIdentifier: tangotest.DemoCustomer, AccountIdentifier: tangotest.DemoAccount,
					UTID: tangotest.UTIDRewardLink, Amount: "1.00", DeliveryMethod: "EMAIL", SendEmail: true,
				}
				body.Recipient.Email, body.Recipient.FirstName = ordRecipientEmail, "Ada"
				data, err := json.Marshal(body)
				if err != nil {
					b.Error(err)
					return
				}
				var o ordRawOrder
				if err := raw.do(ctx, http.MethodPost, "/orders", data, http.StatusCreated, &o); err != nil || o.ExternalRefID != body.ExternalRefID {
					b.Errorf("raw create: %v", err)
					return
				}
			}
		})
	})
}
