package tangotest

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Value types of catalog items.
const (
	// ValueTypeVariable is an item whose amount the order chooses between MinValue
	// and MaxValue.
	ValueTypeVariable = "VARIABLE_VALUE"
	// ValueTypeFixed is an item whose order amount must equal its FaceValue.
	ValueTypeFixed = "FIXED_VALUE"
)

// Credential kinds an item's rewards carry.
const (
	// CredentialRedemptionURL gives each reward a redemption link (Reward Link style).
	CredentialRedemptionURL = "redemptionUrl"
	// CredentialCardNumber gives each reward a card number and a PIN.
	CredentialCardNumber = "cardNumber"
)

// utidPattern is Tango's rule for item identifiers: U and 1 to 9 digits.
var utidPattern = regexp.MustCompile(`^[uU][0-9]{1,9}$`)

// Item describes a catalog item for AddItem. Amounts are decimals written as text
// ("0.01", "2000"), so that they stay exact.
type Item struct {
	// UTID identifies the item ("U561593").
	UTID string
	// RewardName is the item's name ("Reward Link").
	RewardName string
	// BrandKey groups items into brands ("B000001"); items with the same key share
	// a brand. Empty means a brand of its own, derived from the UTID.
	BrandKey string
	// BrandName names the brand; empty means RewardName.
	BrandName string
	// CurrencyCode is the reward's currency; empty means USD.
	CurrencyCode string
	// ValueType is ValueTypeVariable (the default) or ValueTypeFixed.
	ValueType string
	// MinValue and MaxValue bound a variable item's amount.
	MinValue, MaxValue string
	// FaceValue is a fixed item's only amount.
	FaceValue string
	// Inactive items are listed with status "inactive" and refuse orders (422.030).
	Inactive bool
	// Countries where the item can be redeemed; empty means ["US"].
	Countries []string
	// RewardType is Tango's reward type ("gift card", "reward link"); empty means
	// "gift card".
	RewardType string
	// Credential is CredentialRedemptionURL (the default) or CredentialCardNumber.
	Credential string
	// Attributes lists the deliveries the item supports (EMAIL, PHONE, ADDRESS,
	// EMBEDDED); empty means ["EMAIL"].
	Attributes []string
	// Categories lists the item's brand categories by identifier (the Category*
	// constants); they are shown on its brand and filter the catalog
	// (categoryIds).
	Categories []string
}

// item is a stored catalog item.
type item struct {
	Item
	min, max, face amount
	createdAt      time.Time
}

