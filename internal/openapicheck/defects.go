package openapicheck

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Defect is one known error in Tango's OpenAPI documents, corrected before
// validation rather than silently worked around.
type Defect struct {
	// ID names the defect in reports.
	ID string `json:"id"`
	// Document is the file the patch applies to ("tangocard-openapi.json").
	Document string `json:"document"`
	// Summary says what the document gets wrong.
	Summary string `json:"summary"`
	// Evidence says why the document, not the SDK or the fake, is wrong.
	Evidence string `json:"evidence"`
	// Operations lists the operationIds whose checks the patch changes.
	Operations []string `json:"operations"`
	// Patch is the correction, as JSON Patch operations (add, replace, remove).
	Patch []PatchOp `json:"patch"`
}

// PatchOp is one JSON Patch (RFC 6902) operation (add, replace or remove), or
// replace-every, which replaces every value in the document equal to From with Value
// (for a defect repeated at many places) and fails when there is none.
type PatchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path,omitempty"`
	From  json.RawMessage `json:"from,omitempty"` // replace-every only
	Value json.RawMessage `json:"value,omitempty"`
}

// defectsFile is the layout of testdata/defects.json.
type defectsFile struct {
	Defects []Defect `json:"defects"`
}

// loadDefects reads the defects file.
func loadDefects() ([]Defect, error) {
	raw, err := specFS.ReadFile("testdata/defects.json")
	if err != nil {
		return nil, err
	}
	var f defectsFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("openapicheck: defects.json: %w", err)
	}
	for _, d := range f.Defects {
		if d.ID == "" || d.Document == "" || d.Evidence == "" || len(d.Operations) == 0 || len(d.Patch) == 0 {
			return nil, fmt.Errorf("openapicheck: defect %q lacks an id, document, evidence, operations or patch", d.ID)
		}
	}
	return f.Defects, nil
}

// applyPatch applies ops to the decoded JSON document doc and returns the result.
func applyPatch(doc any, ops []PatchOp) (any, error) {
	for _, op := range ops {
		var val any
		if op.Op != "remove" {
			if err := json.Unmarshal(op.Value, &val); err != nil {
				return nil, fmt.Errorf("patch %s %s: value: %w", op.Op, op.Path, err)
			}
		}
		var err error
		if op.Op == "replace-every" {
			var from any
			if err := json.Unmarshal(op.From, &from); err != nil {
				return nil, fmt.Errorf("patch replace-every: from: %w", err)
			}
			n := 0
			doc = replaceEvery(doc, from, val, &n)
			if n == 0 {
				return nil, fmt.Errorf("patch replace-every: no value matches")
			}
			continue
		}
		doc, err = patchAt(doc, splitPointer(op.Path), op, val)
		if err != nil {
			return nil, fmt.Errorf("patch %s %s: %w", op.Op, op.Path, err)
		}
	}
	return doc, nil
}

// splitPointer splits a JSON Pointer into unescaped tokens.
func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// patchAt applies op at the path toks below node and returns the new node.
func patchAt(node any, toks []string, op PatchOp, val any) (any, error) {
	if len(toks) == 0 {
		if op.Op == "remove" {
			return nil, fmt.Errorf("cannot remove the root")
		}
		return val, nil
	}
	tok, rest := toks[0], toks[1:]
	switch n := node.(type) {
	case map[string]any:
		child, ok := n[tok]
		if len(rest) == 0 {
			switch op.Op {
			case "remove":
				if !ok {
					return nil, fmt.Errorf("no member %q", tok)
				}
				delete(n, tok)
			case "replace":
				if !ok {
					return nil, fmt.Errorf("no member %q to replace", tok)
				}
				n[tok] = val
			case "add":
				n[tok] = val
			default:
				return nil, fmt.Errorf("unsupported op")
			}
			return n, nil
		}
		if !ok {
			return nil, fmt.Errorf("no member %q", tok)
		}
		sub, err := patchAt(child, rest, op, val)
		if err != nil {
			return nil, err
		}
		n[tok] = sub
		return n, nil
	case []any:
		if len(rest) == 0 && op.Op == "add" && tok == "-" {
			return append(n, val), nil
		}
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(n) {
			return nil, fmt.Errorf("bad index %q", tok)
		}
		if len(rest) == 0 {
			switch op.Op {
			case "remove":
				return append(n[:i:i], n[i+1:]...), nil
			case "replace":
				n[i] = val
				return n, nil
			case "add":
				out := append(n[:i:i], val)
				return append(out, n[i:]...), nil
			}
			return nil, fmt.Errorf("unsupported op")
		}
		sub, err := patchAt(n[i], rest, op, val)
		if err != nil {
			return nil, err
		}
		n[i] = sub
		return n, nil
	}
	return nil, fmt.Errorf("%q: not an object or array", tok)
}

// replaceEvery replaces every value equal to from below node with a copy of to,
// counting the replacements in n.
func replaceEvery(node, from, to any, n *int) any {
	if reflect.DeepEqual(node, from) {
		*n++
		return deepCopy(to)
	}
	switch x := node.(type) {
	case map[string]any:
		for k, v := range x {
			x[k] = replaceEvery(v, from, to, n)
		}
	case []any:
		for i, v := range x {
			x[i] = replaceEvery(v, from, to, n)
		}
	}
	return node
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
