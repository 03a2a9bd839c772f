package openapicheck

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// Recorder is an http.Handler that passes every request to Next and keeps a copy
// of the exchange, for checking afterwards.
type Recorder struct {
	Next http.Handler

	mu        sync.Mutex
	exchanges []Exchange
}

// ServeHTTP records the request and Next's answer.
func (rec *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	ex := Exchange{
		Method:    r.Method,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		ReqHeader: r.Header.Clone(),
		ReqBody:   body,
	}
	cw := &captureWriter{ResponseWriter: w}
	defer func() {
		ex.Status = cw.status
		if ex.Status == 0 {
			ex.Status = http.StatusOK
		}
		ex.RespHeader = w.Header().Clone()
		ex.RespBody = cw.body.Bytes()
		rec.mu.Lock()
		rec.exchanges = append(rec.exchanges, ex)
		rec.mu.Unlock()
	}()
	rec.Next.ServeHTTP(cw, r)
}

// Exchanges returns the exchanges recorded so far, in arrival order.
func (rec *Recorder) Exchanges() []Exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Exchange(nil), rec.exchanges...)
}

// captureWriter copies what a handler writes.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (cw *captureWriter) WriteHeader(code int) {
	if cw.status == 0 {
		cw.status = code
	}
	cw.ResponseWriter.WriteHeader(code)
}

func (cw *captureWriter) Write(p []byte) (int, error) {
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	cw.body.Write(p)
	return cw.ResponseWriter.Write(p)
}

// Flush passes flushes on, for handlers that stream.
func (cw *captureWriter) Flush() {
	if f, ok := cw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
