package tango

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Credit cards fund accounts through the API: register a card on an account
// (POST /creditCards), then deposit with its token (see funding_deposits.go).
// Tango keeps the card number; the SDK only ever sends it, and never prints it.

// CreditCardStatus is the state of a registered card. It is a string type so that
// statuses Tango adds later still decode; compare against the constants.
type CreditCardStatus string

// Card statuses Tango documents.
const (
	// CreditCardActive: the card can fund its account (once ActivationDate has
	// passed).
	CreditCardActive CreditCardStatus = "ACTIVE"
	// CreditCardDeleted: the card was unregistered.
	CreditCardDeleted CreditCardStatus = "DELETED"
)

// CreditCardDetails is the card itself. Number and VerificationNumber are
// [Secret]s: they print as [REDACTED] everywhere, encoding/json included (PCI
// DSS forbids keeping a security code after authorization), and reach only the
// body of POST /creditCards.
type CreditCardDetails struct {
	// Number is the card number, digits only (12 to 19 of them, passing the Luhn
	// check).
	Number Secret `json:"number"`
	// Expiration is the expiry month, "YYYY-MM".
	Expiration string `json:"expiration"`
	// VerificationNumber is the 3 or 4 digit security code (CVV).
	VerificationNumber Secret `json:"verificationNumber"`
}

// BillingAddress is the card holder's billing address. The lines that could find
// the person are [Private]; the state and the country are not.
type BillingAddress struct {
	// FirstName and LastName are the card holder's (required).
	FirstName Private `json:"firstName"`
	LastName  Private `json:"lastName"`
	// AddressLine1 is required; AddressLine2 is optional.
	AddressLine1 Private `json:"addressLine1"`
	AddressLine2 Private `json:"addressLine2,omitempty"`
	// City, State and PostalCode are required.
	City       Private `json:"city"`
	State      string  `json:"state"`
	PostalCode Private `json:"postalCode"`
	// Country is the ISO 3166 code, such as "US" (required).
	Country string `json:"country"`
	// EmailAddress is the card holder's (required).
	EmailAddress Private `json:"emailAddress"`
}

