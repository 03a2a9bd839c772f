package tangotest

import "encoding/json"

// The fake's own JSON shapes, written from Tango's reference and kept apart from the
// SDK's models on purpose: when the two disagree on a field name, tests fail.

// errorInfo is Tango's error body.
type errorInfo struct {
	Timestamp  string `json:"timestamp"`
	RequestID  string `json:"requestId"`
	Path       string `json:"path"`
	HTTPCode   int    `json:"httpCode"`
	HTTPPhrase string `json:"httpPhrase"`
	I18nKey    string `json:"i18nKey,omitempty"`
	Message    string `json:"message,omitempty"`
	// I18nTokenReplacements fills the message's placeholders (ErrorDTO's field).
	I18nTokenReplacements []string         `json:"i18nTokenReplacements,omitempty"`
	Errors                []fieldErrorInfo `json:"errors,omitempty"`
}

// fieldErrorInfo is one entry of errorInfo.Errors.
type fieldErrorInfo struct {
	Path         string `json:"path"`
	I18nKey      string `json:"i18nKey"`
	Message      string `json:"message"`
	InvalidValue any    `json:"invalidValue,omitempty"`
	Constraint   string `json:"constraint,omitempty"`
}

// tokenResponse is the token endpoint's success body.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// tokenError is the token endpoint's error body (the Auth0 shape).
type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// moneyView is Tango's MoneyView.
type moneyView struct {
	Value        json.Number `json:"value"`
	CurrencyCode string      `json:"currencyCode"`
	ExchangeRate json.Number `json:"exchangeRate"`
	Fee          json.Number `json:"fee"`
	Total        json.Number `json:"total"`
}

// marginView is an order's marginShare: recorded sandbox orders carry
// {"value": 0, "currencyCode": "USD"}, though Tango's current reference omits it.
type marginView struct {
	Value        json.Number `json:"value"`
	CurrencyCode string      `json:"currencyCode"`
}

