package tango

import "context"

// ctxErr is ctx.Err(), and errNilContext for a nil context, which would
// otherwise panic.
func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return errNilContext
	}
	return ctx.Err()
}
