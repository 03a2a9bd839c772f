//go:build !unix

package tango_test

import "time"

// processCPU is not measured here: the benchmarks' CPU figures read 0.
func processCPU() time.Duration { return 0 }
