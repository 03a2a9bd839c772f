package tangotest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Email (digital) templates: create, read, list, update, delete, under the current
// /digitalTemplates paths and the legacy /emailTemplates ones, which behave the
// same. Names are unique on the platform (409.005). The state lives with the
// routes (templateRoutes is called once, when the server starts), guarded by the
// server's mutex.

// Template limits.
const (
	defaultTemplatesPerPage = 25
	maxTemplatesPerPage     = 100
	maxSMSMessage           = 90
)

var accentColorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// accessTypes are the access control types Tango documents.
var accessTypes = []string{"PLATFORM", "CUSTOMER", "ACCOUNT"}

// emailTemplate is a stored template. The header image is kept decoded; the view
// shows the URL the fake pretends to serve it from.
type emailTemplate struct {
	etid                   string
	name                   string
	fromName               string
	subject                string
	headerImage            []byte
	headerImageAltText     string
	accentColor            string
	messageBody            string
	smsMessageBody         string
	closing                string
	customerServiceMessage string
	accessControls         []accessWire
	defaults               []accessWire
}

// templates is the template state of one server; s.mu guards it.
type templates struct {
	s    *Server
	byID map[string]*emailTemplate
	list []*emailTemplate
	seq  int
}

type accessWire struct {
	Type       string `json:"type"`
	Identifier string `json:"identifier"`
}

// templateInput is the POST and PATCH body; every field is optional on PATCH.
type templateInput struct {
	Name                   *string       `json:"name"`
	FromName               *string       `json:"fromName"`
	Subject                *string       `json:"subject"`
	HeaderImage            *string       `json:"headerImage"`
	HeaderImageAltText     *string       `json:"headerImageAltText"`
	AccentColor            *string       `json:"accentColor"`
	MessageBody            *string       `json:"messageBody"`
	SMSMessageBody         *string       `json:"smsMessageBody"`
	Closing                *string       `json:"closing"`
	CustomerServiceMessage *string       `json:"customerServiceMessage"`
	AccessControl          *[]accessWire `json:"accessControl"`
	Defaults               *[]accessWire `json:"defaults"`
}

type templateWire struct {
	Etid                   string       `json:"etid"`
	Name                   string       `json:"name"`
	FromName               string       `json:"fromName"`
	Subject                string       `json:"subject"`
	HeaderImage            string       `json:"headerImage"`
	HeaderImageAltText     string       `json:"headerImageAltText"`
	AccentColor            string       `json:"accentColor"`
	MessageBody            string       `json:"messageBody"`
	SMSMessageBody         string       `json:"smsMessageBody,omitempty"`
	Closing                string       `json:"closing"`
	CustomerServiceMessage string       `json:"customerServiceMessage,omitempty"`
	AccessControls         []accessWire `json:"accessControls"`
	Defaults               []accessWire `json:"defaults"`
}

type templateListWire struct {
	Page           pageView       `json:"page"`
	EmailTemplates []templateWire `json:"emailTemplates"`
}

func (s *Server) templateRoutes() []route {
	t := &templates{s: s, byID: map[string]*emailTemplate{}}
	var rs []route
	for _, root := range []string{"/digitalTemplates", "/emailTemplates"} {
		rs = append(rs,
			route{http.MethodGet, root, t.handleList},
			route{http.MethodPost, root, t.handleCreate},
			route{http.MethodGet, root + "/{etid}", t.handleGet},
			route{http.MethodPatch, root + "/{etid}", t.handleUpdate},
			route{http.MethodDelete, root + "/{etid}", t.handleDelete},
		)
	}
	return rs
}

// view renders a template.
func (t *emailTemplate) view() templateWire {
	return templateWire{
		Etid: t.etid, Name: t.name, FromName: t.fromName, Subject: t.subject,
		HeaderImage:        "https://images.tangotest.invalid/templates/" + t.etid + ".png",
		HeaderImageAltText: t.headerImageAltText, AccentColor: t.accentColor, MessageBody: t.messageBody,
		SMSMessageBody: t.smsMessageBody, Closing: t.closing, CustomerServiceMessage: t.customerServiceMessage,
		AccessControls: append([]accessWire{}, t.accessControls...), Defaults: append([]accessWire{}, t.defaults...),
	}
}

