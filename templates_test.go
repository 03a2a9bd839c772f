package tango_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/tangotest"
)

// templateRequest is a complete template.
func templateRequest(name string) *tango.CreateTemplateRequest {
	return &tango.CreateTemplateRequest{
		Name: name, FromName: "Acme Rewards", Subject: "A thank-you from Acme",
		HeaderImage:        base64.StdEncoding.EncodeToString([]byte("\x89PNG fake image bytes")),
		HeaderImageAltText: "Acme logo", AccentColor: "#1A2B3C",
		MessageBody: "Thank you for your help this quarter.\nEnjoy!", Closing: "The Acme team",
		SMSMessageBody: "A reward from Acme", CustomerServiceMessage: "Questions? support@acme.example",
		AccessControl: []tango.AccessControl{{Type: tango.AccessCustomer, Identifier: tangotest.DemoCustomer}},
		Defaults:      []tango.AccessControl{{Type: tango.AccessAccount, Identifier: tangotest.DemoAccount}},
	}
}

func TestTemplatesCRUD(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()

	tpl, err := c.Templates.Create(ctx, templateRequest("Quarterly thanks"))
	require.NoError(t, err)
	body := lastBody(t, srv, http.MethodPost, "/digitalTemplates")
	assert.Equal(t, []string{"accentColor", "accessControl", "closing", "customerServiceMessage", "defaults", "fromName",
		"headerImage", "headerImageAltText", "messageBody", "name", "smsMessageBody", "subject"}, keysOf(body))
	assert.Equal(t, []any{map[string]any{"type": "CUSTOMER", "identifier": tangotest.DemoCustomer}}, body["accessControl"])

	assert.Regexp(t, `^E\d{6}$`, tpl.ETID)
	assert.Equal(t, "Quarterly thanks", tpl.Name)
	assert.Equal(t, "Acme Rewards", tpl.FromName)
	assert.Equal(t, "#1A2B3C", tpl.AccentColor)
	assert.True(t, strings.HasPrefix(tpl.HeaderImage, "https://"), "the view holds the image's URL: %s", tpl.HeaderImage)
	assert.Equal(t, []tango.AccessControl{{Type: tango.AccessCustomer, Identifier: tangotest.DemoCustomer}}, tpl.AccessControls)
	assert.Equal(t, []tango.AccessControl{{Type: tango.AccessAccount, Identifier: tangotest.DemoAccount}}, tpl.Defaults)
	assert.NotEmpty(t, tpl.RequestID)

	got, err := c.Templates.Get(ctx, tpl.ETID)
	require.NoError(t, err)
	assert.Equal(t, tpl.MessageBody, got.MessageBody)
	assert.Len(t, requestsTo(srv, http.MethodGet, "/digitalTemplates/"+tpl.ETID), 1)

	subject := "Thanks again"
	up, err := c.Templates.Update(ctx, tpl.ETID, &tango.UpdateTemplateRequest{Subject: &subject, AccessControl: []tango.AccessControl{}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"subject": "Thanks again", "accessControl": []any{}},
		lastBody(t, srv, http.MethodPatch, "/digitalTemplates/"+tpl.ETID), "only what is set is sent; an empty list clears")
	assert.Equal(t, "Thanks again", up.Subject)
	assert.Empty(t, up.AccessControls)
	assert.Len(t, up.Defaults, 1, "a nil list is left alone")
	assert.Equal(t, "Acme Rewards", up.FromName)

	_, err = c.Templates.Create(ctx, templateRequest("quarterly THANKS"))
	var apiErr *tango.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "409.005", apiErr.I18nKey)
	assert.ErrorIs(t, err, tango.ErrConflict)

	other, err := c.Templates.Create(ctx, templateRequest("Welcome"))
	require.NoError(t, err)
	name := "Welcome"
	_, err = c.Templates.Update(ctx, tpl.ETID, &tango.UpdateTemplateRequest{Name: &name})
	assert.ErrorIs(t, err, tango.ErrConflict, "renaming onto a taken name")

	resp, err := c.Templates.Delete(ctx, other.ETID)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Len(t, requestsTo(srv, http.MethodDelete, "/digitalTemplates/"+other.ETID), 1)
	_, err = c.Templates.Get(ctx, other.ETID)
	assert.ErrorIs(t, err, tango.ErrNotFound)
	_, err = c.Templates.Delete(ctx, other.ETID)
	assert.ErrorIs(t, err, tango.ErrNotFound)
}

