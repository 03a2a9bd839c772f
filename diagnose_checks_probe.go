package tango

// The doctor's raw requests: one attempt each, outside the request pipeline (no
// retries, no token replay), but through the client's pinned transport, with the
// client's headers, User-Agent and, when asked, its credentials.

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"time"
)

// probeResult is what one raw request brought back.
type probeResult struct {
	status   int
	header   http.Header
	tls      *tls.ConnectionState
	apiErr   error // *APIError or *GatewayError for a non-2xx answer
	err      error // no usable answer: transport, TLS or auth failure
	sent     time.Time
	received time.Time
}

// pinnedHTTPClient is the client's pinned transport without middleware: pinned
// roots, TLS 1.2+, no redirects. The doctor's raw requests use it so that they
// obey the same TLS rules as every call, while skipping the pipeline's header
// rules on purpose.
func (c *Client) pinnedHTTPClient() *http.Client { return c.direct }

// probeOptions shape a raw request.
type probeOptions struct {
	// auth puts the client's credentials on the request.
	auth bool
	// forwardedFor, when set, is sent as X-Forwarded-For exactly as given,
	// replacing any the client is configured with. It bypasses
	// NormalizeForwardedFor deliberately.
	forwardedFor string
}

// probe makes one GET to path (relative to the API root, with any query) within
// the attempt timeout.
func (c *Client) probe(ctx context.Context, path string, o probeOptions) *probeResult {
	res := &probeResult{}
	ctx, cancel := context.WithTimeout(ctx, c.attemptTimeout)
	defer cancel()
	r := &request{method: http.MethodGet, path: path}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+path, nil)
	if err != nil {
		res.err = err
		return res
	}
	for k, vs := range c.headers {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if o.forwardedFor != "" {
		// Assigned to the map directly: the value must reach the wire as given.
		req.Header["X-Forwarded-For"] = []string{o.forwardedFor}
	}
	if o.auth {
		if _, err := c.auth.Authorize(ctx, req); err != nil {
			res.err = err
			return res
		}
	}
	res.sent = c.clock.Now()
	resp, err := c.pinnedHTTPClient().Do(req)
	res.received = c.clock.Now()
	if err != nil {
		res.err = scrubTransportError(r, err)
		return res
	}
	defer resp.Body.Close()
	res.status, res.header, res.tls = resp.StatusCode, resp.Header, resp.TLS
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		res.err = scrubTransportError(r, err)
		return res
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, res.apiErr = parseErrorBody(r, resp, data)
	}
	return res
}
