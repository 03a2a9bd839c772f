package tango

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
)

// BasicAuth authenticates every call with HTTP Basic: Tango's platform name and API
// key. The key prints as [REDACTED] wherever the Auth value is printed.
func BasicAuth(platformName, apiKey string) Auth {
	return basicAuth{platformName: platformName, apiKey: NewSecret(apiKey)}
}

type basicAuth struct {
	platformName string
	apiKey       Secret
}

func (b basicAuth) bind(authDeps) (authenticator, error) {
	if b.platformName == "" || b.apiKey.IsZero() {
		return nil, errors.New("tango: BasicAuth needs a platform name and an API key")
	}
	return &basicAuthenticator{
		header: "Basic " + base64.StdEncoding.EncodeToString([]byte(b.platformName+":"+b.apiKey.Reveal())),
	}, nil
}

// String names the platform and hides the key.
func (b basicAuth) String() string { return "BasicAuth(" + b.platformName + ", " + redacted + ")" }

// GoString hides the key from %#v.
func (b basicAuth) GoString() string { return b.String() }

type basicAuthenticator struct {
	header string
}

func (a *basicAuthenticator) apply(_ context.Context, req *http.Request) (any, error) {
	req.Header.Set("Authorization", a.header)
	return nil, nil
}

func (a *basicAuthenticator) invalidate(any) bool { return false }
func (a *basicAuthenticator) close()              {}
