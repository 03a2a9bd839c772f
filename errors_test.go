package tango_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// plantedEmail is recipient contact data that Tango echoes in invalidValue.
const plantedEmail = "ada.recipient+planted@example.com"

func TestAPIErrorCarriesTangosErrorBody(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeTangoError(w, r, http.StatusBadRequest, "", "Validation failed",
			wireFieldError{Path: "recipient.email", I18nKey: "422.134", Message: "not a well-formed email address", InvalidValue: plantedEmail, Constraint: "Email", Code: 400500},
			wireFieldError{Path: "utid", I18nKey: "422.024", Message: "The Item identifier provided is not valid.", InvalidValue: "U000"},
		)
	})
	c := newCoreClient(t, srv)
	_, err := c.Do(t.Context(), http.MethodPost, "/orders", nil, map[string]string{"utid": "U000"}, nil)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Empty(t, apiErr.I18nKey)
	assert.Equal(t, "Validation failed", apiErr.Message)
	assert.Equal(t, "82b542f0-ed18-4021-8f8f-d176ae0982cd", apiErr.RequestID)
	assert.Equal(t, http.MethodPost, apiErr.Method)
	assert.Equal(t, "/orders", apiErr.Path, "relative to the API root, as every error names the call")
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Equal(t, []tango.FieldError{
		{Path: "recipient.email", I18nKey: "422.134", Message: "not a well-formed email address", Constraint: "Email"},
		{Path: "utid", I18nKey: "422.024", Message: "The Item identifier provided is not valid."},
	}, apiErr.Errors)
	assert.True(t, apiErr.HasKey("422.134"))
	assert.True(t, apiErr.HasKey("422.024"))
	assert.False(t, apiErr.HasKey("402.001"))

	msg := err.Error()
	for _, want := range []string{"POST /orders", "400", "recipient.email (422.134)", "utid (422.024)", "82b542f0-ed18-4021-8f8f-d176ae0982cd"} {
		assert.Contains(t, msg, want)
	}
	for _, out := range []string{msg, fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		assert.NotContains(t, out, plantedEmail, "the rejected value must not be kept")
	}
}

func TestAPIErrorRequestID(t *testing.T) {
	cases := []struct {
		name       string
		header     string
		body       string
		wantID     string
		wantInText bool
	}{
		{"from the header", "hdr-1", `{"httpCode":404,"i18nKey":"404.005","message":"Order not found"}`, "hdr-1", true},
		{"from the body", "", `{"requestId":"body-2","httpCode":404,"i18nKey":"404.005","message":"Order not found"}`, "body-2", true},
		{"none", "", `{"httpCode":404,"i18nKey":"404.005"}`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("X-REQUEST-ID", tc.header)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, tc.body)
			})
			c := newCoreClient(t, srv)
			_, err := c.Do(t.Context(), http.MethodGet, "/orders/RA-1", nil, nil, nil)
			var apiErr *tango.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantID, apiErr.RequestID)
			assert.Equal(t, "404.005", apiErr.I18nKey)
			assert.Equal(t, "/orders/RA-1", apiErr.Path, "the request path relative to the API root")
			assert.Equal(t, tc.wantInText, strings.Contains(err.Error(), "request id"))
		})
	}
}

