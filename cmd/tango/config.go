package main

// Configuration: the flags every command takes, the TANGO_* environment, and the
// client built from them (or the in-process fake when there are no credentials).

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/envclient"
	"github.com/tango-sdk/tango-go/tangotest"
)

// commonFlags are the flags every command takes.
type commonFlags struct {
	json        bool
	env         string
	apiURL      string
	tokenURL    string
	caFile      string
	timeout     time.Duration
	maxAttempts int
	rate        float64
}

// newFlagSet makes a command's flag set with the common flags registered. Help and
// errors go to stderr; the synopsis heads the command's help.
func (inv *invocation) newFlagSet(name, synopsis string) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet("tango "+name, flag.ContinueOnError)
	fs.SetOutput(inv.stderr)
	cf := &commonFlags{}
	fs.BoolVar(&cf.json, "json", false, "print JSON instead of text")
	fs.StringVar(&cf.env, "env", "", "`environment`: sandbox or production (default: TANGO_ENVIRONMENT, else sandbox)")
	fs.StringVar(&cf.apiURL, "api-url", "", "custom API root `URL`, such as an egress gateway in front of Tango (default: TANGO_API_URL)")
	fs.StringVar(&cf.tokenURL, "token-url", "", "OAuth token endpoint `URL` that goes with --api-url (default: TANGO_TOKEN_URL)")
	fs.StringVar(&cf.caFile, "ca-file", "", "trust the PEM roots in `file` instead of the pinned Amazon roots (default: TANGO_CA_FILE)")
	fs.DurationVar(&cf.timeout, "timeout", 2*time.Minute, "give up after this `duration`")
	fs.IntVar(&cf.maxAttempts, "max-attempts", 0, "attempts per call, retries included (`n`; 0: the SDK's default)")
	fs.Float64Var(&cf.rate, "rate", 0, "requests per second per endpoint (`n`; 0: the SDK's default, Tango's 1; raise it only if Tango raised your limit)")
	fs.Usage = func() {
		fmt.Fprintf(inv.stderr, "Usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		fmt.Fprint(inv.stderr, usageExitCodes)
	}
	return fs, cf
}