// nameEmail is a sender: first and last name, email.
type nameEmail struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// addressWire is a recipient's postal address.
type addressWire struct {
	CompanyName     string `json:"companyName,omitempty"`
	StreetLine1     string `json:"streetLine1,omitempty"`
	StreetLine2     string `json:"streetLine2,omitempty"`
	City            string `json:"city,omitempty"`
	StateOrProvince string `json:"stateOrProvince,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
	Country         string `json:"country,omitempty"`
}

// recipientWire is an order's recipient, in requests and responses.
type recipientWire struct {
	Email        string       `json:"email"`
	FirstName    string       `json:"firstName"`
	LastName     string       `json:"lastName"`
	MobileNumber *string      `json:"mobileNumber,omitempty"`
	Address      *addressWire `json:"address,omitempty"`
}

// credentialWire is one entry of reward.credentialList.
type credentialWire struct {
	Label          string `json:"label"`
	Value          string `json:"value"`
	Type           string `json:"type"`
	CredentialType string `json:"credentialType"`
}

// rewardWire is an order's reward: its credentials and how to redeem them.
type rewardWire struct {
	Credentials            map[string]string `json:"credentials"`
	CredentialList         []credentialWire  `json:"credentialList"`
	RedemptionInstructions string            `json:"redemptionInstructions"`
}

// orderWire is an order as Tango shows it. The POST /orders answer
// (OrderViewSummary), GET /orders/{id} (OrderViewVerbose) and the rows of GET /orders
// (OrderListItemView, which carry no reward) are all built from it.
type orderWire struct {
	ReferenceOrderID    string        `json:"referenceOrderID"`
	ReferenceLineItemID string        `json:"referenceLineItemID"`
	ExternalRefID       string        `json:"externalRefID"` // required: "" when the order had none
	CustomerIdentifier  string        `json:"customerIdentifier"`
	AccountIdentifier   string        `json:"accountIdentifier"`
	AccountNumber       string        `json:"accountNumber"`
	AmountCharged       moneyView     `json:"amountCharged"`
	Denomination        moneyView     `json:"denomination"`
	MarginShare         marginView    `json:"marginShare"`
	UTID                string        `json:"utid"`
	RewardName          string        `json:"rewardName"`
	Sender              nameEmail     `json:"sender"`
	Recipient           recipientWire `json:"recipient"`
	EmailSubject        string        `json:"emailSubject"`
	Message             string        `json:"message"`
	Etid                string        `json:"etid"`
	SendEmail           bool          `json:"sendEmail"`
	DeliveryMethod      string        `json:"deliveryMethod"`
	Status              string        `json:"status"`
	OrderStatus         string        `json:"orderStatus,omitempty"`
	Campaign            string        `json:"campaign"`
	Notes               string        `json:"notes,omitempty"`
	// OrderExternalRefIDDupe is the undocumented orderExternalRefIdDupe flag of
	// Tango's verbose and list views; the fake never sets it.
	OrderExternalRefIDDupe bool        `json:"orderExternalRefIdDupe"`
	PurchaseOrderNumber    *string     `json:"purchaseOrderNumber,omitempty"`
	CreatedAt              string      `json:"createdAt"`
	Reward                 *rewardWire `json:"reward,omitempty"`
}

// pageView is the page object of GET /orders.
type pageView struct {
	Number           int   `json:"number"`
	ElementsPerBlock int   `json:"elementsPerBlock"`
	ResultCount      int   `json:"resultCount"`
	TotalCount       int64 `json:"totalCount"`
}

// orderListWire is the GET /orders answer.
type orderListWire struct {
	Page   pageView    `json:"page"`
	Orders []orderWire `json:"orders"`
}

// resendWire is the POST /orders/{id}/resends answer.
type resendWire struct {
	ID           int64  `json:"id"`
	CreatedAt    string `json:"createdAt"`
	Email        string `json:"email,omitempty"`
	MobileNumber string `json:"mobileNumber,omitempty"`
}

// accountSummaryWire is an account as listed inside a customer.
type accountSummaryWire struct {
	AccountIdentifier string `json:"accountIdentifier"`
	AccountNumber     string `json:"accountNumber"`
	DisplayName       string `json:"displayName"`
	CreatedAt         string `json:"createdAt"`
	Status            string `json:"status"`
	CurrencyCode      string `json:"currencyCode"`
}

// emailWire is one funding notification address.
type emailWire struct {
	EmailAddress string `json:"emailAddress"`
}

// accountWire is Tango's AccountView.
type accountWire struct {
	AccountIdentifier   string      `json:"accountIdentifier"`
	AccountNumber       string      `json:"accountNumber"`
	DisplayName         string      `json:"displayName"`
	CurrencyCode        string      `json:"currencyCode"`
	CurrentBalance      json.Number `json:"currentBalance"`
	CreatedAt           string      `json:"createdAt"`
	Status              string      `json:"status"`
	ContactEmail        string      `json:"contactEmail,omitempty"`
	FundingNotification []emailWire `json:"fundingNotification,omitempty"`
}

// customerWire is Tango's CustomerViewSummary (accounts omitted for a new customer).
type customerWire struct {
	CustomerIdentifier string                `json:"customerIdentifier"`
	DisplayName        string                `json:"displayName"`
	Status             string                `json:"status"`
	CreatedAt          string                `json:"createdAt"`
	Accounts           *[]accountSummaryWire `json:"accounts,omitempty"`
}

// cursorPageWire is the answer of a list endpoint called with paginate=true.
type cursorPageWire struct {
	NumberOfElements  int    `json:"numberOfElements"`
	MaxResults        int    `json:"maxResults"`
	PrevCursor        string `json:"prevCursor,omitempty"`
	NextCursor        string `json:"nextCursor,omitempty"`
	Items             any    `json:"items"`
	PrevPageAvailable bool   `json:"prevPageAvailable"`
	NextPageAvailable bool   `json:"nextPageAvailable"`
}

// catalogWire is the GET /catalogs answer.
type catalogWire struct {
	CatalogName string      `json:"catalogName"`
	Brands      []brandWire `json:"brands"`
}

// brandWire is one brand of the catalog, with its items. The verbose fields are
// omitted when verbose=false.
type brandWire struct {
	BrandKey         string     `json:"brandKey"`
	BrandName        string     `json:"brandName"`
	Disclaimer       string     `json:"disclaimer,omitempty"`
	Description      string     `json:"description,omitempty"`
	ShortDescription string     `json:"shortDescription,omitempty"`
	Terms            string     `json:"terms,omitempty"`
	CreatedDate      string     `json:"createdDate"`
	LastUpdateDate   string     `json:"lastUpdateDate"`
	ImageUrls        any        `json:"imageUrls,omitempty"`
	Status           string     `json:"status,omitempty"`
	Items            []itemWire `json:"items"`
}

// itemWire is one catalog item.
type itemWire struct {
	UTID                       string       `json:"utid"`
	RewardName                 string       `json:"rewardName"`
	CurrencyCode               string       `json:"currencyCode"`
	Status                     string       `json:"status"`
	ValueType                  string       `json:"valueType"`
	RewardType                 string       `json:"rewardType"`
	FaceValue                  *json.Number `json:"faceValue,omitempty"`
	MinValue                   *json.Number `json:"minValue,omitempty"`
	MaxValue                   *json.Number `json:"maxValue,omitempty"`
	IsWholeAmountValueRequired bool         `json:"isWholeAmountValueRequired"`
	CreatedDate                string       `json:"createdDate"`
	LastUpdateDate             string       `json:"lastUpdateDate"`
	Countries                  []string     `json:"countries"`
	CredentialTypes            []string     `json:"credentialTypes"`
	RedemptionInstructions     string       `json:"redemptionInstructions,omitempty"`
	FulfillmentType            string       `json:"fulfillmentType"`
}
