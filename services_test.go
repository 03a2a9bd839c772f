package tango_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

// TestServicesShareOneValue: every service field of a Client points at one
// value, as go-github's services do, and each client has its own. A service
// given its own struct again (one value per service) fails here.
func TestServicesShareOneValue(t *testing.T) {
	srv := tangotest.NewServer()
	t.Cleanup(srv.Close)
	a := fakeClient(t, srv, srv.BasicAuth())
	b := fakeClient(t, srv, srv.BasicAuth())

	services := func(c any) map[string]uintptr {
		out := map[string]uintptr{}
		v := reflect.ValueOf(c).Elem()
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() && f.Type.Kind() == reflect.Pointer && strings.HasSuffix(f.Type.Elem().Name(), "Service") {
				require.False(t, v.Field(i).IsNil(), f.Name)
				out[f.Name] = v.Field(i).Pointer()
			}
		}
		return out
	}
	sa, sb := services(a), services(b)
	require.Len(t, sa, 11, "the Client's service fields")
	for name, p := range sa {
		assert.Equal(t, sa["Orders"], p, "%s points at the shared value", name)
		assert.NotEqual(t, p, sb[name], "%s: each client has its own shared value", name)
	}
}
