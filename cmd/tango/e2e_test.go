package main

// End to end: the command built as a binary and run as a process, its output and
// exit code checked. The environment of each run is built from scratch, so no
// TANGO_* variable of the machine running the tests leaks in.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go/tangotest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

// binary builds the command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "tango-cli-e2e")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "tango")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// cleanEnv is the process environment without any TANGO_* variable.
func cleanEnv(extra map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TANGO_") {
			env = append(env, kv)
		}
	}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// runBinary runs the built command and returns what it printed and its exit code.
func runBinary(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = cleanEnv(env)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	assertNothingSecret(t, r.all())
	return r
}

func TestEndToEnd(t *testing.T) {
	t.Cleanup(func() {
		if buildDir != "" {
			_ = os.RemoveAll(buildDir)
		}
		// The binary is gone: the next run (go test -count=N) builds it again.
		buildOnce, binPath, buildErr, buildDir = sync.Once{}, "", nil, ""
	})
	t.Run("doctor on the embedded fake", func(t *testing.T) {
		r := runBinary(t, nil, "doctor", "--behind-proxy")
		assert.Equal(t, exitOK, r.code, r.all())
		assert.Contains(t, r.stderr, "using a tangotest fake server in-process")
		assert.Contains(t, r.stdout, "Result: 8 passed, 0 warnings, 0 failed, 1 skipped")
	})
	t.Run("help documents the exit codes", func(t *testing.T) {
		r := runBinary(t, nil, "--help")
		assert.Equal(t, exitOK, r.code)
		assert.Contains(t, r.stdout, "4  outcome unknown")
	})
	t.Run("usage error", func(t *testing.T) {
		r := runBinary(t, nil, "orders", "list", "--page-size")
		assert.Equal(t, exitUsage, r.code, r.all())
	})

	rm := newRemote(t)
	t.Run("API error", func(t *testing.T) {
		r := runBinary(t, rm.env, "order", "get", "RA000000-0000-00")
		assert.Equal(t, exitAPI, r.code, r.all())
		assert.Contains(t, r.stderr, "404")
	})
	t.Run("outcome unknown, then settled with the printed externalRefID", func(t *testing.T) {
		rm.srv.Inject(tangotest.Fault{Method: "POST", Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionResetAfterCommit()})
		rm.srv.Inject(tangotest.Fault{Method: "GET", Path: tangotest.PathOrders, Times: 1, Action: tangotest.ConnectionReset()})
		args := []string{"order", "create", "--utid", tangotest.UTIDRewardLink, "--amount", "7.50", "--delivery", "none", "--max-attempts", "1"}
		r := runBinary(t, rm.env, args...)
		require.Equal(t, exitOutcomeUnknown, r.code, r.all())
		ref := extractRef(t, r.stderr)

		r = runBinary(t, rm.env, append(args, "--external-ref-id", ref, "--json")...)
		require.Equal(t, exitOK, r.code, r.all())
		assert.Contains(t, r.stdout, `"replayed": true`)
		assert.Contains(t, r.stdout, `"externalRefID": "`+ref+`"`)
	})
	t.Run("doctor failure", func(t *testing.T) {
		gw := newRemote(t, tangotest.WithForwardingGateway())
		r := runBinary(t, gw.env, "doctor", "--behind-proxy", "--json")
		assert.Equal(t, exitDoctorFailed, r.code, r.all())
		assert.Contains(t, r.stdout, `"status": "fail"`)
	})
}
