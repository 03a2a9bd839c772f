package tango

import (
	"context"
	"log/slog"
	"reflect"
)

// RedactingHandler wraps h so that every value a record carries is presented
// the way the SDK's models present themselves: field by field, each field by
// its own type, so that a [Private] or a [Secret] shows as "[REDACTED]" however
// deeply it sits in a slice, a map, an array, an interface or a struct of your
// own.
//
// Why it exists: a model logged on its own is already redacted by its LogValue
// method, with any handler. But slog's JSON handler writes a value that is not
// itself a LogValuer, such as a slice of orders (slog.Any("orders", orders)),
// a map of models, a []any or a struct of your own holding a model, through
// encoding/json, which is faithful by design and prints every Private in clear.
// Wrapping the handler closes that gap:
//
//	logger := slog.New(tango.RedactingHandler(slog.NewJSONHandler(os.Stderr, nil)))
//	logger.Info("placed", "orders", orders) // emails, names and codes print as [REDACTED]
//
// Such values are logged as groups: a slice's elements under their indexes
// ("0", "1", ...), a map's under their keys, a struct's exported fields under
// their JSON names. Values that cannot hold anything private (strings, numbers,
// []byte, types without a Private, Secret or LogValuer inside), errors (their
// Error text) and values whose type has its own LogValue pass through as they
// are. [WithLogger] applies it to the logger it is given, so the SDK's own
// records are covered whatever handler you pass.
//
// h must not be nil. Wrapping a handler twice wraps it once.
func RedactingHandler(h slog.Handler) slog.Handler {
	if h == nil {
		panic("tango: RedactingHandler: nil handler")
	}
	if r, ok := h.(redactingHandler); ok {
		return r
	}
	return redactingHandler{next: h}
}

// redactingHandler is what RedactingHandler returns.
type redactingHandler struct{ next slog.Handler }

// Enabled asks the wrapped handler.
func (h redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle passes the record on with its attributes presented by redactAttr.
func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.NumAttrs() == 0 {
		return h.next.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a, 0))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs presents the attributes before the wrapped handler keeps them.
func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = redactAttr(a, 0)
	}
	return redactingHandler{next: h.next.WithAttrs(out)}
}

// WithGroup passes the group on.
func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: h.next.WithGroup(name)}
}

// redactAttr resolves a's value and replaces every value a handler would give
// to encoding/json, and that may hold something private, by its presentation
// (presentValue), in groups too.
func redactAttr(a slog.Attr, depth int) slog.Attr {
	if depth > maxLogDepth {
		return slog.String(a.Key, redacted)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		group := v.Group()
		out := make([]slog.Attr, len(group))
		for i, g := range group {
			out[i] = redactAttr(g, depth+1)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		x := v.Any()
		if _, isErr := x.(error); isErr || x == nil {
			break
		}
		rv := reflect.ValueOf(x)
		if !mayHoldPrivate(rv.Type(), map[reflect.Type]bool{}) {
			break
		}
		pv, ok := presentValue(rv, depth)
		if !ok {
			pv = slog.StringValue(redacted)
		}
		// The presentation holds LogValuers (a Private, a model) still to be
		// resolved, which may in turn hand back a container.
		return redactAttr(slog.Attr{Key: a.Key, Value: pv}, depth+1)
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// mayHoldPrivate reports whether a value of type t can reach a value that
// presents itself (a LogValuer such as Private, Secret or a model) through
// what encoding/json would write: exported fields, elements, map keys and
// values, interfaces (whose content only the value knows). seen breaks cycles.
func mayHoldPrivate(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if t.Implements(logValuerType) || reflect.PointerTo(t).Implements(logValuerType) {
		return true
	}
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return mayHoldPrivate(t.Elem(), seen)
	case reflect.Map:
		return mayHoldPrivate(t.Key(), seen) || mayHoldPrivate(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if (f.IsExported() || f.Anonymous) && mayHoldPrivate(f.Type, seen) {
				return true
			}
		}
	}
	return false
}