func TestTemplatesList(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	const total = 103
	for i := range total {
		_, err := c.Templates.Create(ctx, templateRequest(fmt.Sprintf("Template %03d", i)))
		require.NoError(t, err)
	}

	first, err := c.Templates.List(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, requestsTo(srv, http.MethodGet, "/digitalTemplates")[0].RawQuery)
	assert.Equal(t, tango.PageInfo{Number: 0, ElementsPerBlock: 25, ResultCount: 25, TotalCount: total}, first.Page)
	require.Len(t, first.Templates, 25)
	assert.Equal(t, "Template 000", first.Templates[0].Name)

	third, err := c.Templates.List(ctx, &tango.ListTemplatesParams{Page: 2, ElementsPerBlock: 10})
	require.NoError(t, err)
	reqs := requestsTo(srv, http.MethodGet, "/digitalTemplates")
	assert.Equal(t, "elementsPerBlock=10&page=2", reqs[len(reqs)-1].RawQuery)
	assert.Equal(t, 2, third.Page.Number)
	assert.Equal(t, "Template 020", third.Templates[0].Name)

	before := len(requestsTo(srv, http.MethodGet, "/digitalTemplates"))
	var names []string
	for tpl, err := range c.Templates.All(ctx) {
		require.NoError(t, err)
		names = append(names, tpl.Name)
	}
	assert.Len(t, names, total)
	assert.Equal(t, "Template 102", names[total-1])
	assert.Len(t, requestsTo(srv, http.MethodGet, "/digitalTemplates"), before+2, "two pages of 100")

	for _, bad := range []*tango.ListTemplatesParams{{Page: -1}, {ElementsPerBlock: 101}} {
		_, err := c.Templates.List(ctx, bad)
		assert.ErrorIs(t, err, tango.ErrValidation)
	}
}

// TestTemplateListShapes decodes the list under both names Tango uses, and stops
// All when Tango answers another page than asked.
func TestTemplateListShapes(t *testing.T) {
	checkLeaks(t)
	for _, key := range []string{"emailTemplates", "digitalTemplates"} {
		t.Run(key, func(t *testing.T) {
			ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
				answerJSON(w, http.StatusOK, map[string]any{
					"page": map[string]any{"number": 0, "elementsPerBlock": 25, "resultCount": 1, "totalCount": 1},
					key:    []any{map[string]any{"etid": "E000123", "name": "Holiday", "headerImage": "https://img.example/1.png", "futureField": 1}},
				})
			})
			c := newCoreClient(t, ts)
			l, err := c.Templates.List(context.Background(), nil)
			require.NoError(t, err)
			require.Len(t, l.Templates, 1)
			assert.Equal(t, "E000123", l.Templates[0].ETID)
		})
	}
	ts := newCoreServer(t, func(w http.ResponseWriter, r *http.Request) {
		answerJSON(w, http.StatusOK, map[string]any{
			"page":           map[string]any{"number": 0, "elementsPerBlock": 100, "resultCount": 1, "totalCount": 500},
			"emailTemplates": []any{map[string]any{"etid": "E000001", "name": "Only"}},
		})
	})
	c := newCoreClient(t, ts)
	var n int
	var last error
	for _, err := range c.Templates.All(context.Background()) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	assert.Equal(t, 1, n)
	require.Error(t, last)
	assert.Contains(t, last.Error(), "answered page 0 when asked for page 1")
	assert.EqualValues(t, 2, ts.hits.Load())
}