// check validates a body. On create every required field must be present; on
// update only the fields sent are checked, and none may be blanked.
func (in *templateInput) check(create bool) []fieldErrorInfo {
	var fc fieldCheck
	for _, f := range []struct {
		path string
		v    *string
	}{
		{"name", in.Name}, {"fromName", in.FromName}, {"subject", in.Subject}, {"headerImage", in.HeaderImage},
		{"headerImageAltText", in.HeaderImageAltText}, {"accentColor", in.AccentColor},
		{"messageBody", in.MessageBody}, {"closing", in.Closing},
	} {
		if create || f.v != nil {
			fc.required(f.path, f.v)
		}
	}
	if in.AccentColor != nil && *in.AccentColor != "" && !accentColorPattern.MatchString(*in.AccentColor) {
		fc.add("accentColor", "422.001", "The accent color must be #RRGGBB.", *in.AccentColor)
	}
	if in.HeaderImage != nil && *in.HeaderImage != "" {
		if _, err := base64.StdEncoding.DecodeString(*in.HeaderImage); err != nil {
			fc.add("headerImage", "422.001", "The header image must be base64-encoded.", nil)
		}
	}
	if in.SMSMessageBody != nil && len([]rune(*in.SMSMessageBody)) > maxSMSMessage {
		fc.add("smsMessageBody", "422.006", fmt.Sprintf("Field smsMessageBody must not be longer than %d characters.", maxSMSMessage), nil)
	}
	for _, l := range []struct {
		name string
		list *[]accessWire
	}{{"accessControl", in.AccessControl}, {"defaults", in.Defaults}} {
		if l.list == nil {
			continue
		}
		for i, a := range *l.list {
			if !anyFold(accessTypes, a.Type) {
				fc.add(fmt.Sprintf("%s[%d].type", l.name, i), "422.001", "The type must be PLATFORM, CUSTOMER or ACCOUNT.", a.Type)
			}
		}
	}
	return fc.errs
}

// apply copies the fields a body sets onto t.
func (in *templateInput) apply(t *emailTemplate) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&t.name, in.Name)
	set(&t.fromName, in.FromName)
	set(&t.subject, in.Subject)
	set(&t.headerImageAltText, in.HeaderImageAltText)
	set(&t.accentColor, in.AccentColor)
	set(&t.messageBody, in.MessageBody)
	set(&t.smsMessageBody, in.SMSMessageBody)
	set(&t.closing, in.Closing)
	set(&t.customerServiceMessage, in.CustomerServiceMessage)
	if in.HeaderImage != nil {
		t.headerImage, _ = base64.StdEncoding.DecodeString(*in.HeaderImage)
	}
	if in.AccessControl != nil {
		t.accessControls = upperTypes(*in.AccessControl)
	}
	if in.Defaults != nil {
		t.defaults = upperTypes(*in.Defaults)
	}
}

func upperTypes(list []accessWire) []accessWire {
	out := make([]accessWire, len(list))
	for i, a := range list {
		out[i] = accessWire{Type: strings.ToUpper(a.Type), Identifier: a.Identifier}
	}
	return out
}

// nameTakenLocked reports whether another template already has the name.
func (ts *templates) nameTakenLocked(name string, except *emailTemplate) bool {
	for _, t := range ts.list {
		if t != except && strings.EqualFold(t.name, name) {
			return true
		}
	}
	return false
}

// handleCreate serves POST /digitalTemplates: 201 with the new template and its
// etid; 409.005 when the name is taken.
func (ts *templates) handleCreate(c *call) {
	var in templateInput
	if !c.decode(&in) {
		return
	}
	if errs := in.check(true); len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	ts.s.mu.Lock()
	if ts.nameTakenLocked(*in.Name, nil) {
		ts.s.mu.Unlock()
		c.fail(http.StatusConflict, "409.005", "A template named "+*in.Name+" already exists on this platform.")
		return
	}
	ts.seq++
	t := &emailTemplate{etid: fmt.Sprintf("E%06d", ts.seq)}
	in.apply(t)
	ts.byID[t.etid] = t
	ts.list = append(ts.list, t)
	v := t.view()
	ts.s.mu.Unlock()
	c.ok(http.StatusCreated, v)
}

