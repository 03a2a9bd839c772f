package tangotest

import (
	"net/http"
	"strings"
)

// Request is one request as the fake received it, for tests that check what a
// client sent.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path ("/raas/v2/orders").
	Path string
	// RawQuery is the encoded query string, without '?'.
	RawQuery string
	// Header is a copy of the request headers, Authorization included.
	Header http.Header
	// Body is the request body as received.
	Body []byte
}

// record keeps a request for Requests and counts it for RequestCount.
func (s *Server) record(r *http.Request, body []byte) {
	req := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     append([]byte(nil), body...),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[r.Method+" "+r.URL.Path]++
	s.requests = append(s.requests, req)
	if n := s.cfg.maxRecorded; n > 0 && len(s.requests) > n {
		s.requests = append(s.requests[:0:0], s.requests[len(s.requests)-n:]...)
	}
}

// Requests returns the requests received so far, in arrival order (the last ones
// only, under WithMaxRecordedRequests). Requests dropped or delayed by faults are
// included: they reached the fake.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone()
		r.Body = append([]byte(nil), r.Body...)
		out[i] = r
	}
	return out
}

// RequestCount returns how many requests arrived with this method and exact path.
// An empty method counts every method.
func (s *Server) RequestCount(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method != "" {
		return s.counts[strings.ToUpper(method)+" "+path]
	}
	n := 0
	for k, v := range s.counts {
		if _, p, _ := strings.Cut(k, " "); p == path {
			n += v
		}
	}
	return n
}

// TokenRequests returns how many requests reached the token endpoint, whatever the
// answer.
func (s *Server) TokenRequests() int { return s.RequestCount("", PathToken) }
