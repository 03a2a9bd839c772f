package tango

import (
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Why the models have a LogValue method at all: slog's text handler prints a
// value with fmt, which asks each field's type (a Private prints as
// [REDACTED]), but slog's JSON handler prints it with encoding/json, which is
// faithful by design and would write every Private as it is. A model that holds
// personal data, directly or in a nested struct, therefore presents itself to
// slog through logValueOf: field by field, under the JSON names, each field
// presented by its own type. No model decides which of its fields are
// personal; the field's type does.
//
// slog's JSON handler still uses encoding/json for values it cannot resolve,
// such as a slice of models passed whole (slog.Any("orders", orders)).
// RedactingHandler (logredact.go) presents those through presentValue too;
// the SDK's own logger always has it.

// maxLogDepth bounds the walk, so that a cyclic value cannot loop.
const maxLogDepth = 10

var (
	logValuerType = reflect.TypeFor[slog.LogValuer]()
	stringerType  = reflect.TypeFor[fmt.Stringer]()
	timeType      = reflect.TypeFor[time.Time]()
)

// logValueOf presents a struct value for slog: a group of its set fields.
// Models call it from their LogValue method.
func logValueOf(v any) slog.Value {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return slog.Value{}
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return slog.StringValue(redacted)
	}
	return slog.GroupValue(structAttrs(rv, 0)...)
}

// structAttrs presents the exported, non-zero fields of a struct, named as in
// JSON. Embedded structs contribute their fields in place.
func structAttrs(rv reflect.Value, depth int) []slog.Attr {
	var attrs []slog.Attr
	t := rv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := rv.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			attrs = append(attrs, structAttrs(fv, depth+1)...)
			continue
		}
		if fv.IsZero() {
			continue
		}
		if val, ok := presentValue(fv, depth+1); ok {
			attrs = append(attrs, slog.Attr{Key: fieldLogName(f), Value: val})
		}
	}
	return attrs
}

// fieldLogName is the field's JSON name, or its Go name when it has none.
func fieldLogName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

// presentValue presents one value by its own type: a LogValuer (Private,
// Secret, RawRecord, another model) speaks for itself, times and Stringers
// (Amount) print as text, containers are walked. ok is false for what cannot
// be shown (functions, channels, depth exhausted).
func presentValue(v reflect.Value, depth int) (slog.Value, bool) {
	if depth > maxLogDepth || !v.IsValid() {
		return slog.Value{}, false
	}
	t := v.Type()
	switch {
	case t.Implements(logValuerType) && v.CanInterface():
		if t.Kind() == reflect.Pointer && v.IsNil() {
			return slog.Value{}, false
		}
		return slog.AnyValue(v.Interface()), true
	case t == timeType:
		return slog.TimeValue(v.Interface().(time.Time)), true
	case t.Implements(stringerType) && t.Kind() != reflect.Pointer && v.CanInterface():
		return slog.StringValue(v.Interface().(fmt.Stringer).String()), true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return slog.Value{}, false
		}
		return presentValue(v.Elem(), depth+1)
	case reflect.Struct:
		return slog.GroupValue(structAttrs(v, depth)...), true
	case reflect.Slice, reflect.Array:
		attrs := make([]slog.Attr, 0, v.Len())
		for i := range v.Len() {
			if val, ok := presentValue(v.Index(i), depth+1); ok {
				attrs = append(attrs, slog.Attr{Key: strconv.Itoa(i), Value: val})
			}
		}
		return slog.GroupValue(attrs...), true
	case reflect.Map:
		attrs := make([]slog.Attr, 0, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			if val, ok := presentValue(iter.Value(), depth+1); ok {
				attrs = append(attrs, slog.Attr{Key: fmt.Sprint(iter.Key().Interface()), Value: val})
			}
		}
		return slog.GroupValue(attrs...), true
	case reflect.String:
		return slog.StringValue(v.String()), true
	case reflect.Bool:
		return slog.BoolValue(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return slog.Int64Value(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return slog.Uint64Value(v.Uint()), true
	case reflect.Float32, reflect.Float64:
		return slog.Float64Value(v.Float()), true
	}
	return slog.Value{}, false
}

// formatValue writes a model for fmt, for every verb, as logValueOf presents
// it: {name:value ...} with the JSON names, each field printed by its own type,
// prefixed with the type's name for %#v. Models that hold personal data
// implement fmt.Formatter with it, because fmt prints a pointer it finds
// inside a struct with a verb that does not suit pointers (%s, %q) through a
// path that calls no method at all, which would show every Private field as it
// is.
func formatValue(f fmt.State, verb rune, v any) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, reflect.TypeOf(v).String())
	}
	writeLogValue(f, logValueOf(v))
}

// writeLogValue writes a presented value: groups as {name:value ...}, anything
// else as its text.
func writeLogValue(w io.Writer, v slog.Value) {
	v = v.Resolve()
	if v.Kind() != slog.KindGroup {
		_, _ = io.WriteString(w, v.String())
		return
	}
	_, _ = io.WriteString(w, "{")
	for i, a := range v.Group() {
		if i > 0 {
			_, _ = io.WriteString(w, " ")
		}
		_, _ = io.WriteString(w, a.Key+":")
		writeLogValue(w, a.Value)
	}
	_, _ = io.WriteString(w, "}")
}
