package main

import (
	"context"
	"fmt"

	"github.com/tango-sdk/tango-go/doctor"
)

// runDoctor runs Client.Diagnose and prints the report.
func runDoctor(ctx context.Context, inv *invocation, args []string) int {
	fs, cf := inv.newFlagSet("doctor", "tango doctor [--behind-proxy] [--json] [flags]")
	behind := fs.Bool("behind-proxy", false,
		"also send the X-Forwarded-For test pair (ip:port, then the bare ip) to confirm a proxy or API gateway appends ports; Tango is expected to refuse the first")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return inv.usageError("doctor takes no arguments, got %q", pos)
	}
	s, code, ok := inv.connect(cf)
	if !ok {
		return code
	}
	defer s.close()
	ctx, cancel := cf.deadline(ctx)
	defer cancel()
	var opts []doctor.Option
	if *behind {
		opts = append(opts, doctor.BehindProxy())
	}
	d, err := s.client.Diagnose(ctx, opts...)
	if d == nil {
		return inv.fail(err)
	}
	if cf.json {
		if perr := printJSON(inv.stdout, d); perr != nil {
			return inv.fail(perr)
		}
	} else {
		fmt.Fprint(inv.stdout, d.String())
	}
	switch {
	case err != nil:
		fmt.Fprintf(inv.stderr, "tango: the diagnosis did not finish: %v\n", err)
		return exitFailure
	case !d.OK():
		return exitDoctorFailed
	}
	return exitOK
}