func TestTemplateValidation(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	tests := []struct {
		name   string
		change func(*tango.CreateTemplateRequest)
		path   string
		key    string
	}{
		{"name", func(r *tango.CreateTemplateRequest) { r.Name = "" }, "name", "422.007"},
		{"closing", func(r *tango.CreateTemplateRequest) { r.Closing = " " }, "closing", "422.007"},
		{"color", func(r *tango.CreateTemplateRequest) { r.AccentColor = "blue" }, "accentColor", "422.001"},
		{"sms", func(r *tango.CreateTemplateRequest) { r.SMSMessageBody = strings.Repeat("s", 91) }, "smsMessageBody", "422.006"},
		{"markup", func(r *tango.CreateTemplateRequest) { r.MessageBody = "<script>x</script>" }, "messageBody", "422.111"},
		{"access type", func(r *tango.CreateTemplateRequest) { r.AccessControl[0].Type = "" }, "accessControl[0].type", "422.007"},
		{"access id", func(r *tango.CreateTemplateRequest) { r.Defaults[0].Identifier = "a b" }, "defaults[0].identifier", "422.501"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := templateRequest("valid name")
			tt.change(req)
			_, err := c.Templates.Create(ctx, req)
			var ve *tango.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.path, ve.Fields[0].Path)
			assert.Equal(t, tt.key, ve.Fields[0].I18nKey)
		})
	}
	empty := ""
	color := "#12345"
	for _, call := range []func() error{
		func() error { _, err := c.Templates.Create(ctx, nil); return err },
		func() error { _, err := c.Templates.Get(ctx, "123"); return err },
		func() error { _, err := c.Templates.Get(ctx, ""); return err },
		func() error { _, err := c.Templates.Delete(ctx, "E12"); return err },
		func() error {
			_, err := c.Templates.Update(ctx, "E000001", &tango.UpdateTemplateRequest{Name: &empty})
			return err
		},
		func() error {
			_, err := c.Templates.Update(ctx, "E000001", &tango.UpdateTemplateRequest{AccentColor: &color})
			return err
		},
		func() error { _, err := c.Templates.Update(ctx, "E000001", nil); return err },
	} {
		assert.ErrorIs(t, call(), tango.ErrValidation)
	}
	assert.Zero(t, srv.RequestCount("", tangotest.APIPrefix+"/digitalTemplates"))
	for _, r := range srv.Requests() {
		assert.NotContains(t, r.Path, "Templates", "nothing invalid is sent")
	}
}

func TestTemplateRetries(t *testing.T) {
	checkLeaks(t)
	srv := startFake(t)
	c := fakeAPI(t, srv)
	ctx := context.Background()
	root := tangotest.APIPrefix + "/digitalTemplates"

	srv.Inject(tangotest.Fault{Method: http.MethodPost, Path: root, Times: 1, Action: tangotest.StatusAfterCommit(503)})
	_, err := c.Templates.Create(ctx, templateRequest("Once"))
	var unknown *tango.OutcomeUnknownError
	require.ErrorAs(t, err, &unknown, "a create that may have happened is not repeated")
	assert.Equal(t, 1, srv.RequestCount(http.MethodPost, root))

	l, err := c.Templates.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, l.Templates, 1, "the first attempt did create it")
	etid := l.Templates[0].ETID

	srv.Inject(tangotest.Fault{Method: http.MethodDelete, Path: root + "/" + etid, Times: 1, Action: tangotest.ConnectionReset()})
	_, err = c.Templates.Delete(ctx, etid)
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, 1, srv.RequestCount(http.MethodDelete, root+"/"+etid))

	srv.Inject(tangotest.Fault{Method: http.MethodGet, Path: root + "/" + etid, Times: 2, Action: tangotest.Status(500)})
	_, err = c.Templates.Get(ctx, etid)
	require.NoError(t, err, "reads are retried")
	assert.Equal(t, 3, srv.RequestCount(http.MethodGet, root+"/"+etid))
}

func FuzzTemplateListDecode(f *testing.F) {
	f.Add([]byte(`{"page":{"number":0,"elementsPerBlock":25,"resultCount":1,"totalCount":1},"emailTemplates":[{"etid":"E000001","name":"n"}]}`))
	f.Add([]byte(`{"digitalTemplates":[{"etid":"E000002","accessControls":[{"type":"SOMETHING_NEW","identifier":"x"}]}]}`))
	f.Add([]byte(`{"emailTemplates":null,"digitalTemplates":[]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var l tango.TemplateList
		if err := json.Unmarshal(data, &l); err != nil {
			return
		}
		for _, tpl := range l.Templates {
			if tpl != nil {
				_ = tpl.ETID
			}
		}
	})
}
