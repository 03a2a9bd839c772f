package tango

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// Email (digital) templates style the emails Tango sends with rewards. The SDK
// uses the current /digitalTemplates paths; the older /emailTemplates paths are
// being retired by Tango.

// MaxTemplatesPerPage is the largest page the SDK asks GET /digitalTemplates
// for (ListTemplatesParams.ElementsPerBlock; Tango's default is 25).
const MaxTemplatesPerPage = 100

// maxSMSMessageLength is Tango's limit on smsMessageBody.
const maxSMSMessageLength = 90

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
// A name already in use fails with 409.005. The request is checked before
// anything is sent (required fields, the accent color, the SMS length, access
// control entries, characters Tango refuses as possibly insecure): a problem
// is a *ValidationError. It is never retried once it may have reached Tango; after an *OutcomeUnknownError, look for the name in List
// before trying again.
func (s *TemplatesService) Create(ctx context.Context, req *CreateTemplateRequest) (*Template, error) {
	if err := validateRequest(req); err != nil {
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
	if err := validateRequest(req); err != nil {
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
