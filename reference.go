package tango

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ChoiceProduct is a reward that lets its recipient choose among other rewards,
// such as a Reward Link (Tango's ChoiceProductDto). Its choices are read with
// CatalogService.ChoiceProductCatalog.
type ChoiceProduct struct {
	// UTID identifies the choice product in orders.
	UTID string `json:"utid"`
	// RewardName is its display name.
	RewardName string `json:"rewardName"`
	// CurrencyCode is its currency.
	CurrencyCode string `json:"currencyCode"`
	// Countries lists where it can be redeemed.
	Countries []string `json:"countries,omitempty"`
}

// ChoiceProductsParams filters GET /choiceProducts. Zero fields are left out.
type ChoiceProductsParams struct {
	// RewardName matches the product's name.
	RewardName string
	// CurrencyCode matches its currency.
	CurrencyCode string
	// Countries matches products redeemable in any of these countries.
	Countries []string
}

// ChoiceProducts lists the platform's choice products (GET /choiceProducts);
// params may be nil.
func (s *ReferenceService) ChoiceProducts(ctx context.Context, params *ChoiceProductsParams) ([]*ChoiceProduct, error) {
	p, err := checkedParams(params, (*ChoiceProductsParams).validate)
	if err != nil {
		return nil, err
	}
	q := listQuery{url.Values{}}
	q.str("rewardName", p.RewardName)
	q.str("currencyCode", p.CurrencyCode)
	q.strs("countries", p.Countries)
	var out struct {
		ChoiceProducts []*ChoiceProduct `json:"choiceProducts"`
	}
	if _, err := s.get(ctx, "/choiceProducts", q.Values, &out); err != nil {
		return nil, err
	}
	return out.ChoiceProducts, nil
}

