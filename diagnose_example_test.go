package tango_test

import (
	"context"
	"fmt"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/doctor"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Diagnose a connection and act on the verdicts. Here the client talks to a
// tangotest fake; against Tango, print d (or marshal it as JSON) for the full
// report with fixes.
func ExampleClient_Diagnose() {
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
		fmt.Println(ch.Name, ch.Status)
	}
	fmt.Println("ok:", d.OK())
	// Output:
	// dns pass
	// tcp pass
	// tls pass
	// clock pass
	// token skip
	// read pass
	// environment pass
	// proxy pass
	// webhooks pass
	// ok: true
}
