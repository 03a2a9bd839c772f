package tangotest

import "strings"

// The catalog fields added after the first version of the fake: brand categories
// and requirements, item attributes, quantity constraints and fees. The types
// extend the base wire types by embedding; a field declared here wins over the
// embedded one of the same JSON name.

// itemAttributes are the deliveries an item can support.
var itemAttributes = []string{"EMAIL", "PHONE", "ADDRESS", "EMBEDDED"}

// catalogWireX is the GET /catalogs answer.
type catalogWireX struct {
	catalogWire
	Brands []brandWireX `json:"brands"`
}

// brandWireX is a brand with its categories and requirements.
type brandWireX struct {
	brandWire
	BrandRequirements *brandRequirementsWire `json:"brandRequirements,omitempty"`
	Categories        []categoryWire         `json:"categories"`
	Items             []itemWireX            `json:"items"`
}

// brandRequirementsWire is a brand's display rules (verbose catalogs only).
type brandRequirementsWire struct {
	DisplayInstructions            string `json:"displayInstructions"`
	TermsAndConditionsInstructions string `json:"termsAndConditionsInstructions"`
	DisclaimerInstructions         string `json:"disclaimerInstructions"`
	AlwaysShowDisclaimer           bool   `json:"alwaysShowDisclaimer"`
}

// categoryWire is a brand category.
type categoryWire struct {
	Identifier  string `json:"identifier"`
	Description string `json:"description"`
}

// itemWireX is an item with its attributes, constraints and fee.
type itemWireX struct {
	itemWire
	IsExpirable         bool                    `json:"isExpirable"`
	QuantityConstraints quantityConstraintsWire `json:"quantityConstraints"`
	Fee                 feeWire                 `json:"fee"`
	Attributes          []string                `json:"attributes"`
}

// quantityConstraintsWire bounds the quantity per order line.
type quantityConstraintsWire struct {
	MinQuantity int `json:"minQuantity"`
	MaxQuantity int `json:"maxQuantity"`
}

// feeWire is an item's cost adjustment.
type feeWire struct {
	Type  string `json:"type"`
	Value int    `json:"value"`
}

// viewX renders the item with the added fields.
func (it *item) viewX(verbose bool) itemWireX {
	return itemWireX{
		itemWire:            it.view(verbose),
		QuantityConstraints: quantityConstraintsWire{MinQuantity: 1, MaxQuantity: 1},
		Fee:                 feeWire{Type: "PERCENTAGE", Value: 0},
		Attributes:          append([]string(nil), it.Attributes...),
	}
}

// overlapFold reports whether the two lists share a value, ignoring case.
func overlapFold(a, b []string) bool {
	for _, x := range a {
		if anyFold(b, x) {
			return true
		}
	}
	return false
}

// containsCategory reports whether list holds the category id.
func containsCategory(list []categoryWire, id string) bool {
	for _, c := range list {
		if strings.EqualFold(c.Identifier, id) {
			return true
		}
	}
	return false
}
