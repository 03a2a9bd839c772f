package tango

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
)

// Email (digital) templates style the emails Tango sends with rewards. The SDK
// uses the current /digitalTemplates paths; the older /emailTemplates paths are
// being retired by Tango.

// Template paging: Tango's default page size, and the largest the SDK asks for.
const (
	DefaultTemplatesPerPage = 25
	MaxTemplatesPerPage     = 100
)

// maxSMSMessageLength is Tango's limit on smsMessageBody.
const maxSMSMessageLength = 90

// accentColorPattern is "#RRGGBB".
var accentColorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// AccessControlType says who may use a template, or whose default it is. A string
// type: unknown values decode.
type AccessControlType string

// Access control types Tango documents.
const (
	AccessPlatform AccessControlType = "PLATFORM"
	AccessCustomer AccessControlType = "CUSTOMER"
	AccessAccount  AccessControlType = "ACCOUNT"
)

// AccessControl names a platform, customer or account.
type AccessControl struct {
	Type       AccessControlType `json:"type"`
	Identifier string            `json:"identifier"`
}

// Template is Tango's view of an email template.
type Template struct {
	// ETID is the template's id, such as "E000123", to put in orders.
	ETID string `json:"etid"`
	// Name identifies the template among the platform's (unique).
	Name string `json:"name"`
	// FromName and Subject head the reward email.
	FromName string `json:"fromName,omitempty"`
	Subject  string `json:"subject,omitempty"`
	// HeaderImage is the URL of the header image Tango stored;
	// HeaderImageAltText describes it.
	HeaderImage        string `json:"headerImage,omitempty"`
	HeaderImageAltText string `json:"headerImageAltText,omitempty"`
	// AccentColor is "#RRGGBB".
	AccentColor string `json:"accentColor,omitempty"`
	// MessageBody, Closing and CustomerServiceMessage are the email's text;
	// SMSMessageBody the text of an SMS delivery.
	MessageBody            string `json:"messageBody,omitempty"`
	SMSMessageBody         string `json:"smsMessageBody,omitempty"`
	Closing                string `json:"closing,omitempty"`
	CustomerServiceMessage string `json:"customerServiceMessage,omitempty"`
	// AccessControls lists who may use the template; Defaults whose default
	// template it is.
	AccessControls []AccessControl `json:"accessControls,omitempty"`
	Defaults       []AccessControl `json:"defaults,omitempty"`
	// RequestID is Tango's X-REQUEST-ID of the answer that carried the template.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (t *Template) setRequestID(id string) { t.RequestID = id }

// CreateTemplateRequest is the body of POST /digitalTemplates. Fields marked
// required must be set.
type CreateTemplateRequest struct {
	// Name identifies the template (required, unique on the platform: 409.005
	// otherwise).
	Name string `json:"name"`
	// FromName is the sender name of the email (required).
	FromName string `json:"fromName"`
	// Subject is the email's subject (required).
	Subject string `json:"subject"`
	// HeaderImage is the header image, base64-encoded (required).
	HeaderImage string `json:"headerImage"`
	// HeaderImageAltText describes the image (required).
	HeaderImageAltText string `json:"headerImageAltText"`
	// AccentColor is "#RRGGBB" (required).
	AccentColor string `json:"accentColor"`
	// MessageBody is the email's text (required).
	MessageBody string `json:"messageBody"`
	// SMSMessageBody is the text of an SMS delivery (optional, at most 90
	// characters).
	SMSMessageBody string `json:"smsMessageBody,omitempty"`
	// Closing ends the email (required).
	Closing string `json:"closing"`
	// CustomerServiceMessage is shown for support questions (optional).
	CustomerServiceMessage string `json:"customerServiceMessage,omitempty"`
	// AccessControl limits who may use the template (optional).
	AccessControl []AccessControl `json:"accessControl,omitempty"`
	// Defaults makes it the default template of these (optional).
	Defaults []AccessControl `json:"defaults,omitempty"`
}

// Validate checks the request before anything is sent: required fields, the
// accent color, the SMS length, access control entries and characters Tango
// refuses as possibly insecure.
func (r *CreateTemplateRequest) Validate() error {
	var v validator
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return v.err()
	}
	for _, f := range []struct {
		path, value string
		kind        textKind
	}{
		{"name", r.Name, singleLine}, {"fromName", r.FromName, singleLine}, {"subject", r.Subject, singleLine},
		{"headerImage", r.HeaderImage, singleLine}, {"headerImageAltText", r.HeaderImageAltText, singleLine},
		{"accentColor", r.AccentColor, singleLine}, {"messageBody", r.MessageBody, multiLine},
		{"closing", r.Closing, multiLine},
	} {
		if v.required(f.path, f.value) {
			v.text(f.path, f.value, f.kind)
		}
	}
	validateTemplateFields(&v, r.AccentColor, r.SMSMessageBody, r.CustomerServiceMessage, r.AccessControl, r.Defaults)
	return v.err()
}

