package tango

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ItemStatus is the state of a catalog item or brand, as Tango writes it
// (lowercase). It is a string type so that statuses Tango adds later still decode.
type ItemStatus string

// Catalog statuses Tango documents.
const (
	ItemActive   ItemStatus = "active"
	ItemInactive ItemStatus = "inactive"
	ItemTest     ItemStatus = "test"
	ItemDeleted  ItemStatus = "deleted"
)

// ValueType says how an item is priced.
type ValueType string

// Value types Tango documents.
const (
	// FixedValue items have one face value: the order amount must equal FaceValue.
	FixedValue ValueType = "FIXED_VALUE"
	// VariableValue items take any amount from MinValue to MaxValue.
	VariableValue ValueType = "VARIABLE_VALUE"
)

// RewardType is the kind of reward an item is ("gift card", "reward link", ...).
// It is a string type so that types Tango adds later still decode.
type RewardType string

// Reward types Tango documents (also the values of the rewardType filter).
const (
	RewardTypeAll              RewardType = "all"
	RewardTypeGiftCard         RewardType = "gift card"
	RewardTypePromo            RewardType = "promo"
	RewardTypeDonation         RewardType = "donation"
	RewardTypeRewardLink       RewardType = "reward link"
	RewardTypePaymentACH       RewardType = "payment ach"
	RewardTypePaymentCard      RewardType = "payment card"
	RewardTypeReporting        RewardType = "reporting"
	RewardTypePayPal           RewardType = "payment-paypal"
	RewardTypeOpenLoop         RewardType = "tango open loop"
	RewardTypeCashEquivalent   RewardType = "cash equivalent"
	RewardTypePhysicalGiftCard RewardType = "physical gift card"
)

// ItemAttribute is a delivery an item supports (EMAIL, PHONE, ADDRESS, EMBEDDED).
type ItemAttribute string

// Item attributes Tango documents.
const (
	AttributeEmail    ItemAttribute = "EMAIL"
	AttributePhone    ItemAttribute = "PHONE"
	AttributeAddress  ItemAttribute = "ADDRESS"
	AttributeEmbedded ItemAttribute = "EMBEDDED"
)

// FulfillmentType is DIGITAL or PHYSICAL.
//
// Deprecated: Tango deprecated fulfillment types; use ItemAttribute.
type FulfillmentType string

// Fulfillment types.
//
// Deprecated: Tango deprecated fulfillment types; use ItemAttribute.
const (
	FulfillmentDigital  FulfillmentType = "DIGITAL"
	FulfillmentPhysical FulfillmentType = "PHYSICAL"
)

// Catalog is the platform's catalog: brands and the items (UTIDs) under them
// (Tango's CatalogViewVerbose).
type Catalog struct {
	// CatalogName names the catalog.
	CatalogName string `json:"catalogName"`
	// Brands lists the brands with their items.
	Brands []*Brand `json:"brands"`
	// RequestID is Tango's X-REQUEST-ID of the answer.
	RequestID string `json:"-"`
}

// setRequestID records the X-REQUEST-ID of the answer (see sendDecoded).
func (c *Catalog) setRequestID(id string) { c.RequestID = id }

// Brand is a brand of the catalog with its items.
type Brand struct {
	// BrandKey identifies the brand ("B916708").
	BrandKey string `json:"brandKey"`
	// BrandName is the brand's display name.
	BrandName string `json:"brandName"`
	// Disclaimer, Description, ShortDescription and Terms are the brand's texts
	// (verbose catalogs only). They may hold HTML: sanitize before rendering.
	Disclaimer       string `json:"disclaimer,omitempty"`
	Description      string `json:"description,omitempty"`
	ShortDescription string `json:"shortDescription,omitempty"`
	Terms            string `json:"terms,omitempty"`
	// CreatedDate and LastUpdateDate date the brand.
	CreatedDate    time.Time `json:"createdDate"`
	LastUpdateDate time.Time `json:"lastUpdateDate"`
	// BrandRequirements says what the brand requires of a display (verbose only).
	BrandRequirements *BrandRequirements `json:"brandRequirements,omitempty"`
	// ImageURLs maps an image size ("300w-326ppi") to its URL (verbose only).
	ImageURLs map[string]string `json:"imageUrls,omitempty"`
	// Status is the brand's state (verbose only).
	Status ItemStatus `json:"status,omitempty"`
	// BarcodeType is the brand's barcode type code, if any.
	BarcodeType string `json:"barcodeType,omitempty"`
	// Categories lists the brand's categories.
	Categories []BrandCategory `json:"categories,omitempty"`
	// Items lists the brand's items.
	Items []*Item `json:"items"`
}

// BrandRequirements are a brand's display rules.
type BrandRequirements struct {
	DisplayInstructions            string `json:"displayInstructions,omitempty"`
	TermsAndConditionsInstructions string `json:"termsAndConditionsInstructions,omitempty"`
	DisclaimerInstructions         string `json:"disclaimerInstructions,omitempty"`
	AlwaysShowDisclaimer           bool   `json:"alwaysShowDisclaimer"`
}

