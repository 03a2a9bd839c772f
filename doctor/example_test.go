package doctor_test

import (
	"context"
	"fmt"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/doctor"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Ask a client for a diagnosis with the X-Forwarded-For confirmation, then read
// the verdicts: what did not pass, one check by name, the tally. Here the client
// talks to a tangotest fake; against Tango, print d for the full report with
// fixes, or marshal it as JSON.
func Example() {
	srv := tangotest.NewServer()
	defer srv.Close()
	c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), tango.WithRootCAs(srv.RootCAs()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	d, err := c.Diagnose(context.Background(), doctor.BehindProxy())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ch := range d.Checks {
		if ch.Status != doctor.Passed {
			fmt.Println(ch.Name, ch.Status)
		}
	}
	if ch, ok := d.Lookup(doctor.CheckProxy); ok {
		fmt.Println(ch.Name, ch.Status)
	}
	fmt.Println("passed:", d.Count(doctor.Passed), "ok:", d.OK())
	// Output:
	// token skip
	// proxy pass
	// passed: 8 ok: true
}
