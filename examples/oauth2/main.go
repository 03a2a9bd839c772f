// Command oauth2 shows OAuth 2.0 authentication the way a cron-driven script or a
// restarting service should use it: the token is kept in a file, so the next run
// reuses it instead of spending Tango's token quota, and the client credentials sit
// in a tango.RotatingCredentials, so they can be replaced while the client runs.
//
// By default it runs against tangotest, a fake Tango served in-process on loopback.
// With TANGO_CLIENT_ID and TANGO_CLIENT_SECRET in the environment it talks to Tango's
// sandbox instead; TANGO_CLIENT_SECRET_NEXT, if set, is the secret it rotates to, and
// TANGO_TOKEN_FILE where it keeps the token (a temporary file otherwise).
//
//	go run ./examples/oauth2
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// target is where the example runs: the environment, the client options, the
// credentials to start with and the ones to rotate to.
type target struct {
	env     tango.Environment
	opts    []tango.Option
	current tango.Credentials
	next    tango.Credentials
	// tokensIssued counts the fake's token grants; nil against Sandbox.
	tokensIssued func() int
	close        func()
}

func run(ctx context.Context, out io.Writer) error {
	t, err := pickTarget()
	if err != nil {
		return err
	}
	defer t.close()

	tokenFile := os.Getenv("TANGO_TOKEN_FILE")
	if tokenFile == "" {
		dir, err := os.MkdirTemp("", "tango-oauth2-example-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		tokenFile = filepath.Join(dir, "tokens.json")
	}

	// One Auth value: credentials from a RotatingCredentials, tokens kept in a file.
	creds := tango.NewRotatingCredentials(t.current)
	auth := tango.OAuth2FromProvider(creds, tango.WithTokenStore(tango.FileTokenStore(tokenFile)))
	fmt.Fprintf(out, "auth: %v\n", auth) // secrets print as [REDACTED]

	// Two runs of the "script", each with its own client, as two cron runs would be.
	for i := 1; i <= 2; i++ {
		n, err := runOnce(ctx, t, auth)
		if err != nil {
			return fmt.Errorf("run %d: %w", i, err)
		}
		fmt.Fprintf(out, "run %d: %d account(s)%s\n", i, n, t.tokenCount())
	}

	// Rotation: a long-lived client keeps working while its credentials change.
	c, err := tango.NewClient(t.env, auth, t.opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := listAccounts(ctx, c); err != nil {
		return err
	}
	if err := creds.Rotate(t.next); err != nil {
		return err
	}
	n, err := listAccounts(ctx, c)
	if err != nil {
		return fmt.Errorf("after the rotation: %w", err)
	}
	fmt.Fprintf(out, "after rotation: %d account(s)%s\n", n, t.tokenCount())
	return nil
}

// runOnce is one run of a script: a client, one call, Close.
func runOnce(ctx context.Context, t *target, auth tango.Auth) (int, error) {
	c, err := tango.NewClient(t.env, auth, t.opts...)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return listAccounts(ctx, c)
}

// listAccounts makes one authenticated call: GET /accounts.
func listAccounts(ctx context.Context, c *tango.Client) (int, error) {
	var accounts []json.RawMessage
	if _, err := c.Do(ctx, http.MethodGet, "/accounts", nil, nil, &accounts); err != nil {
		return 0, err
	}
	return len(accounts), nil
}

func (t *target) tokenCount() string {
	if t.tokensIssued == nil {
		return ""
	}
	return fmt.Sprintf("; tokens issued so far: %d", t.tokensIssued())
}

// pickTarget chooses Sandbox when credentials are in the environment, else the fake.
func pickTarget() (*target, error) {
	id, secret := os.Getenv("TANGO_CLIENT_ID"), os.Getenv("TANGO_CLIENT_SECRET")
	if id != "" && secret != "" {
		current := tango.Credentials{ID: id, Secret: tango.NewSecret(secret)}
		next := current
		if s := os.Getenv("TANGO_CLIENT_SECRET_NEXT"); s != "" {
			next = tango.Credentials{ID: id, Secret: tango.NewSecret(s), IssuedAt: time.Now()}
		}
		return &target{env: tango.Sandbox, current: current, next: next, close: func() {}}, nil
	}

	// The fake accepts one client secret, so it cannot hold an old and a new secret
	// at once as Tango does during a cut-over. To show a real change of credentials
	// the example rotates to the service-account login of the same client, which the
	// fake also accepts: the client drops the token the old credentials obtained and
	// fetches one with the new. Against Tango, Rotate to your new client secret.
	srv := tangotest.NewServer(tangotest.WithServiceAccount("example-service-account", "example-password-1"))
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return &target{
		env:  srv.Environment(),
		opts: []tango.Option{tango.WithRootCAs(srv.RootCAs()), tango.WithLogger(logger)},
		current: tango.Credentials{
			ID: srv.ClientID(), Secret: tango.NewSecret(srv.ClientSecret()),
			IssuedAt: time.Now().AddDate(0, -2, 0),
		},
		next: tango.Credentials{
			ID: srv.ClientID(), Secret: tango.NewSecret(srv.ClientSecret()),
			Username: "example-service-account", Password: tango.NewSecret("example-password-1"),
			IssuedAt: time.Now(),
		},
		tokensIssued: srv.TokensIssued,
		close:        srv.Close,
	}, nil
}