// validateTemplateFields checks the fields create and update share.
func validateTemplateFields(v *validator, accent, sms, service string, access, defaults []AccessControl) {
	if accent != "" && !accentColorPattern.MatchString(accent) {
		v.add("accentColor", keyUnprocessable, "must be a color as #RRGGBB")
	}
	v.boundedText("smsMessageBody", sms, multiLine, maxSMSMessageLength)
	v.text("customerServiceMessage", service, multiLine)
	for _, l := range []struct {
		name string
		list []AccessControl
	}{{"accessControl", access}, {"defaults", defaults}} {
		for i, a := range l.list {
			p := l.name + "[" + strconv.Itoa(i) + "]"
			v.required(p+".type", string(a.Type))
			switch a.Type {
			case AccessCustomer, AccessAccount:
				v.identifier(p+".identifier", a.Identifier)
			default:
				v.text(p+".identifier", a.Identifier, singleLine)
			}
		}
	}
}

// UpdateTemplateRequest is the body of PATCH /digitalTemplates/{etid}. A nil
// field is left alone. For AccessControl and Defaults, nil leaves the list alone
// and an empty, non-nil slice clears it.
type UpdateTemplateRequest struct {
	Name                   *string
	FromName               *string
	Subject                *string
	HeaderImage            *string // base64-encoded image
	HeaderImageAltText     *string
	AccentColor            *string // "#RRGGBB"
	MessageBody            *string
	SMSMessageBody         *string // at most 90 characters
	Closing                *string
	CustomerServiceMessage *string
	AccessControl          []AccessControl
	Defaults               []AccessControl
}

// updateTemplateWire is the PATCH body as sent: nil pointers are left out, so an
// empty list (a non-nil pointer to an empty slice) is sent as [].
type updateTemplateWire struct {
	Name                   *string          `json:"name,omitempty"`
	FromName               *string          `json:"fromName,omitempty"`
	Subject                *string          `json:"subject,omitempty"`
	HeaderImage            *string          `json:"headerImage,omitempty"`
	HeaderImageAltText     *string          `json:"headerImageAltText,omitempty"`
	AccentColor            *string          `json:"accentColor,omitempty"`
	MessageBody            *string          `json:"messageBody,omitempty"`
	SMSMessageBody         *string          `json:"smsMessageBody,omitempty"`
	Closing                *string          `json:"closing,omitempty"`
	CustomerServiceMessage *string          `json:"customerServiceMessage,omitempty"`
	AccessControl          *[]AccessControl `json:"accessControl,omitempty"`
	Defaults               *[]AccessControl `json:"defaults,omitempty"`
}

// wire builds the PATCH body.
func (r *UpdateTemplateRequest) wire() updateTemplateWire {
	w := updateTemplateWire{
		Name: r.Name, FromName: r.FromName, Subject: r.Subject, HeaderImage: r.HeaderImage,
		HeaderImageAltText: r.HeaderImageAltText, AccentColor: r.AccentColor, MessageBody: r.MessageBody,
		SMSMessageBody: r.SMSMessageBody, Closing: r.Closing, CustomerServiceMessage: r.CustomerServiceMessage,
	}
	if r.AccessControl != nil {
		w.AccessControl = &r.AccessControl
	}
	if r.Defaults != nil {
		w.Defaults = &r.Defaults
	}
	return w
}

// validate checks the fields that are set. A required field of the template
// cannot be cleared.
func (r *UpdateTemplateRequest) validate() error {
	var v validator
	if r == nil {
		v.add("body", keyRequired, "the request is nil")
		return v.err()
	}
	for _, f := range []struct {
		path  string
		value *string
		kind  textKind
	}{
		{"name", r.Name, singleLine}, {"fromName", r.FromName, singleLine}, {"subject", r.Subject, singleLine},
		{"headerImage", r.HeaderImage, singleLine}, {"headerImageAltText", r.HeaderImageAltText, singleLine},
		{"accentColor", r.AccentColor, singleLine}, {"messageBody", r.MessageBody, multiLine},
		{"closing", r.Closing, multiLine},
	} {
		if f.value != nil && v.required(f.path, *f.value) {
			v.text(f.path, *f.value, f.kind)
		}
	}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	validateTemplateFields(&v, deref(r.AccentColor), deref(r.SMSMessageBody), deref(r.CustomerServiceMessage), r.AccessControl, r.Defaults)
	return v.err()
}

// ListTemplatesParams pages GET /digitalTemplates. Pages are 0-based.
type ListTemplatesParams struct {
	// Page is the 0-based page number.
	Page int
	// ElementsPerBlock is the page size (0 leaves Tango's default of 25; at most
	// MaxTemplatesPerPage).
	ElementsPerBlock int
}

