package openapicheck

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

// The validator quotes the values it rejects. Reports must never show a credential,
// a reward credential or a recipient's contact data, so every string value found
// under a sensitive name in the exchange is replaced before a report shows it.

// sensitiveName says whether a field or form name carries a secret or contact data.
func sensitiveName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"secret", "password", "token", "number", "verification", "credential",
		"pin", "email", "mobile", "phone", "url", "link", "firstname", "lastname", "fullname", "address",
		"client_id", "username", "cvv"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// secretsOf lists the sensitive string values of an exchange, longest first.
func secretsOf(ex Exchange) []string {
	set := map[string]bool{}
	for _, h := range []string{"Authorization", "Proxy-Authorization"} {
		for _, v := range ex.ReqHeader.Values(h) {
			set[v] = true
			if _, cred, ok := strings.Cut(v, " "); ok {
				set[cred] = true
				if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
					user, pass, _ := strings.Cut(string(dec), ":")
					set[user], set[pass] = true, true
				}
			}
		}
	}
	if form, err := url.ParseQuery(string(ex.ReqBody)); err == nil && !json.Valid(ex.ReqBody) {
		for k, vs := range form {
			if sensitiveName(k) {
				for _, v := range vs {
					set[v] = true
				}
			}
		}
	}
	for _, body := range [][]byte{ex.ReqBody, ex.RespBody} {
		var v any
		if json.Unmarshal(body, &v) == nil {
			collect(v, false, set)
		}
	}
	delete(set, "")
	out := make([]string, 0, len(set))
	for s := range set {
		if len(s) >= 3 {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// collect adds the strings below sensitive names to set.
func collect(v any, sensitive bool, set map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			collect(c, sensitive || sensitiveName(k), set)
		}
	case []any:
		for _, c := range x {
			collect(c, sensitive, set)
		}
	case string:
		if sensitive {
			set[x] = true
		}
	}
}

// scrub replaces every secret in s.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "[REDACTED]")
	}
	return s
}