func TestNonJSONErrorBodiesAreKeptShort(t *testing.T) {
	cases := []struct {
		name   string
		ctype  string
		body   string
		prefix string
	}{
		{"long text", "text/plain", strings.Repeat("upstream timed out ", 100), "upstream timed out upstream"},
		{"broken JSON", "application/json", `{"message": "cut`, `{"message": "cut`},
		{"HTML 502", "text/html", "<html>\r\n<head><title>502 Bad Gateway</title></head>\n\t<body>" + strings.Repeat("x", 500) + "</body></html>", "<html> <head><title>502 Bad Gateway</title></head> <body>xxx"},
		{"control characters", "text/plain", "bad\x00\x1b[31mrequest\x7f here", "bad [31mrequest here"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(http.StatusBadGateway)
				_, _ = io.WriteString(w, tc.body)
			})
			c := newCoreClient(t, srv, quickRetries(1))
			_, err := getPing(t.Context(), c)
			var apiErr *tango.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
			assert.True(t, strings.HasPrefix(apiErr.Message, tc.prefix), "message %q", apiErr.Message)
			assert.LessOrEqual(t, len([]rune(apiErr.Message)), 201, "excerpt of at most 200 characters and an ellipsis")
			assert.NotContains(t, apiErr.Message, "\n")
			assert.NotContains(t, apiErr.Message, "\x00")
			assert.NotContains(t, apiErr.Message, "\x1b")
		})
	}
}

func TestSentinels(t *testing.T) {
	all := []error{
		tango.ErrUnauthorized, tango.ErrForbidden, tango.ErrBrowserCall, tango.ErrNotFound, tango.ErrConflict,
		tango.ErrOrderInFlight, tango.ErrInsufficientFunds, tango.ErrRateLimited, tango.ErrServerError,
		tango.ErrValidation, tango.ErrRetryBudgetExhausted, tango.ErrUntrustedServer, tango.ErrOutcomeUnknown,
	}
	cases := []struct {
		status int
		key    string
		want   []error
	}{
		{400, "400.001", nil},
		{401, "401.002", []error{tango.ErrUnauthorized}},
		{402, "402.001", []error{tango.ErrInsufficientFunds}},
		{402, "402.051", nil},
		{403, "403.007", []error{tango.ErrForbidden}},
		{403, "403.001", []error{tango.ErrForbidden, tango.ErrBrowserCall}},
		{404, "404.005", []error{tango.ErrNotFound}},
		{409, "409.024", []error{tango.ErrConflict}},
		{409, "409.002", []error{tango.ErrConflict, tango.ErrOrderInFlight}},
		{422, "422.024", nil},
		{429, "429.001", []error{tango.ErrRateLimited}},
		{500, "500.001", []error{tango.ErrServerError}},
		{501, "", []error{tango.ErrServerError}},
		{502, "502.001", []error{tango.ErrServerError}},
		{503, "503.501", []error{tango.ErrServerError}},
		{504, "", []error{tango.ErrServerError}},
	}
	for _, tc := range cases {
		t.Run(itoa(tc.status)+" "+tc.key, func(t *testing.T) {
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				writeTangoError(w, r, tc.status, tc.key, "message")
			})
			c := newCoreClient(t, srv, quickRetries(1))
			_, err := getPing(t.Context(), c)
			require.Error(t, err)
			for _, s := range all {
				want := false
				for _, w := range tc.want {
					want = want || w == s
				}
				assert.Equal(t, want, errors.Is(err, s), "errors.Is(%d %s, %q)", tc.status, tc.key, s)
			}
		})
	}
}

func TestGatewayErrorFromLoadBalancerHTML(t *testing.T) {
	const page = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n"
	cases := []struct {
		name   string
		header map[string]string
	}{
		{"awselb server", map[string]string{"Server": "awselb/2.0", "Content-Type": "text/html"}},
		{"awselb without content type", map[string]string{"Server": "awselb/2.0", "Content-Type": ""}},
		{"HTML from another front", map[string]string{"Server": "cloudfront", "Content-Type": "text/html; charset=utf-8"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header()[k] = []string{v}
				}
				w.WriteHeader(http.StatusForbidden)
				_, _ = io.WriteString(w, page)
			})
			c := newCoreClient(t, srv)
			_, err := c.Do(t.Context(), http.MethodPost, "/orders", nil, map[string]string{"a": "b"}, nil)
			var gw *tango.GatewayError
			require.ErrorAs(t, err, &gw)
			var apiErr *tango.APIError
			assert.False(t, errors.As(err, &apiErr), "a load balancer page is not an API error")
			assert.ErrorIs(t, err, tango.ErrForbidden)
			assert.NotErrorIs(t, err, tango.ErrBrowserCall)
			assert.NotErrorIs(t, err, tango.ErrOutcomeUnknown, "the API never saw the request")
			assert.Equal(t, http.StatusForbidden, gw.StatusCode)
			assert.Equal(t, tc.header["Server"], gw.Server)
			assert.Contains(t, gw.Excerpt, "403 Forbidden")
			assert.Equal(t, int64(1), srv.hits.Load(), "not retried")

			msg := err.Error()
			for _, want := range []string{"X-Forwarded-For", "port", "expired", "token", "browser", "wrong environment", "load balancer"} {
				assert.Contains(t, msg, want)
			}
		})
	}
}