// ChoiceProduct fetches one choice product (GET /choiceProducts/{utid}). Tango
// answers an unknown utid with a 400, not a 404.
func (s *ReferenceService) ChoiceProduct(ctx context.Context, utid string) (*ChoiceProduct, error) {
	var v validator
	v.utid("utid", utid)
	if err := v.err(); err != nil {
		return nil, err
	}
	var out ChoiceProduct
	if _, err := s.get(ctx, "/choiceProducts/"+url.PathEscape(utid), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BrandCategories lists the categories brands are filed under
// (GET /brandCategories). Filter catalogs by them with CatalogParams.CategoryIDs.
func (s *ReferenceService) BrandCategories(ctx context.Context) ([]BrandCategory, error) {
	var out struct {
		BrandCategories []BrandCategory `json:"brandCategories"`
	}
	if _, err := s.get(ctx, "/brandCategories", nil, &out); err != nil {
		return nil, err
	}
	return out.BrandCategories, nil
}

// RewardCountry is a country choice products can be fulfilled in (Tango's
// CountryViewSummary).
type RewardCountry struct {
	TwoLetterCode     string `json:"twoLetterCode"`
	ThreeLetterCode   string `json:"threeLetterCode"`
	CountryName       string `json:"countryName"`
	PreferredCurrency string `json:"preferredCurrency"`
}

// RewardCountriesParams filters GET /rewardCountries. Zero fields are left out.
type RewardCountriesParams struct {
	// Countries selects these countries (ISO codes).
	Countries []string
	// PreferredCurrencies selects countries whose preferred currency is one of
	// these.
	PreferredCurrencies []string
	// CursorParams pages the list.
	CursorParams
}

// RewardCountries fetches one page of the countries choice products can be
// fulfilled in (GET /rewardCountries; Tango takes the country and currency
// filters as comma-separated lists). params may be nil.
func (s *ReferenceService) RewardCountries(ctx context.Context, params *RewardCountriesParams) (*Page[RewardCountry], error) {
	p, err := checkedParams(params, (*RewardCountriesParams).validate)
	if err != nil {
		return nil, err
	}
	q := listQuery{url.Values{}}
	q.str("countries", strings.Join(p.Countries, ","))
	q.str("preferredCurrencies", strings.Join(p.PreferredCurrencies, ","))
	return listAlwaysPaged[RewardCountry](ctx, s.c, "/rewardCountries", q.Values, p.CursorParams)
}

// AllRewardCountries walks every reward country that matches params, page after
// page (see RewardCountries). The caller's params are copied, never changed.
func (s *ReferenceService) AllRewardCountries(ctx context.Context, params *RewardCountriesParams) iter.Seq2[*RewardCountry, error] {
	return allPages(ctx, s.c, params, (*RewardCountriesParams).validate, s.RewardCountries)
}

// MobileCountry is a country rewards can be delivered to by text message
// (Tango's MobileCountryView).
type MobileCountry struct {
	// IsoCode is the two-letter country code.
	IsoCode string `json:"isoCode"`
	// CountryName is the country's name.
	CountryName string `json:"countryName"`
	// CountryCode is the telephone country code ("1", "44").
	CountryCode string `json:"countryCode"`
	// LanguageCode is the language messages are sent in ("en").
	LanguageCode string `json:"languageCode"`
}

// MobileCountries lists the countries rewards can be delivered to by text
// message (GET /mobileCountries).
func (s *ReferenceService) MobileCountries(ctx context.Context) ([]*MobileCountry, error) {
	var out listOrOne[MobileCountry]
	if _, err := s.get(ctx, "/mobileCountries", nil, &out); err != nil {
		return nil, err
	}
	return out.items, nil
}

// CredentialType is a kind of credential a reward can carry (Tango's
// CredentialTypeView), such as "cardNumber" or "redemptionUrl".
type CredentialType struct {
	CredentialType string `json:"credentialType"`
	Description    string `json:"description,omitempty"`
}

// CredentialTypes lists the credential types rewards can carry
// (GET /credentialtypes).
func (s *ReferenceService) CredentialTypes(ctx context.Context) ([]*CredentialType, error) {
	var out listOrOne[CredentialType]
	if _, err := s.get(ctx, "/credentialtypes", nil, &out); err != nil {
		return nil, err
	}
	return out.items, nil
}

// ExchangeRate is Tango's rate between an account (base) currency and a reward
// currency. Tango updates its rates once a day, between 12:00 and 13:00 UTC.
//
// Direction: BaseFx is how many units of RewardCurrency one unit of BaseCurrency
// buys. Tango's sandbox answered rewardCurrency USD, baseCurrency NZD, baseFx 0.7313
// (one NZD buys 0.7313 USD), so a reward of R costs about R / BaseFx in the
// account's currency; [ExchangeRate.Price] works it out.
type ExchangeRate struct {
	// LastModifiedDate is when Tango last updated the rate.
	LastModifiedDate time.Time `json:"lastModifiedDate"`
	// RewardCurrency is the currency of the reward.
	RewardCurrency string `json:"rewardCurrency"`
	// BaseCurrency is the currency of the account charged.
	BaseCurrency string `json:"baseCurrency"`
	// BaseFx is the rate, exact: units of RewardCurrency per one unit of
	// BaseCurrency. Tango sends it as a JSON number or as a string;
	// both decode. It is held in an Amount, the SDK's exact decimal, although it
	// is a rate and not money.
	BaseFx Amount `json:"baseFx"`
}

// ExchangeRates is one page of GET /exchangerates (Tango's
// ExchangeRatesWithDisclaimer).
type ExchangeRates struct {
	// Disclaimer is Tango's note on how current the rates are; show it with them.
	Disclaimer string `json:"disclaimer"`
	// ExchangeRates are the page's rates.
	ExchangeRates []*ExchangeRate `json:"exchangeRates"`
	// NextCursor and PrevCursor move between pages.
	NextCursor string `json:"nextCursor,omitempty"`
	PrevCursor string `json:"prevCursor,omitempty"`
	// NextPageAvailable and PrevPageAvailable say whether those pages exist.
	NextPageAvailable bool `json:"nextPageAvailable"`
	PrevPageAvailable bool `json:"prevPageAvailable"`
	// MaxResults is the page size Tango applied.
	MaxResults int `json:"maxResults,omitempty"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// ExchangeRatesParams filters GET /exchangerates. Zero fields are left out.
type ExchangeRatesParams struct {
	// BaseCurrencies selects rates from any of these account currencies.
	BaseCurrencies []string
	// RewardCurrencies selects rates to any of these reward currencies.
	RewardCurrencies []string
	// CursorParams pages the list.
	CursorParams
}

// ExchangeRates fetches one page of Tango's exchange rates (GET /exchangerates
// with paginate=true); params may be nil. Pass NextCursor back in
// params.NextCursor for the next page, or use AllExchangeRates.
func (s *ReferenceService) ExchangeRates(ctx context.Context, params *ExchangeRatesParams) (*ExchangeRates, error) {
	p, err := checkedParams(params, (*ExchangeRatesParams).validate)
	if err != nil {
		return nil, err
	}
	q := listQuery{url.Values{}}
	q.strs("baseCurrency", p.BaseCurrencies)
	q.strs("rewardCurrency", p.RewardCurrencies)
	p.CursorParams.apply(q.Values)
	var out ExchangeRates
	resp, err := s.get(ctx, "/exchangerates", q.Values, &out)
	if err != nil {
		return nil, err
	}
	out.RequestID = resp.RequestID
	return &out, nil
}

// AllExchangeRates walks every exchange rate that matches params, page after
// page (see ExchangeRates). The caller's params are copied, never changed.
func (s *ReferenceService) AllExchangeRates(ctx context.Context, params *ExchangeRatesParams) iter.Seq2[*ExchangeRate, error] {
	return allPages(ctx, s.c, params, (*ExchangeRatesParams).validate, func(ctx context.Context, q *ExchangeRatesParams) (*Page[ExchangeRate], error) {
		rates, err := s.ExchangeRates(ctx, q)
		if err != nil {
			return nil, err
		}
		return rates.page(), nil
	})
}

// page is the rates as a cursor Page, for walkPages.
func (r *ExchangeRates) page() *Page[ExchangeRate] {
	return &Page[ExchangeRate]{
		Items: r.ExchangeRates, NumberOfElements: len(r.ExchangeRates), MaxResults: r.MaxResults,
		NextCursor: r.NextCursor, PrevCursor: r.PrevCursor,
		NextPageAvailable: r.NextPageAvailable, PrevPageAvailable: r.PrevPageAvailable,
		RequestID: r.RequestID,
	}
}

// get makes a reference-data read.
func (s *ReferenceService) get(ctx context.Context, path string, q url.Values, out any) (*Response, error) {
	r, err := newRequest(http.MethodGet, path, q, nil, retryRead)
	if err != nil {
		return nil, err
	}
	return s.c.send(ctx, r, out)
}

// listOrOne decodes a JSON array of T, or a single T object as a list of one:
// Tango's reference describes some list endpoints with the schema of one row.
type listOrOne[T any] struct{ items []*T }

// UnmarshalJSON reads an array or a single object.
func (l *listOrOne[T]) UnmarshalJSON(b []byte) error {
	if t := strings.TrimSpace(string(b)); strings.HasPrefix(t, "{") {
		var one T
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		l.items = []*T{&one}
		return nil
	}
	return json.Unmarshal(b, &l.items)
}
