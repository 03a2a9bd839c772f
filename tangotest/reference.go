package tangotest

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// exchangeRateDisclaimer is the text Tango sends with its exchange rates.
const exchangeRateDisclaimer = "Exchange rates are provided here for reference. They are updated at least once a day and may have changed by time of order."

func (s *Server) referenceRoutes() []route {
	return []route{
		{http.MethodGet, "/choiceProducts", s.handleChoiceProducts},
		{http.MethodGet, "/choiceProducts/{utid}", s.handleChoiceProduct},
		{http.MethodGet, "/choiceProducts/{choiceProductUtid}/catalog", s.handleChoiceProductCatalog},
		{http.MethodGet, "/brandCategories", s.handleBrandCategories},
		{http.MethodGet, "/rewardCountries", s.handleRewardCountries},
		{http.MethodGet, "/mobileCountries", s.handleMobileCountries},
		{http.MethodGet, "/credentialtypes", s.handleCredentialTypes},
		{http.MethodGet, "/exchangerates", s.handleExchangeRates},
	}
}

// choiceProductWire is a choice product (ChoiceProductDto).
type choiceProductWire struct {
	UTID         string   `json:"utid"`
	RewardName   string   `json:"rewardName"`
	CurrencyCode string   `json:"currencyCode"`
	Countries    []string `json:"countries"`
}

// isChoiceProduct reports whether an item lets its recipient choose among other
// rewards: the fake treats every "reward link" item as one.
func (it *item) isChoiceProduct() bool { return strings.EqualFold(it.RewardType, "reward link") }

func (it *item) choiceView() choiceProductWire {
	return choiceProductWire{UTID: it.UTID, RewardName: it.RewardName, CurrencyCode: it.CurrencyCode, Countries: append([]string(nil), it.Countries...)}
}

// choiceProductLocked finds a choice product by utid; s.mu must be held.
func (s *Server) choiceProductLocked(utid string) (*item, bool) {
	it, ok := s.items[strings.ToUpper(utid)]
	if !ok || !it.isChoiceProduct() {
		return nil, false
	}
	return it, true
}

// unknownChoiceProduct answers like Tango for an unknown choice product: 400.
func unknownChoiceProduct(c *call, utid string) {
	c.fieldErrors(fieldErrorInfo{Path: "utid", I18nKey: "422.024", Message: "The Item identifier provided is not valid.", InvalidValue: utid})
}

// handleChoiceProducts serves GET /choiceProducts (filters rewardName,
// currencyCode, countries[]).
func (s *Server) handleChoiceProducts(c *call) {
	q := c.r.URL.Query()
	out := struct {
		ChoiceProducts []choiceProductWire `json:"choiceProducts"`
	}{ChoiceProducts: []choiceProductWire{}}
	s.mu.Lock()
	for _, it := range s.itemList {
		if it.isChoiceProduct() && containsFold(it.RewardName, q.Get("rewardName")) &&
			eqFold(q.Get("currencyCode"), it.CurrencyCode) &&
			(len(q["countries"]) == 0 || overlapFold(q["countries"], it.Countries)) {
			out.ChoiceProducts = append(out.ChoiceProducts, it.choiceView())
		}
	}
	s.mu.Unlock()
	c.ok(http.StatusOK, out)
}

// handleChoiceProduct serves GET /choiceProducts/{utid}; an unknown utid is a 400.
func (s *Server) handleChoiceProduct(c *call) {
	s.mu.Lock()
	it, ok := s.choiceProductLocked(c.param("utid"))
	var v choiceProductWire
	if ok {
		v = it.choiceView()
	}
	s.mu.Unlock()
	if !ok {
		unknownChoiceProduct(c, c.param("utid"))
		return
	}
	c.ok(http.StatusOK, v)
}

// handleChoiceProductCatalog serves GET /choiceProducts/{choiceProductUtid}/catalog:
// the items a recipient of the choice product can pick, which the fake takes to
// be the other items in its currency, with the usual catalog filters.
func (s *Server) handleChoiceProductCatalog(c *call) {
	s.mu.Lock()
	cp, ok := s.choiceProductLocked(c.param("choiceProductUtid"))
	var currency string
	if ok {
		currency = cp.CurrencyCode
	}
	s.mu.Unlock()
	if !ok {
		unknownChoiceProduct(c, c.param("choiceProductUtid"))
		return
	}
	s.writeCatalog(c, func(it *item) bool {
		return !it.isChoiceProduct() && strings.EqualFold(it.CurrencyCode, currency)
	})
}

// handleBrandCategories serves GET /brandCategories.
func (s *Server) handleBrandCategories(c *call) {
	c.ok(http.StatusOK, struct {
		BrandCategories []categoryWire `json:"brandCategories"`
	}{categories()})
}

