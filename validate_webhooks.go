package tango

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/tango-sdk/tango-go/internal/webhooksign"
)

// validate records the request's problems into v; nothing is sent when there is
// one.
func (r *CreateWebhookRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	if v.required("url", r.URL) {
		v.webhookURL("url", r.URL)
	}
	if len(r.Categories) == 0 && len(r.EventTypes) == 0 {
		v.add("eventTypes", keyRequired, "name at least one category or event type")
	}
	v.webhookLists(r.Categories, r.EventTypes)
	v.webhookHeaders(r.Headers)
	v.webhookSigning(&r.PayloadVerificationMethod, r.SigningCertificate, r.HMACSharedSecretKey, true)
}

// webhookURL: an absolute https URL (http on loopback only), no user info.
func (v *validator) webhookURL(path, raw string) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || !u.IsAbs():
		v.add(path, keyUnprocessable, "must be an absolute https URL")
	case u.User != nil:
		v.add(path, keyUnprocessable, "must not carry user info; use a custom header for credentials")
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
	default:
		v.add(path, keyUnprocessable, "must be https (plain http only on loopback hosts)")
	}
	v.text(path, raw, singleLine)
}

// webhookLists checks categories and event types.
func (v *validator) webhookLists(categories, eventTypes []string) {
	for _, l := range []struct {
		name string
		list []string
	}{{"categories", categories}, {"eventTypes", eventTypes}} {
		for i, s := range l.list {
			p := l.name + "[" + strconv.Itoa(i) + "]"
			if v.required(p, s) {
				v.text(p, s, singleLine)
			}
		}
	}
}

// webhookHeaders checks custom headers: a valid name and a non-empty value on
// one line.
func (v *validator) webhookHeaders(hs []WebhookHeader) {
	for i, h := range hs {
		p := "headers[" + strconv.Itoa(i) + "]"
		if v.required(p+".name", h.Name) && !isHeaderToken(h.Name) {
			v.add(p+".name", keyUnprocessable, "must be a valid HTTP header name")
		}
		val := h.Value.Reveal()
		if v.required(p+".value", val) && strings.ContainsAny(val, "\r\n\x00") {
			v.add(p+".value", keyUnprocessable, "must be one line")
		}
	}
}

// isHeaderToken reports whether s is an RFC 9110 token.
func isHeaderToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isASCIIAlnum(rune(c)) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// webhookSigning checks the verification method against the key material it
// needs. With required false (update), an empty method is allowed.
func (v *validator) webhookSigning(m *string, cert string, key Secret, required bool) {
	switch *m {
	case webhooksign.MethodX509:
		if v.required("signingCertificate", cert) {
			if err := webhooksign.CheckCertificate(cert); err != nil {
				v.add("signingCertificate", keyUnprocessable, err.Error())
			}
		}
	case webhooksign.MethodHMAC:
		if v.required("hmacSharedSecretKey", key.Reveal()) {
			if err := webhooksign.CheckHMACKey(key.Reveal()); err != nil {
				v.add("hmacSharedSecretKey", keyUnprocessable, err.Error())
			}
		}
	case webhooksign.MethodNone:
		if cert != "" || !key.IsZero() {
			v.add("payloadVerificationMethod", keyUnprocessable, "NONE takes no certificate or key")
		}
	case "":
		if required {
			v.add("payloadVerificationMethod", keyRequired, "choose X509 (recommended), HMAC or NONE")
			return
		}
		if cert != "" {
			if err := webhooksign.CheckCertificate(cert); err != nil {
				v.add("signingCertificate", keyUnprocessable, err.Error())
			}
		}
		if !key.IsZero() {
			if err := webhooksign.CheckHMACKey(key.Reveal()); err != nil {
				v.add("hmacSharedSecretKey", keyUnprocessable, err.Error())
			}
		}
	default:
		v.add("payloadVerificationMethod", keyUnprocessable, "must be X509, HMAC or NONE")
	}
}

// validate checks the fields that are set.
func (r *UpdateWebhookRequest) validate(v *validator) {
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return
	}
	if r.URL != "" {
		v.webhookURL("url", r.URL)
	}
	v.webhookLists(r.Categories, r.EventTypes)
	v.webhookHeaders(r.Headers)
	v.webhookSigning(&r.PayloadVerificationMethod, r.SigningCertificate, r.HMACSharedSecretKey, false)
}

// webhookID checks a path webhookId: Tango's are UUIDs.
func (v *validator) webhookID(id string) {
	if v.required("webhookId", id) {
		if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
			v.add("webhookId", keyUnprocessable, "must be a webhook id as Tango returned it (a UUID)")
		}
	}
}

// validate records the filters' problems into v.
func (p *ListWebhooksParams) validate(v *validator) {
	p.CursorParams.validate(v)
	if p.URL != "" {
		v.text("url", p.URL, singleLine)
	}
	v.text("headerName", p.HeaderName, singleLine)
	v.text("headerValue", p.HeaderValue.Reveal(), singleLine)
	v.webhookLists(p.Categories, p.EventTypes)
	v.dateRange("expiresAtTo", p.ExpiresAfter, p.ExpiresBefore)
	v.dateRange("createdAtTo", p.CreatedAfter, p.CreatedBefore)
}

func (p *ListWebhookEventTypesParams) validate(v *validator) {
	p.CursorParams.validate(v)
	v.text("category", p.Category, singleLine)
}

func (p *ListWebhookEventsParams) validate(v *validator) {
	p.CursorParams.validate(v)
	revisionRange(v, p.FromRevision, p.ToRevision)
}

// revisionRange: non-negative, and to not before from.
func revisionRange(v *validator, from, to int64) {
	if from < 0 {
		v.add("fromRevision", keyNotNegative, "must not be negative")
	}
	if to < 0 {
		v.add("toRevision", keyNotNegative, "must not be negative")
	}
	if to > 0 && to < from {
		v.add("toRevision", keyUnprocessable, "must not be below fromRevision")
	}
}
