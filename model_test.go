package tango_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"log/slog"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// The model tests walk every exported struct type of the package (see
// exportedStructTypes), fill each with values by reflection, and check the two
// halves of the SDK's data policy: encoding/json is faithful, presentation
// (fmt, slog, error strings) redacts. A new type is covered as soon as it is
// registered, and TestExportedStructTypesRegistered makes sure it is.

// sourceStructTypes parses the package's own Go files (those the build would
// compile here) and returns the names of its exported struct types.
func sourceStructTypes(t testing.TB) []string {
	t.Helper()
	pkg, err := build.ImportDir(".", 0)
	require.NoError(t, err)
	fset := token.NewFileSet()
	var names []string
	for _, file := range pkg.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(".", file), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				ts := spec.(*ast.TypeSpec)
				if _, isStruct := ts.Type.(*ast.StructType); isStruct && ts.Name.IsExported() {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

func TestExportedStructTypesRegistered(t *testing.T) {
	names := sourceStructTypes(t)
	require.Greater(t, len(names), 50, "the parser found the package's types")
	var missing []string
	for _, n := range names {
		if _, ok := exportedStructTypes[n]; !ok {
			missing = append(missing, fmt.Sprintf("\t%q: {reflect.TypeFor[tango.%s]()},", n, n))
		}
	}
	assert.Empty(t, missing, "add these lines to exportedStructTypes in model_registry_test.go:\n%s", strings.Join(missing, "\n"))
	for n := range exportedStructTypes {
		assert.Contains(t, names, n, "exportedStructTypes names a type the package no longer has")
	}
}

// registeredTypes lists every registered type, in a stable order.
func registeredTypes() []reflect.Type {
	var names []string
	for n := range exportedStructTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []reflect.Type
	for _, n := range names {
		out = append(out, exportedStructTypes[n]...)
	}
	return out
}

var (
	privateType   = reflect.TypeFor[tango.Private]()
	secretType    = reflect.TypeFor[tango.Secret]()
	amountType    = reflect.TypeFor[tango.Amount]()
	timeType      = reflect.TypeFor[time.Time]()
	rawRecordType = reflect.TypeFor[tango.RawRecord]()
	rawJSONType   = reflect.TypeFor[json.RawMessage]()
)

// filler fills values by reflection. Every Private, Secret and RawRecord gets a
// planted value unique to the test run, recorded in planted; other strings get
// plain text. Fields the JSON encoding leaves out (json:"-") stay zero: they
// describe the call that returned a value (its request id), not the value.
type filler struct {
	n       int
	planted []string
}

func (f *filler) next(kind string) string {
	f.n++
	return fmt.Sprintf("%s-%d-qz", kind, f.n)
}

func (f *filler) plant(kind string) string {
	s := f.next("planted" + kind)
	f.planted = append(f.planted, s)
	return s
}

// fillable reports whether the filler can fill a struct: every field exported,
// or the type reads itself from JSON.
func fillable(t reflect.Type) bool {
	if t == amountType || t == timeType || t == secretType || t == rawRecordType {
		return true
	}
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

func (f *filler) fill(v reflect.Value, depth int) {
	t := v.Type()
	switch {
	case t == privateType:
		v.SetString(f.plant("private"))
		return
	case t == secretType:
		v.Set(reflect.ValueOf(tango.NewSecret(f.plant("secret"))))
		return
	case t == amountType:
		v.Set(reflect.ValueOf(tango.MustParseAmount(fmt.Sprintf("%d.25", f.n+1))))
		f.n++
		return
	case t == timeType:
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5+f.n, 0, time.UTC)))
		f.n++
		return
	case t == rawJSONType:
		v.SetBytes([]byte(`{"k":"` + f.next("plain") + `"}`))
		return
	case t == rawRecordType:
		r := v.Addr().Interface().(*tango.RawRecord)
		if err := json.Unmarshal([]byte(`{"note":"`+f.plant("raw")+`"}`), r); err != nil {
			panic(err)
		}
		return
	}
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.next("plain"))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.n++
		v.SetInt(int64(f.n % 100))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f.n++
		v.SetUint(uint64(f.n % 100))
	case reflect.Float32, reflect.Float64:
		f.n++
		v.SetFloat(float64(f.n) + 0.5)
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.Struct && !fillable(t.Elem()) {
			return
		}
		p := reflect.New(t.Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(t, 2, 2)
		for i := range 2 {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(t)
		k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		f.fill(k, depth+1)
		f.fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if !fillable(t) {
			return
		}
		for i := range t.NumField() {
			sf := t.Field(i)
			if sf.Tag.Get("json") == "-" {
				continue
			}
			f.fill(v.Field(i), depth+1)
		}
	}
}

// filled returns a pointer to a filled value of t, and the planted values.
func filled(t reflect.Type) (reflect.Value, []string) {
	var f filler
	p := reflect.New(t)
	f.fill(p.Elem(), 0)
	return p, f.planted
}

