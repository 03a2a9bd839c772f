package tango

// The services a Client exposes, go-github style: each groups the endpoints of one
// part of Tango's API and shares the client's pipeline. Their methods live in the
// file of their resource (customers.go, accounts.go, catalog.go, ...).

// service is the one value every service of a Client shares, as go-github's do:
// each XService type is a service, and each service field of the Client points
// at the Client's common value, converted to its type. A service holds nothing
// but the client, so one value serves them all.
type service struct{ c *Client }

// CustomersService manages customers: GET/POST /customers, GET /customers/{id}.
type CustomersService service

// AccountsService manages accounts: /accounts and /customers/{id}/accounts.
type AccountsService service

// CatalogService reads the reward catalog: GET /catalogs and the choice product
// catalogs.
type CatalogService service

// FundingService moves money into and between accounts: credit cards, deposits,
// unregistering cards and transfers.
type FundingService service

// LineItemsService reads and acts on line items (one reward each): /lineItems.
type LineItemsService service

// TemplatesService manages email templates: /digitalTemplates.
type TemplatesService service

// LowBalanceAlertsService manages an account's low balance alerts:
// /customers/{c}/accounts/{a}/lowbalance.
type LowBalanceAlertsService service

// ReferenceService reads Tango's reference data: choice products, brand
// categories, reward and mobile countries, credential types and exchange rates.
type ReferenceService service

// WebhooksService manages webhook subscriptions: /webhooks. Receiving the
// events is the webhook package's job.
type WebhooksService service

// initServices points the client's service fields at its common value.
func (c *Client) initServices() {
	c.common.c = c
	c.Orders = (*OrdersService)(&c.common)
	c.Customers = (*CustomersService)(&c.common)
	c.Accounts = (*AccountsService)(&c.common)
	c.Catalog = (*CatalogService)(&c.common)
	c.Funding = (*FundingService)(&c.common)
	c.LineItems = (*LineItemsService)(&c.common)
	c.Templates = (*TemplatesService)(&c.common)
	c.LowBalanceAlerts = (*LowBalanceAlertsService)(&c.common)
	c.Reference = (*ReferenceService)(&c.common)
	c.AsyncOrders = (*AsyncOrdersService)(&c.common)
	c.Webhooks = (*WebhooksService)(&c.common)
}

// The client's own services, through the common value: scopes and the doctor
// use these, so that a caller who reassigns an exported field (a test double,
// say) cannot lead a scope past its checks.
func (c *Client) ordersService() *OrdersService     { return (*OrdersService)(&c.common) }
func (c *Client) accountsService() *AccountsService { return (*AccountsService)(&c.common) }
func (c *Client) fundingService() *FundingService   { return (*FundingService)(&c.common) }
func (c *Client) lineItemsService() *LineItemsService {
	return (*LineItemsService)(&c.common)
}
func (c *Client) lowBalanceAlertsService() *LowBalanceAlertsService {
	return (*LowBalanceAlertsService)(&c.common)
}
func (c *Client) webhooksService() *WebhooksService { return (*WebhooksService)(&c.common) }
