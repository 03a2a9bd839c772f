// Command tango is a small command-line tool on the tango-go SDK for operators and
// scripts: it diagnoses the connection to Tango, reads the catalog and the
// accounts, and places, fetches and lists orders.
//
//	tango doctor [--behind-proxy]
//	tango catalog [--utid U561593]
//	tango accounts
//	tango order create --utid U561593 --amount 10.00 --email ... --first-name ... [--external-ref-id ID]
//	tango order get RA...
//	tango orders list [--account ...] [--start 2026-01-01] [--status COMPLETE] ...
//	tango send rewards.csv --campaign spring-2026 --out results.csv [--dry-run] [--async]
//
// Output is for people by default; --json prints JSON for scripts. Exit codes:
// 0 success, 1 failure without a verdict from Tango (network, TLS, timeout), 2
// usage error (nothing was sent), 3 Tango refused the request, 4 outcome unknown
// (an order may have been placed: retry with the printed externalRefID), 5 the
// doctor found a failing check.
//
// Configuration comes from flags and TANGO_* environment variables, never a secret
// on the command line: credentials are read from the environment or from files
// (see `tango help`). With no credentials at all, the command runs against a
// tangotest fake server started in-process, says so, and nothing reaches Tango.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/tango-sdk/tango-go"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string // as typed: "order create"
	summary string
	run     func(ctx context.Context, e *invocation, args []string) int
}

// commands lists every subcommand, in the order help shows them.
func commands() []command {
	return []command{
		{"doctor", "check the connection to Tango step by step (DNS, TCP, TLS, clock, token, credentials, environment, proxy)", runDoctor},
		{"catalog", "list the reward catalog, or one item with --utid", runCatalog},
		{"accounts", "list the platform's accounts and their balances", runAccounts},
		{"order create", "place one order; prints its externalRefID before sending so a retry can reuse it", runOrderCreate},
		{"order get", "fetch one order by its reference order id", runOrderGet},
		{"orders list", "list orders, with filters", runOrdersList},
		{"send", "send a campaign: one reward per row of a CSV or JSON Lines file, exactly once, with progress, a results file and resume", runSend},
	}
}

// invocation is what every subcommand gets: where to write and how to read the
// environment.
type invocation struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	clientOpts     []tango.Option // added to every client's options (tests: a fake clock)
}

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runInvocation(ctx, &invocation{stdout: stdout, stderr: stderr, getenv: getenv}, args)
}

// runInvocation is run for a prepared invocation.
func runInvocation(ctx context.Context, inv *invocation, args []string) int {
	stdout, stderr := inv.stdout, inv.stderr
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		printUsage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		words := len(strings.Fields(c.name))
		if len(args) >= words && strings.Join(args[:words], " ") == c.name {
			return c.run(ctx, inv, args[words:])
		}
	}
	typed := strings.Join(args[:min(2, len(args))], " ")
	fmt.Fprintf(stderr, "tango: unknown command %q\n", typed)
	if s := suggestCommand(typed); s != "" {
		fmt.Fprintf(stderr, "tango: did you mean %q?\n", s)
	} else if s := suggestCommand(args[0]); s != "" {
		fmt.Fprintf(stderr, "tango: did you mean %q?\n", s)
	}
	fmt.Fprintln(stderr)
	printUsage(stderr)
	return exitUsage
}

// printUsage writes the help text: commands, configuration and exit codes.
func printUsage(w io.Writer) {
	fmt.Fprint(w, `tango: a command-line tool on the tango-go SDK (Tango RaaS API v2).

Usage:
  tango <command> [flags]
  tango <command> --help     flags of one command

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, usageConfig+usageExitCodes)
}

const usageConfig = `
Flags every command takes:
  --json               print JSON instead of text
  --env NAME           sandbox (default) or production; or TANGO_ENVIRONMENT
  --api-url URL        a custom API root (an egress gateway in front of Tango); or TANGO_API_URL
  --token-url URL      the OAuth token endpoint that goes with --api-url; or TANGO_TOKEN_URL
  --ca-file FILE       trust these PEM roots instead of the pinned Amazon roots (a TLS-inspecting
                       proxy, a fake server); or TANGO_CA_FILE
  --timeout DURATION   give up after this long (default 2m)
  --max-attempts N     attempts per call, retries included (default: the SDK's, 6)
  --rate N             requests per second per endpoint (default: Tango's 1; the SDK's pacing)

Credentials (never on the command line):
  TANGO_CLIENT_ID with TANGO_CLIENT_SECRET or TANGO_CLIENT_SECRET_FILE     OAuth 2.0
  TANGO_PLATFORM_NAME with TANGO_PLATFORM_KEY or TANGO_PLATFORM_KEY_FILE  HTTP Basic
  TANGO_CUSTOMER, TANGO_ACCOUNT   the customer and account orders use (or --customer, --account)
  With no credentials set, tango starts a tangotest fake server in-process and talks to it:
  nothing reaches Tango, and it says so. That fake keeps no state between commands. To run
  several commands against one fake, start cmd/tangotest with -ca-out FILE and export the
  TANGOTEST_* lines it prints (TANGOTEST_API_BASE_URL, TANGOTEST_PLATFORM_NAME,
  TANGOTEST_PLATFORM_KEY, TANGOTEST_CA_FILE, TANGOTEST_CUSTOMER, TANGOTEST_ACCOUNT): with no
  TANGO_* credentials, tango then talks to that fake (loopback only).
`

const usageExitCodes = `
Exit codes:
  0  success (for doctor: no check failed; warnings allowed)
  1  failure without a verdict from Tango: network, TLS, timeout, interruption
  2  usage error: bad flags or arguments, incomplete configuration, or a request the
     SDK refused before sending; nothing was sent
  3  Tango refused the request (an API error, the load balancer's 403, the token
     endpoint's refusal) or has no such item or order
  4  outcome unknown: the order may or may not have been placed; run the same command
     again with the printed --external-ref-id to settle it without a second order.
     For send: some rows are unsettled (unknown, or not reached after an interruption);
     run the same command again to finish them
  5  doctor: at least one check failed
`
