// Package envclient builds the tango.Client that the examples and the tango command
// use: against Tango when credentials are in the environment, otherwise against a
// tangotest server started in-process, so that nothing reaches a real Tango host by
// accident and every example runs on a fresh machine.
//
// Environment variables:
//
//	TANGO_CLIENT_ID, TANGO_CLIENT_SECRET     OAuth 2.0 client credentials
//	TANGO_PLATFORM_NAME, TANGO_PLATFORM_KEY  HTTP Basic credentials (used when no OAuth pair is set)
//	TANGO_CUSTOMER, TANGO_ACCOUNT            the customer and account to act on
//	TANGO_ENVIRONMENT                        "sandbox" (default) or "production" (only where allowed)
package envclient

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// Setup is a ready client and what it acts on.
type Setup struct {
	// Client is ready to use.
	Client *tango.Client
	// Customer and Account are the identifiers to act on.
	Customer, Account string
	// Fake is the in-process server, or nil when talking to Tango.
	Fake *tangotest.Server
	// Description says where the client talks to, for the user.
	Description string
}

// Close closes the client and, if one was started, the fake server.
func (s *Setup) Close() {
	_ = s.Client.Close()
	if s.Fake != nil {
		s.Fake.Close()
	}
}

// Config says what the caller allows.
type Config struct {
	// AllowProduction lets TANGO_ENVIRONMENT=production select Tango's live
	// environment. The examples never allow it.
	AllowProduction bool
	// Getenv reads the environment; os.Getenv when nil.
	Getenv func(string) string
	// FakeOptions configure the in-process server.
	FakeOptions []tangotest.Option
}

// New returns a client for the environment's credentials, or on a fresh tangotest
// server when there are none. opts are added to the client's options.
func New(cfg Config, opts ...tango.Option) (*Setup, error) {
	get := cfg.Getenv
	if get == nil {
		get = os.Getenv
	}
	auth, err := authFromEnv(get)
	if err != nil {
		return nil, err
	}
	if auth == nil {
		srv := tangotest.NewServer(cfg.FakeOptions...)
		// The in-process fake enforces no rate limit, so pacing is off on it (opts
		// may turn it back on); against Tango the SDK's default, 1 TPS, applies.
		base := []tango.Option{tango.WithRootCAs(srv.RootCAs()), tango.WithRateLimit(tango.Unlimited)}
		c, err := tango.NewClient(srv.Environment(), srv.BasicAuth(), append(base, opts...)...)
		if err != nil {
			srv.Close()
			return nil, err
		}
		return &Setup{
			Client: c, Customer: tangotest.DemoCustomer, Account: tangotest.DemoAccount, Fake: srv,
			Description: "no TANGO_* credentials set: using a tangotest fake server in-process at " + srv.URL(),
		}, nil
	}
	env := tango.Sandbox
	switch strings.ToLower(get("TANGO_ENVIRONMENT")) {
	case "", "sandbox":
	case "production":
		if !cfg.AllowProduction {
			return nil, errors.New("TANGO_ENVIRONMENT=production is not allowed here")
		}
		env = tango.Production
	default:
		return nil, fmt.Errorf("TANGO_ENVIRONMENT must be sandbox or production")
	}
	customer, account := get("TANGO_CUSTOMER"), get("TANGO_ACCOUNT")
	if customer == "" || account == "" {
		return nil, errors.New("set TANGO_CUSTOMER and TANGO_ACCOUNT to the customer and account to act on")
	}
	c, err := tango.NewClient(env, auth, opts...)
	if err != nil {
		return nil, err
	}
	return &Setup{Client: c, Customer: customer, Account: account, Description: "using Tango " + env.String()}, nil
}

// authFromEnv picks OAuth2 or Basic from the environment; nil when neither is set.
func authFromEnv(get func(string) string) (tango.Auth, error) {
	id, secret := get("TANGO_CLIENT_ID"), get("TANGO_CLIENT_SECRET")
	name, key := get("TANGO_PLATFORM_NAME"), get("TANGO_PLATFORM_KEY")
	switch {
	case id != "" || secret != "":
		if id == "" || secret == "" {
			return nil, errors.New("set both TANGO_CLIENT_ID and TANGO_CLIENT_SECRET")
		}
		return tango.OAuth2(id, secret), nil
	case name != "" || key != "":
		if name == "" || key == "" {
			return nil, errors.New("set both TANGO_PLATFORM_NAME and TANGO_PLATFORM_KEY")
		}
		return tango.BasicAuth(name, key), nil
	}
	return nil, nil
}
