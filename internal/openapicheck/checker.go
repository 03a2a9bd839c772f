package openapicheck

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

//go:embed testdata/*.json testdata/recorded/*.json
var specFS embed.FS

// The committed documents and the path prefix each one serves.
const (
	apiDoc  = "tangocard-openapi.json"
	authDoc = "tangocard-auth-openapi.json"
)

// Checker validates exchanges against Tango's documents.
type Checker struct {
	docs    []*document
	defects []Defect
}

// document is one loaded OpenAPI document with its router.
type document struct {
	name   string
	doc    *openapi3.T
	router routers.Router
	server *url.URL // the document's first server: requests are re-addressed to it
}

// New loads the committed documents with every defect in testdata/defects.json
// corrected.
func New() (*Checker, error) { return load(true) }

// NewRaw loads the committed documents exactly as Tango publishes them, for the
// "before any excuse" counts.
func NewRaw() (*Checker, error) { return load(false) }

func load(withDefects bool) (*Checker, error) {
	defects, err := loadDefects()
	if err != nil {
		return nil, err
	}
	c := &Checker{}
	if withDefects {
		c.defects = defects
	}
	for _, name := range []string{apiDoc, authDoc} {
		d, err := loadDocument(name, c.defects)
		if err != nil {
			return nil, err
		}
		c.docs = append(c.docs, d)
	}
	for _, d := range defects {
		if err := c.knownOperations(d); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Defects returns the defects the checker corrects (none for NewRaw).
func (c *Checker) Defects() []Defect { return append([]Defect(nil), c.defects...) }

// knownOperations checks that a defect names operations that exist.
func (c *Checker) knownOperations(d Defect) error {
	for _, id := range d.Operations {
		if c.operation(id) == nil {
			return fmt.Errorf("openapicheck: defect %s names unknown operation %q", d.ID, id)
		}
	}
	return nil
}

// operation finds an operation by id in any document.
func (c *Checker) operation(id string) *openapi3.Operation {
	for _, d := range c.docs {
		for path, item := range d.doc.Paths.Map() {
			for method, op := range item.Operations() {
				if operationName(op, method, path) == id {
					return op
				}
			}
		}
	}
	return nil
}

// loadDocument reads one document, applies the defects meant for it, and builds its
// router.
func loadDocument(name string, defects []Defect) (*document, error) {
	raw, err := specFS.ReadFile("testdata/" + name)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, fmt.Errorf("openapicheck: %s: %w", name, err)
	}
	for _, d := range defects {
		if d.Document != name {
			continue
		}
		if tree, err = applyPatch(tree, d.Patch); err != nil {
			return nil, fmt.Errorf("openapicheck: defect %s: %w", d.ID, err)
		}
	}
	if raw, err = json.Marshal(tree); err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("openapicheck: %s: %w", name, err)
	}
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("openapicheck: %s has no server", name)
	}
	server, err := url.Parse(doc.Servers[0].URL)
	if err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapicheck: %s: router: %w", name, err)
	}
	return &document{name: name, doc: doc, router: router, server: server}, nil
}

// Exchange is one request and the answer it got, as seen on the wire.
type Exchange struct {
	Method      string
	Path        string // URL path, /raas/v2/... or /oauth/token
	RawQuery    string
	ReqHeader   http.Header
	ReqBody     []byte
	Status      int
	RespHeader  http.Header
	RespBody    []byte
	Description string // optional: what the test was doing
}

// Result is the verdict on one exchange.
type Result struct {
	// Operation is the operationId the exchange routed to ("" when none did).
	Operation string
	// RequestErr and ResponseErr are nil when the request, resp. the response, is
	// valid for the operation.
	RequestErr, ResponseErr error
}

// ErrNoOperation reports an exchange that matches no operation of the documents.
var ErrNoOperation = errors.New("openapicheck: no operation matches")

// Check validates one exchange.
func (c *Checker) Check(ctx context.Context, ex Exchange) Result {
	d := c.docFor(ex.Path)
	if d == nil {
		return Result{RequestErr: ErrNoOperation, ResponseErr: ErrNoOperation}
	}
	u := *d.server
	u.Path = ex.Path
	u.RawQuery = ex.RawQuery
	req, err := http.NewRequestWithContext(ctx, ex.Method, u.String(), bytes.NewReader(ex.ReqBody))
	if err != nil {
		return Result{RequestErr: err, ResponseErr: err}
	}
	req.Header = ex.ReqHeader.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	route, params, err := d.router.FindRoute(req)
	if err != nil {
		e := fmt.Errorf("%w: %s %s: %w", ErrNoOperation, ex.Method, ex.Path, err)
		return Result{RequestErr: e, ResponseErr: e}
	}
	res := Result{Operation: operationName(route.Operation, route.Method, route.Path)}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			MultiError:          true,
			SkipSettingDefaults: true,
		},
	}
	res.RequestErr = errors.Join(openapi3filter.ValidateRequest(ctx, in), undeclaredQuery(route, req.URL.Query()))
	// The request body was consumed: give the response check a fresh one.
	req.Body = io.NopCloser(bytes.NewReader(ex.ReqBody))
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 ex.Status,
		Header:                 ex.RespHeader,
		Body:                   io.NopCloser(bytes.NewReader(ex.RespBody)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	res.ResponseErr = openapi3filter.ValidateResponse(ctx, out)
	return res
}

// docFor picks the document whose server path prefixes path.
func (c *Checker) docFor(path string) *document {
	var best *document
	for _, d := range c.docs {
		p := strings.TrimSuffix(d.server.Path, "/")
		if p != "" && !strings.HasPrefix(path, p+"/") {
			continue
		}
		if d.name == authDoc && path != "/oauth/token" {
			continue
		}
		if best == nil || len(p) > len(strings.TrimSuffix(best.server.Path, "/")) {
			best = d
		}
	}
	return best
}

// operationName is the operation's id, or "METHOD path" for an operation without
// one (the token endpoint's document has none).
func operationName(op *openapi3.Operation, method, path string) string {
	if op.OperationID != "" {
		return op.OperationID
	}
	return method + " " + path
}

// undeclaredQuery reports query parameters the operation does not declare: the
// validator ignores them, but a parameter Tango does not know is at best dropped.
func undeclaredQuery(route *routers.Route, q url.Values) error {
	declared := map[string]bool{}
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range params {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	var errs []error
	for name := range q {
		if !declared[name] {
			errs = append(errs, fmt.Errorf("query parameter %q is not declared by the operation", name))
		}
	}
	return errors.Join(errs...)
}
