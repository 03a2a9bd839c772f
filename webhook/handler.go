package webhook

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
)

// Handler is an http.Handler that receives Tango's deliveries (see the package
// doc for what it checks, in which order). Build it with NewHandler; it is safe
// for concurrent use.
type Handler struct {
	cfg *validated
	fn  Func
}

// NewHandler checks cfg and returns a Handler that passes every verified,
// decoded, not yet processed event to fn. cfg is copied.
func NewHandler(cfg Config, fn Func) (*Handler, error) {
	if fn == nil {
		return nil, errors.New("webhook: NewHandler needs a Func")
	}
	v, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	return &Handler{cfg: v, fn: fn}, nil
}

// Delivery is one delivery handed to the Func: the decoded event and the
// handler's store, for Newer.
type Delivery struct {
	// Event is the typed event: switch on its type.
	Event Event
	store Store
}

// Envelope returns the event's envelope (eventId, revision, type, ...).
func (d *Delivery) Envelope() *Envelope { return d.Event.envelope() }

// Newer reports whether the event's revision is newer than the last one applied
// for its entity (Event.Entity), that is, whether applying it moves the entity
// forward rather than back. An event without an entity is always newer. The
// handler records the revision once the Func returns nil.
//
// The check and the record are two steps: two deliveries about the same entity
// processed at the same moment can both see true. Make the write that applies an
// event conditional on the revision too when that matters.
func (d *Delivery) Newer(ctx context.Context) (bool, error) {
	entity := d.Event.Entity()
	if entity == "" {
		return true, nil
	}
	last, ok, err := d.store.Revision(ctx, entity)
	if err != nil {
		return false, err
	}
	return !ok || d.Envelope().Revision > last, nil
}

// Refusal answers, identical for every cause of the same status so that the
// answer tells a forger nothing.
const (
	msgUnauthorized = "unauthorized\n"
	msgForbidden    = "forbidden\n"
)

// ServeHTTP receives one delivery.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := h.cfg
	ctx := r.Context()
	refuse := func(status int, body, why string) {
		v.logger.LogAttrs(ctx, slog.LevelWarn, "tango webhook refused",
			slog.Int("status", status), slog.String("reason", why), slog.String("remote", r.RemoteAddr))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		refuse(http.StatusMethodNotAllowed, "method not allowed\n", "method "+r.Method)
		return
	}
	if v.checkSrc {
		addr, ok := v.clientAddr(r)
		if !ok || !inPrefixes(v.sources, addr) {
			refuse(http.StatusForbidden, msgForbidden, "source address not allowed")
			return
		}
	}
	headersOK := 1
	for _, rh := range v.headers {
		got := r.Header.Values(rh.name)
		if len(got) != 1 {
			headersOK = 0
			continue
		}
		headersOK &= subtle.ConstantTimeCompare([]byte(got[0]), rh.value)
	}
	if headersOK != 1 {
		refuse(http.StatusUnauthorized, msgUnauthorized, "custom header missing or wrong")
		return
	}
	sig := r.Header.Values(SignatureHeader)
	if v.method != MethodNone && len(sig) != 1 {
		refuse(http.StatusUnauthorized, msgUnauthorized, "signature header missing or repeated")
		return
	}
	if r.ContentLength > v.maxBody {
		refuse(http.StatusRequestEntityTooLarge, "payload too large\n", "body larger than MaxBodyBytes")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, v.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse(http.StatusRequestEntityTooLarge, "payload too large\n", "body larger than MaxBodyBytes")
			return
		}
		refuse(http.StatusBadRequest, "bad request\n", "reading the body failed")
		return
	}
	if v.method != MethodNone && !v.verify(sig[0], body) {
		refuse(http.StatusUnauthorized, msgUnauthorized, "signature does not verify")
		return
	}
	ev, err := DecodeEvent(body)
	if err != nil {
		refuse(http.StatusBadRequest, "bad request\n", "verified body is not an event envelope")
		return
	}
	env := ev.envelope()
	claim, err := v.store.Claim(ctx, env.EventID)
	if err != nil {
		h.fail(w, r, env, "store claim failed", err)
		return
	}
	switch claim {
	case ClaimDone:
		v.logger.LogAttrs(ctx, slog.LevelInfo, "tango webhook duplicate acknowledged",
			slog.String("event_id", env.EventID), slog.Int64("revision", env.Revision))
		w.WriteHeader(http.StatusOK)
		return
	case ClaimBusy:
		w.Header().Set("Retry-After", "5")
		refuse(http.StatusServiceUnavailable, "busy\n", "the same event is being processed")
		return
	}
	if err := h.run(ctx, &Delivery{Event: ev, store: v.store}); err != nil {
		h.fail(w, r, env, "the handler function failed", err)
		return
	}
	// Recorded without the request's context: the work is done and must be
	// remembered even if Tango hung up meanwhile.
	sctx := context.WithoutCancel(ctx)
	if entity := ev.Entity(); entity != "" {
		if err := v.store.Advance(sctx, entity, env.Revision); err != nil {
			v.logger.LogAttrs(ctx, slog.LevelError, "tango webhook revision not recorded",
				slog.String("event_id", env.EventID), slog.String("error", err.Error()))
		}
	}
	if err := v.store.Complete(sctx, env.EventID); err != nil {
		v.logger.LogAttrs(ctx, slog.LevelError, "tango webhook event not recorded as processed",
			slog.String("event_id", env.EventID), slog.String("error", err.Error()))
	}
	w.WriteHeader(http.StatusOK)
}

// run calls the Func. When it does not return nil (an error or a panic, which
// goes on up), the claim on the event is released so that Tango's next delivery
// is processed.
func (h *Handler) run(ctx context.Context, d *Delivery) (err error) {
	ok := false
	defer func() {
		if !ok {
			_ = h.cfg.store.Release(context.WithoutCancel(ctx), d.Envelope().EventID)
		}
	}()
	if err := h.fn(ctx, d); err != nil {
		return err
	}
	ok = true
	return nil
}

// fail answers 500 so that Tango delivers the event again.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, env *Envelope, why string, err error) {
	h.cfg.logger.LogAttrs(r.Context(), slog.LevelError, "tango webhook not processed; Tango will deliver again",
		slog.String("event_id", env.EventID), slog.Int64("revision", env.Revision),
		slog.String("reason", why), slog.String("error", err.Error()))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, "not processed\n")
}