// holds reports whether a value of t can hold a value of want, at any depth.
func holds(t, want reflect.Type) bool {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type) bool
	walk = func(t reflect.Type) bool {
		if t == want {
			return true
		}
		if seen[t] {
			return false
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			return walk(t.Elem())
		case reflect.Map:
			return walk(t.Key()) || walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				if t.Field(i).IsExported() && walk(t.Field(i).Type) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}

// dataType reports whether t is a value users keep (a model, request, params or
// error type) rather than machinery (a client, a service): the filler can fill
// it and encoding/json can encode it.
func dataType(t reflect.Type) bool {
	if !fillable(t) {
		return false
	}
	_, err := json.Marshal(reflect.New(t).Interface())
	return err == nil
}

// TestModelsRoundTripJSON: every exported data type survives encoding/json
// unchanged, personal data included (users keep models in databases and
// requests in job queues). The one exception is a Secret (card numbers,
// security codes, credentials): it encodes as [REDACTED], and this test checks
// that it does.
func TestModelsRoundTripJSON(t *testing.T) {
	var checked, skipped []string
	for _, typ := range registeredTypes() {
		if !dataType(typ) {
			skipped = append(skipped, typ.String())
			continue
		}
		checked = append(checked, typ.String())
		t.Run(typ.String(), func(t *testing.T) {
			v, planted := filled(typ)
			b, err := json.Marshal(v.Interface())
			require.NoError(t, err)
			if holds(typ, secretType) {
				for _, p := range planted {
					if strings.HasPrefix(p, "plantedsecret") {
						assert.NotContains(t, string(b), p, "a Secret must never reach JSON")
					}
				}
				return
			}
			for _, p := range planted {
				assert.Contains(t, string(b), p, "encoding/json keeps personal data")
			}
			back := reflect.New(typ)
			require.NoError(t, json.Unmarshal(b, back.Interface()), "%s", b)
			assert.Equal(t, v.Interface(), back.Interface(), "json: %s", b)
		})
	}
	t.Logf("round-tripped %d types; not data (machinery): %s", len(checked), strings.Join(skipped, ", "))
	assert.Greater(t, len(checked), 80)
}

// leakForms are the ways a planted value might be spelled in an output.
func leakForms(planted []string) []string {
	var out []string
	for _, p := range planted {
		out = append(out, p, hex.EncodeToString([]byte(p)), strings.ToUpper(hex.EncodeToString([]byte(p))))
	}
	return out
}

// presentations prints v every way a program presents a value: every fmt verb
// (with and without flags), slog's text and JSON handlers, and error strings.
func presentations(v any) map[string]string {
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%t", "%e", "%c", "%U", "%T", "%10.3s", "%-8q"} {
		out["fmt "+verb] = fmt.Sprintf(verb, v)
	}
	out["Sprint"] = fmt.Sprint(v)
	out["Sprintln"] = fmt.Sprintln(v)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
	out["slog text"] = buf.String()
	buf.Reset()
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
	out["slog JSON"] = buf.String()
	out["fmt.Errorf %v"] = fmt.Errorf("wrapped: %v", v).Error()
	out["fmt.Errorf %s"] = fmt.Errorf("wrapped: %s", v).Error()
	if err, ok := v.(error); ok {
		out["Error()"] = err.Error()
		out["errors.Join"] = errors.Join(err).Error()
	}
	return out
}

// TestModelsNeverPresentPersonalData: a value planted in any Private, Secret or
// RawRecord of any exported type never shows in any presentation of the value,
// of a pointer to it, or (for fmt) of a slice of pointers.
func TestModelsNeverPresentPersonalData(t *testing.T) {
	n := 0
	for _, typ := range registeredTypes() {
		if !fillable(typ) {
			continue
		}
		v, planted := filled(typ)
		if len(planted) == 0 {
			continue
		}
		n++
		t.Run(typ.String(), func(t *testing.T) {
			forms := map[string]any{"value": v.Elem().Interface(), "pointer": v.Interface()}
			slice := reflect.MakeSlice(reflect.SliceOf(v.Type()), 1, 1)
			slice.Index(0).Set(v)
			for name, form := range forms {
				for channel, out := range presentations(form) {
					for _, leak := range leakForms(planted) {
						assert.NotContains(t, out, leak, "%s of %s (%s)", channel, typ, name)
					}
				}
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
				out := fmt.Sprintf(verb, slice.Interface())
				for _, leak := range leakForms(planted) {
					assert.NotContains(t, out, leak, "fmt %s of []*%s", verb, typ)
				}
			}
		})
	}
	assert.Greater(t, n, 25, "types that hold personal data or secrets")
}

// FuzzModelJSON decodes outside input into every data type: what decodes must
// encode and decode again to the same value (the round trip is stable on any
// input Tango or a queue might hand over).
func FuzzModelJSON(f *testing.F) {
	var types []reflect.Type
	for _, typ := range registeredTypes() {
		if dataType(typ) && !holds(typ, secretType) {
			types = append(types, typ)
		}
	}
	for i, typ := range types {
		v, _ := filled(typ)
		b, err := json.Marshal(v.Interface())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint16(i), b)
	}
	f.Add(uint16(0), []byte(`{"recipient":{"email":"a@example.com"},"amount":"1.5"}`))
	f.Add(uint16(0), []byte(`null`))
	f.Fuzz(func(t *testing.T, i uint16, data []byte) {
		typ := types[int(i)%len(types)]
		first := reflect.New(typ)
		if json.Unmarshal(data, first.Interface()) != nil {
			return
		}
		b, err := json.Marshal(first.Interface())
		if err != nil {
			t.Fatalf("%s decoded but does not encode: %v", typ, err)
		}
		second := reflect.New(typ)
		if err := json.Unmarshal(b, second.Interface()); err != nil {
			t.Fatalf("%s: its own encoding %s does not decode: %v", typ, b, err)
		}
		b2, err := json.Marshal(second.Interface())
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("%s: encoding is not stable:\n%s\n%s", typ, b, b2)
		}
	})
}