// parseArgs parses flags and positional arguments in any order ("order get RA1
// --json" works). It returns the positional arguments, or an exit code when the
// command must stop: 0 after --help, exitUsage after a bad flag.
func parseArgs(fs *flag.FlagSet, args []string) (positional []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		if fs.NArg() == 0 {
			return positional, 0, true
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// usageError reports a mistake in how the command was called.
func (inv *invocation) usageError(format string, a ...any) int {
	fmt.Fprintf(inv.stderr, "tango: "+format+"\n", a...)
	return exitUsage
}

// session is a ready client and what it acts on.
type session struct {
	client            *tango.Client
	customer, account string
	production        bool
	fake              *tangotest.Server // the in-process fake, or nil
	close             func()
}

// lookup reads a setting from the flag, else from the environment variable.
func (inv *invocation) lookup(flagValue, envName string) string {
	if flagValue != "" {
		return flagValue
	}
	return inv.getenv(envName)
}

// connect builds the client the flags and environment ask for. Without any
// credentials it starts a tangotest fake in-process and says so on stderr. A
// configuration problem is returned as an exit code (exitUsage) after a message.
func (inv *invocation) connect(cf *commonFlags) (*session, int, bool) {
	opts := append([]tango.Option{tango.WithUserAgent("tango-cli/" + tango.Version)}, inv.clientOpts...)
	if cf.maxAttempts < 0 {
		return nil, inv.usageError("--max-attempts must not be negative"), false
	}
	if cf.maxAttempts > 0 {
		opts = append(opts, tango.WithRetryPolicy(tango.RetryPolicy{MaxAttempts: cf.maxAttempts}))
	}
	if cf.timeout <= 0 {
		return nil, inv.usageError("--timeout must be positive"), false
	}
	if cf.rate < 0 {
		return nil, inv.usageError("--rate must not be negative"), false
	}
	if cf.rate > 0 {
		// The same pacing as every SDK client, at the rate given.
		opts = append(opts, tango.WithRateLimit(tango.Rate(cf.rate)))
	}
	auth, err := inv.authFromEnv()
	if err != nil {
		return nil, inv.usageError("%v", err), false
	}
	envName := strings.ToLower(inv.lookup(cf.env, "TANGO_ENVIRONMENT"))
	apiURL, tokenURL, caFile := inv.lookup(cf.apiURL, "TANGO_API_URL"), inv.lookup(cf.tokenURL, "TANGO_TOKEN_URL"), inv.lookup(cf.caFile, "TANGO_CA_FILE")
	// Checked before choosing a fake, so that a mistyped --env is refused in
	// every mode rather than ignored when there are no credentials.
	if envName != "" && envName != "sandbox" && envName != "production" {
		return nil, inv.usageError("environment %q: want sandbox or production", envName), false
	}

	if auth == nil && inv.getenv("TANGOTEST_API_BASE_URL") != "" {
		return inv.connectRunningFake(opts)
	}
	if auth == nil {
		if envName == "production" || apiURL != "" || tokenURL != "" || caFile != "" {
			return nil, inv.usageError("no credentials in the environment: set TANGO_CLIENT_ID and TANGO_CLIENT_SECRET (or TANGO_PLATFORM_NAME and TANGO_PLATFORM_KEY); without credentials tango only talks to its in-process fake"), false
		}
		setup, err := envclient.New(envclient.Config{Getenv: func(string) string { return "" }}, opts...)
		if err != nil {
			return nil, inv.usageError("%v", err), false
		}
		fmt.Fprintf(inv.stderr, "tango: %s; nothing reaches Tango, and its state is not kept (each command starts a fresh fake; see `tango help` to share one)\n", setup.Description)
		return &session{client: setup.Client, customer: setup.Customer, account: setup.Account, fake: setup.Fake, close: setup.Close}, 0, true
	}

	var env tango.Environment
	switch {
	case apiURL != "":
		if envName != "" {
			return nil, inv.usageError("give either --env (TANGO_ENVIRONMENT) or --api-url (TANGO_API_URL), not both"), false
		}
		env = tango.Environment{Name: "custom", APIBaseURL: apiURL, TokenURL: tokenURL}
	case tokenURL != "":
		return nil, inv.usageError("--token-url (TANGO_TOKEN_URL) goes with --api-url (TANGO_API_URL)"), false
	case envName == "" || envName == "sandbox":
		env = tango.Sandbox
	case envName == "production":
		env = tango.Production
	default:
		return nil, inv.usageError("environment %q: want sandbox or production", envName), false
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, inv.usageError("reading the CA file: %v", err), false
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, inv.usageError("the CA file %s holds no PEM certificate", caFile), false
		}
		opts = append(opts, tango.WithRootCAs(pool))
	}
	c, err := tango.NewClient(env, auth, opts...)
	if err != nil {
		return nil, inv.usageError("%v", err), false
	}
	return &session{
		client:     c,
		customer:   inv.getenv("TANGO_CUSTOMER"),
		account:    inv.getenv("TANGO_ACCOUNT"),
		production: env == tango.Production,
		close:      func() { _ = c.Close() },
	}, 0, true
}

// authFromEnv builds the Auth from the TANGO_* credentials: OAuth 2.0 when a client
// id is set, else HTTP Basic; nil when none are set. Secrets come from the variable
// or from the file its _FILE twin names, never from a flag.
func (inv *invocation) authFromEnv() (tango.Auth, error) {
	id := inv.getenv("TANGO_CLIENT_ID")
	secret, err := inv.secret("TANGO_CLIENT_SECRET")
	if err != nil {
		return nil, err
	}
	name := inv.getenv("TANGO_PLATFORM_NAME")
	key, err := inv.secret("TANGO_PLATFORM_KEY")
	if err != nil {
		return nil, err
	}
	switch {
	case id != "" || secret != "":
		if id == "" || secret == "" {
			return nil, errors.New("set both TANGO_CLIENT_ID and TANGO_CLIENT_SECRET (or TANGO_CLIENT_SECRET_FILE)")
		}
		return tango.OAuth2(id, secret), nil
	case name != "" || key != "":
		if name == "" || key == "" {
			return nil, errors.New("set both TANGO_PLATFORM_NAME and TANGO_PLATFORM_KEY (or TANGO_PLATFORM_KEY_FILE)")
		}
		return tango.BasicAuth(name, key), nil
	}
	return nil, nil
}

// secret reads a secret from the variable name or from the file name_FILE points
// to (one trailing newline trimmed), never both.
func (inv *invocation) secret(name string) (string, error) {
	v, file := inv.getenv(name), inv.getenv(name+"_FILE")
	if file == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		// The error names the file, never its content.
		return "", fmt.Errorf("reading %s_FILE: %w", name, err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s_FILE %s is empty", name, file)
	}
	return s, nil
}

// deadline bounds a command by --timeout.
func (cf *commonFlags) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, cf.timeout)
}
