package tango_test

// Every service method answers a nil context, and nil requests and params, with
// an error (or, for params, the documented default), never with a panic.

import (
	"context"
	"iter"
	"net/http"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
)

// callWithZeroArgs calls method with ctx first and the zero value of every other
// argument (nil requests and params, empty strings), ranging over an iterator it
// returns. It reports a panic as a failure and returns the call's error, if any.
func callWithZeroArgs(t *testing.T, method reflect.Value, ctx context.Context) (err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("panicked: %v", p)
		}
	}()
	mt := method.Type()
	args := make([]reflect.Value, mt.NumIn())
	for i := range args {
		args[i] = reflect.Zero(mt.In(i))
	}
	if mt.NumIn() > 0 && mt.In(0) == reflect.TypeFor[context.Context]() && ctx != nil {
		args[0] = reflect.ValueOf(ctx)
	}
	out := method.Call(args)
	for _, o := range out {
		if e, ok := o.Interface().(error); ok && e != nil {
			err = e
		}
		if o.Kind() == reflect.Func && o.Type().NumIn() == 1 && !o.IsNil() {
			// An iter.Seq2[*T, error]: range it until its first error.
			o.Call([]reflect.Value{reflect.MakeFunc(o.Type().In(0), func(a []reflect.Value) []reflect.Value {
				if e, ok := a[1].Interface().(error); ok && e != nil {
					err = e
					return []reflect.Value{reflect.ValueOf(false)}
				}
				return []reflect.Value{reflect.ValueOf(true)}
			})})
		}
	}
	return err
}

var _ iter.Seq2[*tango.Order, error] // the shape callWithZeroArgs ranges over

func TestNilContextAndRequestsNeverPanic(t *testing.T) {
	checkLeaks(t)
	srv := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]any{})
	})
	c := newCoreClient(t, srv, quickRetries(1))
	cv := reflect.ValueOf(c).Elem()
	for i := range cv.NumField() {
		f := cv.Field(i)
		if !cv.Type().Field(i).IsExported() || f.Kind() != reflect.Pointer || f.IsNil() {
			continue
		}
		svc := cv.Type().Field(i).Name
		for m := range f.NumMethod() {
			method, name := f.Method(m), f.Type().Method(m).Name
			if method.Type().NumIn() == 0 || method.Type().In(0) != reflect.TypeFor[context.Context]() {
				continue
			}
			t.Run(svc+"."+name+" nil context", func(t *testing.T) {
				require.Error(t, callWithZeroArgs(t, method, nil))
			})
			t.Run(svc+"."+name+" nil arguments", func(t *testing.T) {
				_ = callWithZeroArgs(t, method, context.Background())
			})
		}
	}
	t.Run("Client.Do nil context", func(t *testing.T) {
		err := callWithZeroArgs(t, reflect.ValueOf(c.Do), nil)
		require.Error(t, err)
	})
	t.Run("Orders.Create nil context, valid request", func(t *testing.T) {
		var err error
		require.NotPanics(t, func() {
			_, err = c.Orders.Create(nil, ordRequest("nil-ctx-ref-001")) //lint:ignore SA1012 the nil context is the point
		})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nil context")
		assert.Equal(t, "nil-ctx-ref-001", ordErrorRef(t, err))
	})
	t.Run("Orders.Get nil context", func(t *testing.T) {
		var err error
		require.NotPanics(t, func() {
			_, err = c.Orders.Get(nil, "RA-1") //lint:ignore SA1012 the nil context is the point
		})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nil context")
	})
}
