package tango

// Clock: how far this machine's clock is from the server's, read from the Date
// header of the TLS check's answer.

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tango-sdk/tango-go/doctor"
)

// Clock skew thresholds. The Date header has whole-second resolution, so anything
// under a few seconds is noise.
const (
	skewWarn = time.Minute
	skewFail = time.Hour
)

// checkClock compares the Date header with this machine's clock (the client's
// Clock) at the middle of the request.
func (dr *checkup) checkClock(context.Context) doctor.Check {
	res := dr.probe
	if res == nil || res.header == nil {
		return skipped(doctor.CheckClock, "not run: no answer from the API host to read a Date header from")
	}
	raw := res.header.Get("Date")
	if raw == "" {
		return skipped(doctor.CheckClock, "not run: the server's answer carried no Date header")
	}
	date, err := http.ParseTime(raw)
	if err != nil {
		return skipped(doctor.CheckClock, fmt.Sprintf("not run: the Date header %q does not parse", raw))
	}
	// The server stamped the answer somewhere between sending and receiving, and
	// truncated it to the second: compare against the midpoint, half a second on.
	local := res.sent.Add(res.received.Sub(res.sent) / 2)
	skew := date.Add(500 * time.Millisecond).Sub(local).Round(time.Second)
	secs := int64(skew / time.Second)
	dr.d.ClockSkewSeconds = &secs

	abs, dir := skew, "ahead of"
	if skew < 0 {
		abs, dir = -skew, "behind"
	}
	what := fmt.Sprintf("the server's clock is %v %s this machine's (Date: %s)", abs, dir, raw)
	switch {
	case abs >= skewFail:
		return failed(what,
			"Fix this machine's time (enable NTP: timedatectl set-ntp true, chrony or w32time). A clock this far off makes certificates look expired or not yet valid, shifts order searches by date, and leaves logs that cannot be matched with Tango's when you quote a request id.")
	case abs >= skewWarn:
		return warned(what,
			"Enable time synchronisation (NTP). Certificate validity and order searches by date are judged by this clock, and log timestamps will not line up with Tango's when you quote a request id.")
	}
	return passed(fmt.Sprintf("this machine's clock agrees with the server's within %v", skewWarn), "skew "+skew.String())
}