// lookupLocked finds the template of the call's path (etid case-insensitive), or
// answers 404.053, releases s.mu and returns nil.
func (ts *templates) lookupLocked(c *call) *emailTemplate {
	t := ts.byID[strings.ToUpper(c.param("etid"))]
	if t == nil {
		ts.s.mu.Unlock()
		c.fail(http.StatusNotFound, "404.053", "The template does not exist for this platform.")
	}
	return t
}

// handleGet serves GET /digitalTemplates/{etid}.
func (ts *templates) handleGet(c *call) {
	ts.s.mu.Lock()
	t := ts.lookupLocked(c)
	if t == nil {
		return
	}
	v := t.view()
	ts.s.mu.Unlock()
	c.ok(http.StatusOK, v)
}

// handleUpdate serves PATCH /digitalTemplates/{etid}: 200 with the template.
func (ts *templates) handleUpdate(c *call) {
	var in templateInput
	if !c.decode(&in) {
		return
	}
	if errs := in.check(false); len(errs) > 0 {
		c.fieldErrors(errs...)
		return
	}
	ts.s.mu.Lock()
	t := ts.lookupLocked(c)
	if t == nil {
		return
	}
	if in.Name != nil && ts.nameTakenLocked(*in.Name, t) {
		ts.s.mu.Unlock()
		c.fail(http.StatusConflict, "409.005", "A template named "+*in.Name+" already exists on this platform.")
		return
	}
	in.apply(t)
	v := t.view()
	ts.s.mu.Unlock()
	c.ok(http.StatusOK, v)
}

// handleDelete serves DELETE /digitalTemplates/{etid}: 204 with no body.
func (ts *templates) handleDelete(c *call) {
	ts.s.mu.Lock()
	t := ts.lookupLocked(c)
	if t == nil {
		return
	}
	delete(ts.byID, t.etid)
	for i, x := range ts.list {
		if x == t {
			ts.list = append(ts.list[:i], ts.list[i+1:]...)
			break
		}
	}
	ts.s.mu.Unlock()
	if !c.runFaults(true) {
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}

// handleList serves GET /digitalTemplates with 0-based page/elementsPerBlock
// paging (25 per page unless asked otherwise).
func (ts *templates) handleList(c *call) {
	q := c.r.URL.Query()
	page, ok := intParam(q, "page", 0)
	if !ok || page < 0 {
		c.fieldErrors(fieldErrorInfo{Path: "page", I18nKey: "400.001", Message: "page must be a whole number, 0 or more.", InvalidValue: q.Get("page")})
		return
	}
	per, ok := intParam(q, "elementsPerBlock", defaultTemplatesPerPage)
	switch {
	case !ok || per < 1:
		c.fieldErrors(fieldErrorInfo{Path: "elementsPerBlock", I18nKey: "400.001", Message: "elementsPerBlock must be a whole number, 1 or more.", InvalidValue: q.Get("elementsPerBlock")})
		return
	case per > maxTemplatesPerPage:
		c.fieldErrors(fieldErrorInfo{Path: "elementsPerBlock", I18nKey: "422.042", Message: "Elements per block must not exceed 100.", InvalidValue: per})
		return
	}
	ts.s.mu.Lock()
	out := templateListWire{EmailTemplates: []templateWire{}}
	from := min(page*per, len(ts.list))
	to := min(from+per, len(ts.list))
	for _, t := range ts.list[from:to] {
		out.EmailTemplates = append(out.EmailTemplates, t.view())
	}
	out.Page = pageView{Number: page, ElementsPerBlock: per, ResultCount: to - from, TotalCount: int64(len(ts.list))}
	ts.s.mu.Unlock()
	c.ok(http.StatusOK, out)
}
