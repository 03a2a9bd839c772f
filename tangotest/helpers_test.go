package tangotest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tango-sdk/tango-go/tangotest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixture is a running fake plus a plain net/http client that trusts it.
type fixture struct {
	t   *testing.T
	srv *tangotest.Server
	hc  *http.Client
}

func setup(t *testing.T, opts ...tangotest.Option) *fixture {
	t.Helper()
	srv := tangotest.NewServer(opts...)
	hc := srv.Client()
	t.Cleanup(func() {
		hc.CloseIdleConnections()
		srv.Close()
	})
	return &fixture{t: t, srv: srv, hc: hc}
}

// reply is a decoded answer.
type reply struct {
	status int
	header http.Header
	raw    []byte
}

// obj decodes the body as a JSON object, keeping numbers as text.
func (r reply) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.raw))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&m), "body: %s", r.raw)
	return m
}

// arr decodes the body as a JSON array.
func (r reply) arr(t *testing.T) []any {
	t.Helper()
	var a []any
	dec := json.NewDecoder(bytes.NewReader(r.raw))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&a), "body: %s", r.raw)
	return a
}

// fieldKeys lists "path=key" for each entry of an error body's errors array.
func (r reply) fieldKeys(t *testing.T) []string {
	t.Helper()
	var body struct {
		Errors []struct{ Path, I18nKey string }
	}
	require.NoError(t, json.Unmarshal(r.raw, &body), "body: %s", r.raw)
	var out []string
	for _, e := range body.Errors {
		out = append(out, e.Path+"="+e.I18nKey)
	}
	return out
}

// key returns the top-level i18nKey of an error body.
func (r reply) key(t *testing.T) string {
	t.Helper()
	var body struct{ I18nKey string }
	require.NoError(t, json.Unmarshal(r.raw, &body), "body: %s", r.raw)
	return body.I18nKey
}

// basic is the Authorization header for the fake's platform credentials.
func (f *fixture) basic() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(f.srv.PlatformName()+":"+f.srv.PlatformKey()))
}

// send makes a request. path starting with "/" is taken as is; otherwise it is
// relative to /raas/v2. body: nil, string (raw JSON), url.Values (form) or any value
// (marshalled). hdr are name/value pairs; Authorization defaults to Basic, and an
// Authorization of "" removes it.
func (f *fixture) send(method, path string, body any, hdr ...string) (reply, error) {
	f.t.Helper()
	if !strings.HasPrefix(path, "/") {
		path = tangotest.APIPrefix + "/" + path
	}
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		buf, err := json.Marshal(b)
		require.NoError(f.t, err)
		rd, ctype = bytes.NewReader(buf), "application/json"
	}
	req, err := http.NewRequest(method, f.srv.URL()+path, rd)
	require.NoError(f.t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", f.basic())
	for i := 0; i+1 < len(hdr); i += 2 {
		switch {
		case hdr[i] == "Authorization" && hdr[i+1] == "":
			req.Header.Del("Authorization")
		case hdr[i] == "Authorization":
			req.Header.Set("Authorization", hdr[i+1])
		default:
			req.Header.Add(hdr[i], hdr[i+1])
		}
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: resp.StatusCode, header: resp.Header, raw: raw}, nil
}

// do is send that fails the test on a transport error.
func (f *fixture) do(method, path string, body any, hdr ...string) reply {
	f.t.Helper()
	r, err := f.send(method, path, body, hdr...)
	require.NoError(f.t, err)
	return r
}

// order builds a valid create-order body for the demo account.
func order(ref, utid, amount string) map[string]any {
	o := map[string]any{
		"customerIdentifier": tangotest.DemoCustomer,
		"accountIdentifier":  tangotest.DemoAccount,
		"utid":               utid,
		"amount":             json.Number(amount),
		"sendEmail":          true,
		"recipient":          map[string]any{"email": "ada@example.com", "firstName": "Ada"},
	}
	if ref != "" {
		o["externalRefID"] = ref
	}
	return o
}

// token fetches an access token with the client-credentials grant.
func (f *fixture) token() string {
	f.t.Helper()
	r := f.do(http.MethodPost, tangotest.PathToken, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {f.srv.ClientID()}, "client_secret": {f.srv.ClientSecret()},
		"scope": {tangotest.TokenScope}, "audience": {tangotest.TokenAudience},
	})
	require.Equal(f.t, http.StatusOK, r.status, "%s", r.raw)
	return r.obj(f.t)["access_token"].(string)
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