// handleRewardCountries serves GET /rewardCountries (countries and
// preferredCurrencies as comma-separated lists). The answer is always a cursor page:
// the reference declares the cursor parameters but no paginate switch.
func (s *Server) handleRewardCountries(c *call) {
	q := c.r.URL.Query()
	countries := splitList(q.Get("countries"))
	currencies := splitList(q.Get("preferredCurrencies"))
	var out []countryWire
	for _, ct := range rewardCountries() {
		if (len(countries) == 0 || anyFold(countries, ct.TwoLetterCode) || anyFold(countries, ct.ThreeLetterCode)) &&
			(len(currencies) == 0 || anyFold(currencies, ct.PreferredCurrency)) {
			out = append(out, ct)
		}
	}
	writeCursorPage(c, out)
}

// splitList splits a comma-separated query value, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// handleMobileCountries serves GET /mobileCountries.
func (s *Server) handleMobileCountries(c *call) { c.ok(http.StatusOK, mobileCountries()) }

// handleCredentialTypes serves GET /credentialtypes.
func (s *Server) handleCredentialTypes(c *call) { c.ok(http.StatusOK, credentialTypes()) }

// exchangeRateWire is one rate (ExchangeRateView). baseFx is a JSON number, as
// in Tango's real answers (its reference types it as a string).
type exchangeRateWire struct {
	LastModifiedDate string `json:"lastModifiedDate"`
	RewardCurrency   string `json:"rewardCurrency"`
	BaseCurrency     string `json:"baseCurrency"`
	BaseFx           any    `json:"baseFx"`
}

// exchangeRatesWire is the GET /exchangerates answer (ExchangeRatesWithDisclaimer);
// the paging fields appear only with paginate=true.
type exchangeRatesWire struct {
	Disclaimer        string             `json:"disclaimer"`
	ExchangeRates     []exchangeRateWire `json:"exchangeRates"`
	PrevCursor        string             `json:"prevCursor,omitempty"`
	NextCursor        string             `json:"nextCursor,omitempty"`
	PrevPageAvailable *bool              `json:"prevPageAvailable,omitempty"`
	NextPageAvailable *bool              `json:"nextPageAvailable,omitempty"`
	MaxResults        int                `json:"maxResults,omitempty"`
}

// handleExchangeRates serves GET /exchangerates: the rates set with
// SetExchangeRate (base currency = the account's, reward currency = the item's),
// filtered by baseCurrency[] and rewardCurrency[], sorted, with cursor paging
// when paginate=true.
func (s *Server) handleExchangeRates(c *call) {
	q := c.r.URL.Query()
	now := s.now().UTC()
	updated := now.Truncate(24 * time.Hour).Add(12 * time.Hour)
	if updated.After(now) {
		updated = updated.Add(-24 * time.Hour)
	}
	var rates []exchangeRateWire
	s.mu.Lock()
	for key, r := range s.rates {
		reward, base, _ := strings.Cut(key, "/")
		if (len(q["baseCurrency"]) == 0 || anyFold(q["baseCurrency"], base)) &&
			(len(q["rewardCurrency"]) == 0 || anyFold(q["rewardCurrency"], reward)) {
			rates = append(rates, exchangeRateWire{LastModifiedDate: stamp(updated), RewardCurrency: reward, BaseCurrency: base, BaseFx: r.number()})
		}
	}
	s.mu.Unlock()
	sort.Slice(rates, func(i, j int) bool {
		if rates[i].BaseCurrency != rates[j].BaseCurrency {
			return rates[i].BaseCurrency < rates[j].BaseCurrency
		}
		return rates[i].RewardCurrency < rates[j].RewardCurrency
	})
	out := exchangeRatesWire{Disclaimer: exchangeRateDisclaimer, ExchangeRates: []exchangeRateWire{}}
	if q.Get("paginate") != "true" {
		out.ExchangeRates = append(out.ExchangeRates, rates...)
		c.ok(http.StatusOK, out)
		return
	}
	limit, ok := intParam(q, "maxResults", defaultMaxResults)
	if !ok || limit < 1 || limit > maxMaxResults {
		c.fieldErrors(fieldErrorInfo{Path: "maxResults", I18nKey: "400.001", Message: "maxResults must be between 1 and 200.", InvalidValue: q.Get("maxResults")})
		return
	}
	offset := 0
	for _, name := range []string{"nextCursor", "prevCursor"} {
		if v := q.Get(name); v != "" {
			if offset, ok = decodeCursor(v); !ok {
				c.fieldErrors(fieldErrorInfo{Path: name, I18nKey: "400.001", Message: "The cursor is not valid.", InvalidValue: v})
				return
			}
			break
		}
	}
	offset = min(offset, len(rates))
	end := min(offset+limit, len(rates))
	prev, next := offset > 0, end < len(rates)
	out.ExchangeRates = append(out.ExchangeRates, rates[offset:end]...)
	out.MaxResults, out.PrevPageAvailable, out.NextPageAvailable = limit, &prev, &next
	if prev {
		out.PrevCursor = encodeCursor(max(0, offset-limit))
	}
	if next {
		out.NextCursor = encodeCursor(end)
	}
	c.ok(http.StatusOK, out)
}