func TestJSON403IsAnAPIErrorEvenBehindTheLoadBalancer(t *testing.T) {
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "awselb/2.0")
		writeTangoError(w, r, http.StatusForbidden, "403.001", "Authorization Error")
	})
	c := newCoreClient(t, srv)
	_, err := getPing(t.Context(), c)
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, tango.ErrBrowserCall)
}

func TestAPIErrorMessageFormat(t *testing.T) {
	e := &tango.APIError{
		StatusCode: 402, I18nKey: "402.001", Message: "There are insufficient funds in your account to process this order.",
		RequestID: "req-9", Method: "POST", Path: "/orders", Attempts: 3,
	}
	assert.Equal(t, "tango: POST /orders: 402 (402.001) There are insufficient funds in your account to process this order. [request id req-9] after 3 attempts", e.Error())
	assert.ErrorIs(t, fmt.Errorf("placing order: %w", e), tango.ErrInsufficientFunds)
}

func TestFieldErrorString(t *testing.T) {
	cases := []struct {
		f    tango.FieldError
		want string
	}{
		{tango.FieldError{Path: "utid", I18nKey: "422.024", Message: "bad"}, "utid (422.024): bad"},
		{tango.FieldError{Path: "utid", Message: "bad"}, "utid: bad"},
		{tango.FieldError{Path: "utid", I18nKey: "422.024"}, "utid (422.024)"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.f.String())
	}
}

func TestValidationError(t *testing.T) {
	e := &tango.ValidationError{Fields: []tango.FieldError{
		{Path: "recipient.email", I18nKey: "422.134", Message: "not a well-formed email address"},
		{Path: "amount", I18nKey: "422.014", Message: "too many decimals"},
	}}
	err := fmt.Errorf("create: %w", e)
	assert.ErrorIs(t, err, tango.ErrValidation)
	assert.NotErrorIs(t, err, tango.ErrServerError)
	assert.True(t, e.HasKey("422.014"))
	assert.False(t, e.HasKey("422.999"))
	assert.Contains(t, e.Error(), "nothing was sent")
	assert.Contains(t, e.Error(), "recipient.email (422.134)")
	assert.Contains(t, e.Error(), "amount (422.014)")
}

func TestOutcomeUnknownError(t *testing.T) {
	cause := &tango.APIError{StatusCode: 503, Method: "POST", Path: "/orders"}
	e := &tango.OutcomeUnknownError{Method: "POST", Path: "/orders", ExternalRefID: "ref-42", Attempts: 2, Err: cause}
	err := fmt.Errorf("order: %w", e)
	assert.ErrorIs(t, err, tango.ErrOutcomeUnknown)
	assert.ErrorIs(t, err, tango.ErrServerError, "the cause is reachable")
	assert.Contains(t, e.Error(), `"ref-42"`)
	assert.Contains(t, e.Error(), "after 2 attempt")
	assert.Contains(t, e.Error(), "503")

	anon := &tango.OutcomeUnknownError{Method: "POST", Path: "/webhooks", Attempts: 1}
	assert.Contains(t, anon.Error(), "check at Tango before retrying")
	assert.NoError(t, anon.Unwrap())
}