// BrandCategory is a category of brands (GET /brandCategories; a brand's
// categories).
type BrandCategory struct {
	// Identifier is the category's UUID; filter catalogs with it (CategoryIDs).
	Identifier string `json:"identifier"`
	// Description names the category.
	Description string `json:"description"`
}

// Item is one reward of the catalog, identified by its UTID (Tango's
// ItemViewVerbose). Money fields are exact decimals; absent ones are nil.
type Item struct {
	// UTID identifies the item in orders ("U561593").
	UTID string `json:"utid"`
	// RewardName is the item's display name.
	RewardName string `json:"rewardName"`
	// CurrencyCode is the reward's currency.
	CurrencyCode string `json:"currencyCode"`
	// Status is the item's state; only active items can be ordered.
	Status ItemStatus `json:"status"`
	// ValueType says whether the item has a fixed face value or a range.
	ValueType ValueType `json:"valueType"`
	// RewardType is the kind of reward.
	RewardType RewardType `json:"rewardType"`
	// IsExpirable says whether the reward expires.
	IsExpirable bool `json:"isExpirable"`
	// QuantityConstraints bounds how many of the item one order line may hold.
	QuantityConstraints *QuantityConstraints `json:"quantityConstraints,omitempty"`
	// IsWholeAmountValueRequired says that amounts must be whole (no cents).
	IsWholeAmountValueRequired bool `json:"isWholeAmountValueRequired"`
	// ExchangeRateRule describes how a cross-currency order is converted.
	ExchangeRateRule string `json:"exchangeRateRule,omitempty"`
	// MinValue and MaxValue bound a variable item's amount.
	MinValue *Amount `json:"minValue,omitempty"`
	MaxValue *Amount `json:"maxValue,omitempty"`
	// FaceValue is a fixed item's only amount.
	FaceValue *Amount `json:"faceValue,omitempty"`
	// Fee is what Tango adds to the item's price, if anything.
	Fee *ItemFee `json:"fee,omitempty"`
	// CreatedDate and LastUpdateDate date the item.
	CreatedDate    time.Time `json:"createdDate"`
	LastUpdateDate time.Time `json:"lastUpdateDate"`
	// Countries lists where the reward can be redeemed (ISO codes).
	Countries []string `json:"countries,omitempty"`
	// CredentialTypes lists the credentials a reward of this item carries
	// ("redemptionUrl", "cardNumber", "pin", ...).
	CredentialTypes []string `json:"credentialTypes,omitempty"`
	// RedemptionInstructions is HTML from the brand: sanitize before rendering.
	RedemptionInstructions string `json:"redemptionInstructions,omitempty"`
	// FulfillmentType is DIGITAL or PHYSICAL.
	//
	// Deprecated: Tango deprecated fulfillmentType; use Attributes.
	FulfillmentType FulfillmentType `json:"fulfillmentType,omitempty"`
	// Attributes lists the deliveries the item supports.
	Attributes []ItemAttribute `json:"attributes,omitempty"`
	// ItemAvailability reports an item that is temporarily unavailable, when
	// Tango says so.
	ItemAvailability *ItemAvailability `json:"itemAvailability,omitempty"`
}

// QuantityConstraints bounds the quantity of an item per order line.
type QuantityConstraints struct {
	MinQuantity int `json:"minQuantity"`
	MaxQuantity int `json:"maxQuantity"`
}

// ItemFee is a cost adjustment Tango applies to an item.
type ItemFee struct {
	// Type says how Value applies (a flat amount or a percentage).
	Type string `json:"type,omitempty"`
	// Value is the fee, exact.
	Value Amount `json:"value"`
}

// ItemAvailability describes an availability problem of an item.
type ItemAvailability struct {
	ItemAvailabilityStatus string `json:"itemAvailabilityStatus,omitempty"`
	Note                   string `json:"note,omitempty"`
	ResolutionDate         string `json:"resolutionDate,omitempty"`
	StatusPageURL          string `json:"statusPageUrl,omitempty"`
	LastModifiedDate       string `json:"lastModifiedDate,omitempty"`
}

// CatalogItem is an item found in a catalog, with the brand it belongs to.
type CatalogItem struct {
	Brand *Brand
	Item  *Item
}

// Items ranges over every item of the catalog with its brand, in Tango's order.
func (c *Catalog) Items() iter.Seq2[*Brand, *Item] {
	return func(yield func(*Brand, *Item) bool) {
		if c == nil {
			return
		}
		for _, b := range c.Brands {
			if b == nil {
				continue
			}
			for _, it := range b.Items {
				if it != nil && !yield(b, it) {
					return
				}
			}
		}
	}
}