// TemplateList is one page of GET /digitalTemplates.
type TemplateList struct {
	Page      PageInfo    `json:"page"`
	Templates []*Template `json:"-"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (l *TemplateList) setRequestID(id string) { l.RequestID = id }

// UnmarshalJSON reads the list under either name Tango uses for it:
// emailTemplates (documented) or digitalTemplates.
func (l *TemplateList) UnmarshalJSON(b []byte) error {
	var w struct {
		Page             PageInfo    `json:"page"`
		EmailTemplates   []*Template `json:"emailTemplates"`
		DigitalTemplates []*Template `json:"digitalTemplates"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	l.Page, l.Templates = w.Page, w.EmailTemplates
	if l.Templates == nil {
		l.Templates = w.DigitalTemplates
	}
	return nil
}

// List fetches one page of templates (GET /digitalTemplates). params may be nil.
func (s *TemplatesService) List(ctx context.Context, params *ListTemplatesParams) (*TemplateList, error) {
	var p ListTemplatesParams
	if params != nil {
		p = *params
	}
	var v validator
	if p.Page < 0 {
		v.add("page", keyNotNegative, "must not be negative")
	}
	if p.ElementsPerBlock < 0 || p.ElementsPerBlock > MaxTemplatesPerPage {
		v.add("elementsPerBlock", "422.042", fmt.Sprintf("must be 0 to %d", MaxTemplatesPerPage))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	q := url.Values{}
	if p.Page > 0 {
		q.Set("page", strconv.Itoa(p.Page))
	}
	if p.ElementsPerBlock > 0 {
		q.Set("elementsPerBlock", strconv.Itoa(p.ElementsPerBlock))
	}
	r, err := newRequest(http.MethodGet, "/digitalTemplates", q, nil, retryRead)
	if err != nil {
		return nil, err
	}
	return sendDecoded[TemplateList](ctx, s.c, r)
}

// All walks every template, page after page, MaxTemplatesPerPage at a time.
// Paging stops on an empty page, when the count Tango reported is reached, or
// when Tango answers another page than the one asked for. Stop ranging to stop
// paging; an error ends the walk.
func (s *TemplatesService) All(ctx context.Context) iter.Seq2[*Template, error] {
	return func(yield func(*Template, error) bool) {
		p := ListTemplatesParams{ElementsPerBlock: MaxTemplatesPerPage}
		var seen int64
		walk := s.c.newListWalk()
		for {
			if err := walk.next(); err != nil {
				yield(nil, err)
				return
			}
			page, err := s.List(ctx, &p)
			if err != nil {
				yield(nil, err)
				return
			}
			if page.Page.Number != p.Page {
				yield(nil, fmt.Errorf("tango: GET /digitalTemplates answered page %d when asked for page %d; stopping", page.Page.Number, p.Page))
				return
			}
			if len(page.Templates) == 0 {
				return
			}
			for _, t := range page.Templates {
				if !yield(t, nil) {
					return
				}
			}
			seen += int64(len(page.Templates))
			if seen >= page.Page.TotalCount {
				return
			}
			p.Page++
		}
	}
}

// Get fetches one template (GET /digitalTemplates/{etid}).
func (s *TemplatesService) Get(ctx context.Context, etid string) (*Template, error) {
	if err := checkETID(etid); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, templatePath(etid), nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	return sendDecoded[Template](ctx, s.c, r)
}

// Create adds a template (POST /digitalTemplates) and returns it with its etid.
// A name already in use fails with 409.005. It is never retried once it may
// have reached Tango; after an *OutcomeUnknownError, look for the name in List
// before trying again.
func (s *TemplatesService) Create(ctx context.Context, req *CreateTemplateRequest) (*Template, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, "/digitalTemplates", nil, req, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return sendDecoded[Template](ctx, s.c, r)
}

// Update changes the fields of a template that req sets
// (PATCH /digitalTemplates/{etid}) and returns the template.
func (s *TemplatesService) Update(ctx context.Context, etid string, req *UpdateTemplateRequest) (*Template, error) {
	if err := checkETID(etid); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	body := req.wire()
	r, err := newRequest(http.MethodPatch, templatePath(etid), nil, &body, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return sendDecoded[Template](ctx, s.c, r)
}

// Delete removes a template (DELETE /digitalTemplates/{etid}); Tango answers 204.
func (s *TemplatesService) Delete(ctx context.Context, etid string) (*Response, error) {
	if err := checkETID(etid); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodDelete, templatePath(etid), nil, nil, retryUnsafe)
	if err != nil {
		return nil, err
	}
	return s.c.send(ctx, r, nil)
}

// templatePath is /digitalTemplates/{etid}.
func templatePath(etid string) string { return "/digitalTemplates/" + url.PathEscape(etid) }

// checkETID refuses an empty or malformed template id.
func checkETID(etid string) error {
	var v validator
	if v.required("etid", etid) {
		v.etid("etid", etid)
	}
	return v.err()
}