// LogValue presents the address to slog; see logValueOf.
func (a BillingAddress) LogValue() slog.Value { return logValueOf(a) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (a BillingAddress) Format(f fmt.State, verb rune) { formatValue(f, verb, a) }

// ContactInformation is a person Tango may contact about a card. Both fields are
// [Private].
type ContactInformation struct {
	// FullName of the contact.
	FullName Private `json:"fullName"`
	// EmailAddress of the contact.
	EmailAddress Private `json:"emailAddress"`
}

// LogValue presents the contact to slog; see logValueOf.
func (c ContactInformation) LogValue() slog.Value { return logValueOf(c) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (c ContactInformation) Format(f fmt.State, verb rune) { formatValue(f, verb, c) }

// RegisterCreditCardRequest is the body of POST /creditCards: a card to register
// on one account. Field names on the wire are Tango's.
//
// It is the one request encoding/json does not write faithfully: the card
// number and security code are [Secret]s and encode as "[REDACTED]", because
// PCI DSS forbids storing a security code. Keep the request only as long as the
// call takes; to queue a registration, queue everything but the card.
type RegisterCreditCardRequest struct {
	// CustomerIdentifier and AccountIdentifier name the account the card will
	// fund (required).
	CustomerIdentifier string `json:"customerIdentifier"`
	AccountIdentifier  string `json:"accountIdentifier"`
	// Label names the card in listings (required).
	Label string `json:"label"`
	// IPAddress is the address of the person registering the card, for Tango's
	// fraud checks (required: Tango's reference lists it among the required fields
	// of CreateCreditCardCriteria; an IPv4 or IPv6 address).
	IPAddress string `json:"ipAddress"`
	// CreditCard is the card (required).
	CreditCard CreditCardDetails `json:"creditCard"`
	// BillingAddress is the card holder's billing address (required).
	BillingAddress BillingAddress `json:"billingAddress"`
	// ContactInformation lists people Tango may contact about the card
	// (optional).
	ContactInformation []ContactInformation `json:"contactInformation,omitempty"`
}

// LogValue presents the request to slog; see logValueOf.
func (r RegisterCreditCardRequest) LogValue() slog.Value { return logValueOf(r) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (r RegisterCreditCardRequest) Format(f fmt.State, verb rune) { formatValue(f, verb, r) }

// registerCardWire is the POST /creditCards body as sent: the request as it
// encodes itself, with the card details revealed (the outer field wins in
// encoding/json). It is the only place the card number and security code are.
type registerCardWire struct {
	*RegisterCreditCardRequest
	CreditCard cardDetailsWire `json:"creditCard"`
}

// cardDetailsWire is CreditCardDetails with its secrets revealed.
type cardDetailsWire struct {
	Number             string `json:"number"`
	Expiration         string `json:"expiration"`
	VerificationNumber string `json:"verificationNumber"`
}

// CreditCard is Tango's view of a registered card (CreditCardView). It holds no
// card number: only the last four digits.
type CreditCard struct {
	// Token identifies the card in deposits and unregistration.
	Token string `json:"token"`
	// CustomerIdentifier and AccountIdentifier name the account it funds.
	CustomerIdentifier string `json:"customerIdentifier,omitempty"`
	AccountIdentifier  string `json:"accountIdentifier,omitempty"`
	// AccountNumber is Tango's number for that account.
	AccountNumber string `json:"accountNumber,omitempty"`
	// Label is the name given at registration.
	Label string `json:"label,omitempty"`
	// LastFourDigits are the end of the card number.
	LastFourDigits string `json:"lastFourDigits,omitempty"`
	// ExpirationDate is the expiry month, "YYYY-MM".
	ExpirationDate string `json:"expirationDate,omitempty"`
	// Status is the card's state.
	Status CreditCardStatus `json:"status,omitempty"`
	// CreatedDate is when the card was registered.
	CreatedDate time.Time `json:"createdDate"`
	// ActivationDate is when the card can first fund the account. Tango holds new
	// cards for a registration period; deposits before it fail with 429.003.
	ActivationDate time.Time `json:"activationDate"`
	// ContactInformation lists the card's contacts.
	ContactInformation []ContactInformation `json:"contactInformation,omitempty"`
	// RequestID is Tango's X-REQUEST-ID of the answer that carried the card.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (c *CreditCard) setRequestID(id string) { c.RequestID = id }

// LogValue presents the card to slog; see logValueOf.
func (c CreditCard) LogValue() slog.Value { return logValueOf(c) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (c CreditCard) Format(f fmt.State, verb rune) { formatValue(f, verb, c) }

// RegisterCreditCard registers a card on an account (POST /creditCards) and
// returns it with its token. An account holds at most 10 cards (Tango answers
// 422.050 beyond that).
//
// The request is checked before anything is sent: identifiers, label, the card
// number's digits and Luhn check digit, the expiry (YYYY-MM) and security code
// formats, the billing address's required fields and email, and characters
// Tango refuses as possibly insecure; a problem is a *ValidationError whose
// messages never repeat the values. The call is never retried once it may have reached Tango: registration has no
// idempotency key, so an uncertain outcome is an *OutcomeUnknownError; list the
// account's cards before trying again.
func (s *FundingService) RegisterCreditCard(ctx context.Context, req *RegisterCreditCardRequest) (*CreditCard, error) {
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	body := registerCardWire{
		RegisterCreditCardRequest: req,
		CreditCard: cardDetailsWire{
			Number:             req.CreditCard.Number.Reveal(),
			Expiration:         req.CreditCard.Expiration,
			VerificationNumber: req.CreditCard.VerificationNumber.Reveal(),
		},
	}
	r, err := newRequest(http.MethodPost, "/creditCards", nil, &body, retryUnsafe)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = req.CustomerIdentifier, req.AccountIdentifier
	return sendDecoded[CreditCard](ctx, s.c, r)
}

// GetCreditCard fetches one registered card by its token
// (GET /creditCards/{token}).
func (s *FundingService) GetCreditCard(ctx context.Context, token string) (*CreditCard, error) {
	if err := requirePathID("token", token); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, "/creditCards/"+url.PathEscape(token), nil, nil, retryRead)
	if err != nil {
		return nil, err
	}
	cc, err := sendDecoded[CreditCard](ctx, s.c, r)
	if err != nil {
		return nil, err
	}
	if err := s.c.vetOwner(ctx, r.method, r.path, cc.CustomerIdentifier, cc.AccountIdentifier); err != nil {
		return nil, err
	}
	return cc, nil
}

// UnregisterCreditCardRequest is the body of POST /creditCardUnregisters.
type UnregisterCreditCardRequest struct {
	// CustomerIdentifier and AccountIdentifier name the account the card is
	// registered on (required).
	CustomerIdentifier string `json:"customerIdentifier"`
	AccountIdentifier  string `json:"accountIdentifier"`
	// CreditCardToken is the card's token (required).
	CreditCardToken string `json:"creditCardToken"`
}

// CreditCardUnregistration is Tango's answer to unregistering a card.
type CreditCardUnregistration struct {
	// Token is the card's token.
	Token string `json:"token"`
	// Message is Tango's confirmation text.
	Message string `json:"message,omitempty"`
	// CreatedDate is when Tango unregistered the card.
	CreatedDate time.Time `json:"createdDate"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (u *CreditCardUnregistration) setRequestID(id string) { u.RequestID = id }

// UnregisterCreditCard removes a card from an account
// (POST /creditCardUnregisters). Tango answers 422.002 when the card is not
// registered there. It is never retried once it may have reached Tango; after an
// *OutcomeUnknownError, read the card (GetCreditCard) to see its status.
func (s *FundingService) UnregisterCreditCard(ctx context.Context, req *UnregisterCreditCardRequest) (*CreditCardUnregistration, error) {
	if err := validateRequest(req); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodPost, "/creditCardUnregisters", nil, req, retryUnsafe)
	if err != nil {
		return nil, err
	}
	r.customer, r.account = req.CustomerIdentifier, req.AccountIdentifier
	return sendDecoded[CreditCardUnregistration](ctx, s.c, r)
}

// ListCreditCardsParams filters GET /creditCards. Zero fields are left out.
// Filters by name or email are [Private]; the SDK never logs query strings.
type ListCreditCardsParams struct {
	// CustomerIdentifier and AccountIdentifier select the cards of an account.
	CustomerIdentifier string
	AccountIdentifier  string
	// AccountNumber selects by Tango's account number.
	AccountNumber string
	// Status selects ACTIVE or DELETED cards.
	Status CreditCardStatus
	// ShowInactive includes cards that cannot fund (Tango leaves them out by
	// default).
	ShowInactive bool
	// Token, Label, LastFourDigits and ExpirationDate ("YYYY-MM") match the
	// card.
	Token          string
	Label          string
	LastFourDigits string
	ExpirationDate string
	// EmailAddress and FullName match the card's contacts.
	EmailAddress Private
	FullName     Private
	// CursorParams pages the list.
	CursorParams
}

// LogValue presents the filters to slog; see logValueOf.
func (p ListCreditCardsParams) LogValue() slog.Value { return logValueOf(p) }

// Format prints the value for every fmt verb as LogValue presents it; see formatValue.
func (p ListCreditCardsParams) Format(f fmt.State, verb rune) { formatValue(f, verb, p) }

// query encodes the filters with Tango's parameter names.
func (p *ListCreditCardsParams) query() url.Values {
	q := url.Values{}
	for _, f := range []struct{ key, value string }{
		{"customerIdentifier", p.CustomerIdentifier}, {"accountIdentifier", p.AccountIdentifier},
		{"accountNumber", p.AccountNumber}, {"status", string(p.Status)}, {"token", p.Token},
		{"label", p.Label}, {"lastFourDigits", p.LastFourDigits}, {"expirationDate", p.ExpirationDate},
		{"emailAddress", string(p.EmailAddress)}, {"fullName", string(p.FullName)},
	} {
		if f.value != "" {
			q.Set(f.key, f.value)
		}
	}
	if p.ShowInactive {
		q.Set("showInactive", "true")
	}
	return q
}

// ListCreditCards fetches one page of registered cards (GET /creditCards with
// paginate=true). params may be nil; pass Page.NextCursor back in
// params.NextCursor for the next page, or use AllCreditCards.
func (s *FundingService) ListCreditCards(ctx context.Context, params *ListCreditCardsParams) (*Page[CreditCard], error) {
	p, err := checkedParams(params, (*ListCreditCardsParams).validate)
	if err != nil {
		return nil, err
	}
	return listPage[CreditCard](ctx, s.c, "/creditCards", p.query(), p.CursorParams, p.CustomerIdentifier, p.AccountIdentifier)
}

// AllCreditCards walks every card that matches params, page after page (see
// ListCreditCards). The caller's params are copied, never changed. Paging stops
// after the last page, on an empty page or when Tango repeats a cursor; an error
// ends the walk.
func (s *FundingService) AllCreditCards(ctx context.Context, params *ListCreditCardsParams) iter.Seq2[*CreditCard, error] {
	return allPages(ctx, s.c, params, (*ListCreditCardsParams).validate, s.ListCreditCards)
}
