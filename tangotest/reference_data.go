package tangotest

import "strings"

// The fake's reference data: brand categories, reward countries, mobile
// countries and credential types. Tango's real lists are longer; these are
// enough to exercise clients.

// Brand categories the fake knows. Give them to Item.Categories.
const (
	// CategoryGiftCards is the "Gift Cards" brand category.
	CategoryGiftCards = "2a6e1c43-6d0b-4f36-9b64-3c1e5f7d8a01"
	// CategoryDining is the "Dining" brand category.
	CategoryDining = "7c1d9e20-54a8-4b1f-8e3a-9f0b2c4d6e02"
	// CategoryEntertainment is the "Entertainment" brand category.
	CategoryEntertainment = "b3f47a91-0e2c-4d65-a7b8-1c2d3e4f5a03"
	// CategoryDonations is the "Charity and Donations" brand category.
	CategoryDonations = "e8a2b6c4-1f3d-4e5a-9b7c-0d1e2f3a4b04"
)

// categories returns the brand categories, in a fresh slice.
func categories() []categoryWire {
	return []categoryWire{
		{CategoryGiftCards, "Gift Cards"},
		{CategoryDining, "Dining"},
		{CategoryEntertainment, "Entertainment"},
		{CategoryDonations, "Charity and Donations"},
	}
}

// categoryByID finds a brand category, ignoring case.
func categoryByID(id string) (categoryWire, bool) {
	for _, c := range categories() {
		if strings.EqualFold(c.Identifier, id) {
			return c, true
		}
	}
	return categoryWire{}, false
}

// countryWire is a reward country (CountryViewSummary).
type countryWire struct {
	TwoLetterCode     string `json:"twoLetterCode"`
	ThreeLetterCode   string `json:"threeLetterCode"`
	CountryName       string `json:"countryName"`
	PreferredCurrency string `json:"preferredCurrency"`
}

// rewardCountries returns the countries choice products can be fulfilled in.
func rewardCountries() []countryWire {
	return []countryWire{
		{"AU", "AUS", "Australia", "AUD"},
		{"CA", "CAN", "Canada", "CAD"},
		{"DE", "DEU", "Germany", "EUR"},
		{"FR", "FRA", "France", "EUR"},
		{"GB", "GBR", "United Kingdom", "GBP"},
		{"MX", "MEX", "Mexico", "MXN"},
		{"PL", "POL", "Poland", "PLN"},
		{"SG", "SGP", "Singapore", "SGD"},
		{"US", "USA", "United States", "USD"},
	}
}

// mobileCountryWire is a country rewards can be sent to by text message
// (MobileCountryView).
type mobileCountryWire struct {
	IsoCode      string `json:"isoCode"`
	CountryName  string `json:"countryName"`
	CountryCode  string `json:"countryCode"`
	LanguageCode string `json:"languageCode"`
}

// mobileCountries returns the countries for mobile delivery.
func mobileCountries() []mobileCountryWire {
	return []mobileCountryWire{
		{"US", "United States", "1", "en"},
		{"CA", "Canada", "1", "en"},
		{"GB", "United Kingdom", "44", "en"},
		{"MX", "Mexico", "52", "es"},
	}
}

// credentialTypeWire is a credential type (CredentialTypeView).
type credentialTypeWire struct {
	CredentialType string `json:"credentialType"`
	Description    string `json:"description"`
}

// credentialTypes returns the credential types rewards can carry.
func credentialTypes() []credentialTypeWire {
	return []credentialTypeWire{
		{"barcodeNumber", "The number encoded in a barcode"},
		{"barcodeUrl", "A link to a barcode image"},
		{"cardNumber", "A gift card number"},
		{"claimCode", "A code to claim the reward"},
		{"cvc2", "A card verification code"},
		{"expirationDate", "The date the reward expires"},
		{"pin", "A personal identification number"},
		{"redemptionUrl", "A link to redeem the reward"},
		{"securityCode", "A security code"},
	}
}