// AddItem puts an item in the catalog. It returns an error when the UTID is taken or
// a field is invalid.
func (s *Server) AddItem(it Item) error {
	if !utidPattern.MatchString(it.UTID) {
		return fmt.Errorf("tangotest: utid %q must be U followed by 1 to 9 digits", it.UTID)
	}
	if it.RewardName == "" {
		return fmt.Errorf("tangotest: item %s needs a RewardName", it.UTID)
	}
	if it.CurrencyCode == "" {
		it.CurrencyCode = "USD"
	}
	if !currencyPattern.MatchString(it.CurrencyCode) {
		return fmt.Errorf("tangotest: item %s: currency %q is not a three-letter code", it.UTID, it.CurrencyCode)
	}
	if it.BrandKey == "" {
		it.BrandKey = "B" + strings.TrimLeft(it.UTID[1:], "0")
	}
	if it.BrandName == "" {
		it.BrandName = it.RewardName
	}
	if len(it.Countries) == 0 {
		it.Countries = []string{"US"}
	}
	if it.RewardType == "" {
		it.RewardType = "gift card"
	}
	if len(it.Attributes) == 0 {
		it.Attributes = []string{"EMAIL"}
	}
	for _, a := range it.Attributes {
		if !anyFold(itemAttributes, a) {
			return fmt.Errorf("tangotest: item %s: unknown attribute %q", it.UTID, a)
		}
	}
	for _, id := range it.Categories {
		if _, ok := categoryByID(id); !ok {
			return fmt.Errorf("tangotest: item %s: unknown brand category %q", it.UTID, id)
		}
	}
	switch it.Credential {
	case "":
		it.Credential = CredentialRedemptionURL
	case CredentialRedemptionURL, CredentialCardNumber:
	default:
		return fmt.Errorf("tangotest: item %s: unknown credential kind %q", it.UTID, it.Credential)
	}
	st := &item{Item: it}
	var err error
	switch it.ValueType {
	case "", ValueTypeVariable:
		st.ValueType = ValueTypeVariable
		if st.min, err = parseAmount(it.MinValue); err != nil {
			return fmt.Errorf("tangotest: item %s: MinValue %q: %w", it.UTID, it.MinValue, err)
		}
		if st.max, err = parseAmount(it.MaxValue); err != nil {
			return fmt.Errorf("tangotest: item %s: MaxValue %q: %w", it.UTID, it.MaxValue, err)
		}
		if st.max < st.min {
			return fmt.Errorf("tangotest: item %s: MaxValue below MinValue", it.UTID)
		}
	case ValueTypeFixed:
		if st.face, err = parseAmount(it.FaceValue); err != nil {
			return fmt.Errorf("tangotest: item %s: FaceValue %q: %w", it.UTID, it.FaceValue, err)
		}
	default:
		return fmt.Errorf("tangotest: item %s: unknown value type %q", it.UTID, it.ValueType)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToUpper(it.UTID)
	if _, ok := s.items[key]; ok {
		return fmt.Errorf("tangotest: item %s: %w", it.UTID, ErrExists)
	}
	st.createdAt = s.now()
	s.items[key] = st
	s.itemList = append(s.itemList, st)
	return nil
}

// status is the item's catalog status string.
func (it *item) status() string {
	if it.Inactive {
		return "inactive"
	}
	return "active"
}

// view renders the item for the catalog.
func (it *item) view(verbose bool) itemWire {
	w := itemWire{
		UTID:            it.UTID,
		RewardName:      it.RewardName,
		CurrencyCode:    it.CurrencyCode,
		Status:          it.status(),
		ValueType:       it.ValueType,
		RewardType:      it.RewardType,
		CreatedDate:     stamp(it.createdAt),
		LastUpdateDate:  stamp(it.createdAt),
		Countries:       append([]string(nil), it.Countries...),
		CredentialTypes: it.credentialTypes(),
		FulfillmentType: "DIGITAL",
	}
	if it.ValueType == ValueTypeFixed {
		n := it.face.number()
		w.FaceValue = &n
	} else {
		lo, hi := it.min.number(), it.max.number()
		w.MinValue, w.MaxValue = &lo, &hi
	}
	if verbose {
		w.RedemptionInstructions = "Follow the link or enter the code at the merchant. (tangotest fake item)"
	}
	return w
}

func (it *item) credentialTypes() []string {
	if it.Credential == CredentialCardNumber {
		return []string{"cardNumber", "pin"}
	}
	return []string{"redemptionUrl"}
}

// handleCatalog serves GET /catalogs with the verbose, utid, brandKey, brandName,
// rewardName, currencyCode, country, status, rewardType[], itemAttribute[],
// categoryIds[] and fulfillmentType[] filters.
func (s *Server) handleCatalog(c *call) {
	s.writeCatalog(c, func(*item) bool { return true })
}

// writeCatalog answers with the catalog of the items in scope that match the
// query's filters, grouped by brand.
func (s *Server) writeCatalog(c *call, inScope func(*item) bool) {
	q := c.r.URL.Query()
	verbose := true
	if v := q.Get("verbose"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			c.fieldErrors(fieldErrorInfo{Path: "verbose", I18nKey: "400.001", Message: "verbose must be true or false", InvalidValue: v})
			return
		}
		verbose = b
	}
	match := func(it *item) bool {
		return inScope(it) &&
			eqFold(q.Get("utid"), it.UTID) &&
			eqFold(q.Get("brandKey"), it.BrandKey) &&
			containsFold(it.BrandName, q.Get("brandName")) &&
			containsFold(it.RewardName, q.Get("rewardName")) &&
			eqFold(q.Get("currencyCode"), it.CurrencyCode) &&
			eqFold(q.Get("status"), it.status()) &&
			(q.Get("country") == "" || anyFold(it.Countries, q.Get("country"))) &&
			(len(q["rewardType"]) == 0 || anyFold(q["rewardType"], "all") || anyFold(q["rewardType"], it.RewardType)) &&
			(len(q["itemAttribute"]) == 0 || overlapFold(q["itemAttribute"], it.Attributes)) &&
			(len(q["categoryIds"]) == 0 || overlapFold(q["categoryIds"], it.Categories)) &&
			(len(q["fulfillmentType"]) == 0 || anyFold(q["fulfillmentType"], "DIGITAL"))
	}

	s.mu.Lock()
	out := catalogWireX{catalogWire: catalogWire{CatalogName: "tangotest catalog"}, Brands: []brandWireX{}}
	index := map[string]int{}
	for _, it := range s.itemList {
		if !match(it) {
			continue
		}
		i, ok := index[it.BrandKey]
		if !ok {
			b := brandWireX{brandWire: brandWire{
				BrandKey:       it.BrandKey,
				BrandName:      it.BrandName,
				CreatedDate:    stamp(it.createdAt),
				LastUpdateDate: stamp(it.createdAt),
			}, Items: []itemWireX{}, Categories: []categoryWire{}}
			if verbose {
				b.Description = "A fake brand served by tangotest."
				b.ShortDescription = "tangotest brand"
				b.Disclaimer = "Not a real reward."
				b.Terms = "For tests only."
				// The six sizes recorded sandbox catalogs carry.
				urls := map[string]string{}
				for _, w := range []string{"80", "130", "200", "278", "300", "1200"} {
					urls[w+"w-326ppi"] = "https://images.tangotest.invalid/" + it.BrandKey + "-" + w + "w-326ppi.png"
				}
				b.ImageUrls = urls
				b.Status = "active"
				b.BrandRequirements = &brandRequirementsWire{DisplayInstructions: "Show the brand name.", TermsAndConditionsInstructions: "Link the terms.", DisclaimerInstructions: "Show the disclaimer."}
			}
			out.Brands = append(out.Brands, b)
			i = len(out.Brands) - 1
			index[it.BrandKey] = i
		}
		b := &out.Brands[i]
		for _, id := range it.Categories {
			if cat, ok := categoryByID(id); ok && !containsCategory(b.Categories, id) {
				b.Categories = append(b.Categories, cat)
			}
		}
		b.Items = append(b.Items, it.viewX(verbose))
	}
	s.mu.Unlock()
	c.ok(http.StatusOK, out)
}

// eqFold reports whether the filter is empty or equals v, ignoring case.
func eqFold(filter, v string) bool { return filter == "" || strings.EqualFold(filter, v) }

// containsFold reports whether the filter is empty or occurs in v, ignoring case.
func containsFold(v, filter string) bool {
	return filter == "" || strings.Contains(strings.ToLower(v), strings.ToLower(filter))
}

func anyFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
