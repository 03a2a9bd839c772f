package openapicheck

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

// Recorded is one request and the answer Tango's sandbox gave it, as Tango's
// official 2018 SDKs recorded them in their tests (testdata/recorded/*.json; each
// file names its source). The payloads are facts; the files are written for this
// project.
type Recorded struct {
	// Name is the file's name without .json.
	Name string `json:"-"`
	// Source says where the payload was recorded and published.
	Source string `json:"source"`
	// Operation is the operationId in Tango's OpenAPI document.
	Operation string `json:"operation"`
	// Request is what was sent.
	Request struct {
		Method string          `json:"method"`
		Path   string          `json:"path"` // below /raas/v2
		Body   json.RawMessage `json:"body"`
	} `json:"request"`
	// Status is the answer's HTTP status.
	Status int `json:"status"`
	// Response is the answer's body (as recorded: the SDK tests compared a subset,
	// so an answer may have carried more fields than this).
	Response json.RawMessage `json:"response"`
}

// The generator of those SDKs wrote ": " for every ':' inside string values of
// its test sources, which broke times ("2018-04-26T18: 13: 45.196Z") and URLs
// ("https: //..."). The loader undoes exactly that.
var (
	brokenTime = regexp.MustCompile(`(T\d{2}): (\d{2}): (\d{2})`)
	brokenURL  = regexp.MustCompile(`(https?): //`)
)

// LoadRecorded reads every recorded exchange, sorted by name.
func LoadRecorded() ([]Recorded, error) {
	names, err := fs.Glob(specFS, "testdata/recorded/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Recorded
	for _, n := range names {
		raw, err := specFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		fixed := brokenURL.ReplaceAll(brokenTime.ReplaceAll(raw, []byte("$1:$2:$3")), []byte("$1://"))
		var r Recorded
		if err := json.Unmarshal(fixed, &r); err != nil {
			return nil, fmt.Errorf("openapicheck: %s: %w", n, err)
		}
		r.Name = strings.TrimSuffix(strings.TrimPrefix(n, "testdata/recorded/"), ".json")
		if r.Operation == "" || r.Request.Method == "" || r.Source == "" || len(r.Response) == 0 {
			return nil, fmt.Errorf("openapicheck: %s lacks operation, request, source or response", n)
		}
		out = append(out, r)
	}
	return out, nil
}

// ShapeDiff lists where got lacks a name want has, or holds another JSON type
// there (object, array, string, number, boolean; null matches anything), walking
// objects by name and arrays element by element against want's first element.
// Extra names in got are fine: Tango adds fields, and the recordings are subsets.
func ShapeDiff(want, got any) []string {
	var diffs []string
	shapeDiff("$", want, got, &diffs)
	sort.Strings(diffs)
	return diffs
}

func shapeDiff(path string, want, got any, diffs *[]string) {
	if want == nil || got == nil {
		return
	}
	if jsonType(want) != jsonType(got) {
		*diffs = append(*diffs, fmt.Sprintf("%s: %s, want %s", path, jsonType(got), jsonType(want)))
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				*diffs = append(*diffs, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			shapeDiff(path+"."+k, wv, gv, diffs)
		}
	case []any:
		// Every recorded element's shape must appear among got's elements (lists
		// mix shapes, such as fixed- and variable-value items).
		g := got.([]any)
		if len(g) == 0 {
			return
		}
		for i, wv := range w {
			var best []string
			for _, gv := range g {
				var d []string
				shapeDiff(fmt.Sprintf("%s[%d]", path, i), wv, gv, &d)
				if best == nil || len(d) < len(best) {
					best = d
				}
				if len(d) == 0 {
					break
				}
			}
			*diffs = append(*diffs, best...)
		}
	}
}

// jsonType names a decoded JSON value's type.
func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// DroppedFields lists the names and values of in (a recorded answer) that out (the
// same answer decoded into an SDK type and encoded again) lost or changed the JSON
// type of. Three things are not losses: a zero value ("", 0, false, null, [] or
// {}) that out omits, since decoding it gives the field's zero value anyway; a
// value out writes as "[REDACTED]", which the SDK keeps but never prints or
// encodes; and names out adds.
func DroppedFields(in, out any) []string {
	var diffs []string
	dropped("$", in, out, &diffs)
	sort.Strings(diffs)
	return diffs
}

func dropped(path string, in, out any, diffs *[]string) {
	if s, ok := out.(string); ok && s == "[REDACTED]" {
		return
	}
	if in == nil {
		return
	}
	if out == nil {
		if !isZero(in) {
			*diffs = append(*diffs, path+": dropped")
		}
		return
	}
	if jsonType(in) != jsonType(out) {
		*diffs = append(*diffs, fmt.Sprintf("%s: %s became %s", path, jsonType(in), jsonType(out)))
		return
	}
	switch iv := in.(type) {
	case map[string]any:
		ov := out.(map[string]any)
		for k, v := range iv {
			o, ok := ov[k]
			if !ok {
				if !isZero(v) {
					*diffs = append(*diffs, path+"."+k+": dropped")
				}
				continue
			}
			dropped(path+"."+k, v, o, diffs)
		}
	case []any:
		ov := out.([]any)
		if len(ov) != len(iv) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %d elements became %d", path, len(iv), len(ov)))
			return
		}
		for i := range iv {
			dropped(fmt.Sprintf("%s[%d]", path, i), iv[i], ov[i], diffs)
		}
	}
}

// isZero reports whether a decoded JSON value is its type's zero value.
func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case float64:
		return x == 0
	case json.Number:
		return x == "0"
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