// Find returns the item with the given utid (compared without regard to case)
// and its brand, or false when the catalog has none.
func (c *Catalog) Find(utid string) (CatalogItem, bool) {
	for b, it := range c.Items() {
		if strings.EqualFold(it.UTID, utid) {
			return CatalogItem{Brand: b, Item: it}, true
		}
	}
	return CatalogItem{}, false
}

// CatalogParams filters GET /catalogs and GET /choiceProducts/{utid}/catalog.
// Zero fields are left out: the whole catalog, verbose.
type CatalogParams struct {
	// Brief leaves out the verbose brand fields (status, disclaimer, description,
	// shortDescription, terms, brandRequirements, imageUrls): it sends
	// verbose=false.
	Brief bool
	// BrandKey, BrandName, UTID and RewardName select brands and items.
	BrandKey   string
	BrandName  string
	UTID       string
	RewardName string
	// CurrencyCode selects items in a currency.
	CurrencyCode string
	// Country selects items redeemable in a country (ISO code).
	Country string
	// Status selects items with a status.
	Status ItemStatus
	// RewardTypes selects items of any of these types.
	RewardTypes []RewardType
	// ItemAttributes selects items that support any of these deliveries.
	ItemAttributes []ItemAttribute
	// CategoryIDs selects brands in any of these categories (UUIDs, see
	// ReferenceService.BrandCategories).
	CategoryIDs []string
	// FulfillmentTypes selects DIGITAL or PHYSICAL items.
	//
	// Deprecated: Tango deprecated the fulfillmentType filter; use ItemAttributes.
	FulfillmentTypes []FulfillmentType
}

// query encodes the filters with Tango's parameter names.
func (p *CatalogParams) query() url.Values {
	q := listQuery{url.Values{}}
	if p.Brief {
		q.Set("verbose", "false")
	}
	q.str("brandKey", p.BrandKey)
	q.str("brandName", p.BrandName)
	q.str("utid", p.UTID)
	q.str("rewardName", p.RewardName)
	q.str("currencyCode", p.CurrencyCode)
	q.str("country", p.Country)
	q.str("status", string(p.Status))
	q.strs("rewardType", stringsOf(p.RewardTypes))
	q.strs("itemAttribute", stringsOf(p.ItemAttributes))
	q.strs("categoryIds", p.CategoryIDs)
	q.strs("fulfillmentType", stringsOf(p.FulfillmentTypes))
	return q.Values
}

// stringsOf converts a list of string-typed enums to plain strings.
func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Get fetches the platform's catalog (GET /catalogs); params may be nil.
//
// Tango asks platforms to call this at most twice a day, never once per order:
// keep the result, or use a CatalogCache, which refreshes it on a schedule.
func (s *CatalogService) Get(ctx context.Context, params *CatalogParams) (*Catalog, error) {
	var p CatalogParams
	if params != nil {
		p = *params
	}
	return s.fetch(ctx, "/catalogs", &p)
}

// ChoiceProductCatalog fetches the brands and items a choice product (such as a
// Reward Link) lets its recipient choose from
// (GET /choiceProducts/{choiceProductUtid}/catalog); params may be nil and
// filter the same way as for Get.
func (s *CatalogService) ChoiceProductCatalog(ctx context.Context, choiceProductUTID string, params *CatalogParams) (*Catalog, error) {
	var v validator
	v.utid("choiceProductUtid", choiceProductUTID)
	if err := v.err(); err != nil {
		return nil, err
	}
	var p CatalogParams
	if params != nil {
		p = *params
	}
	return s.fetch(ctx, "/choiceProducts/"+url.PathEscape(choiceProductUTID)+"/catalog", &p)
}

// fetch reads a catalog at path.
func (s *CatalogService) fetch(ctx context.Context, path string, p *CatalogParams) (*Catalog, error) {
	var v validator
	p.validate(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := newRequest(http.MethodGet, path, p.query(), nil, retryRead)
	if err != nil {
		return nil, err
	}
	return sendDecoded[Catalog](ctx, s.c, r)
}

// FindItem looks one item up by its utid, with its brand. It asks Tango for the
// catalog filtered to that utid (GET /catalogs?utid=...), so it is a catalog call
// like any other: for lookups per order, use CatalogCache.FindItem instead. An
// item that is not in the catalog gives an error wrapping ErrItemNotFound.
func (s *CatalogService) FindItem(ctx context.Context, utid string) (CatalogItem, error) {
	var v validator
	v.utid("utid", utid)
	if err := v.err(); err != nil {
		return CatalogItem{}, err
	}
	cat, err := s.fetch(ctx, "/catalogs", &CatalogParams{UTID: utid})
	if err != nil {
		return CatalogItem{}, err
	}
	found, ok := cat.Find(utid)
	if !ok {
		return CatalogItem{}, fmt.Errorf("%w: %s", ErrItemNotFound, utid)
	}
	return found, nil
}
