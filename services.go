package tango

// The services a Client exposes, go-github style: each groups the endpoints of one
// part of Tango's API and shares the client's pipeline. Their methods live in the
// file of their resource (customers.go, accounts.go, catalog.go, ...).

// CustomersService manages customers: GET/POST /customers, GET /customers/{id}.
type CustomersService struct{ c *Client }

// AccountsService manages accounts: /accounts and /customers/{id}/accounts.
type AccountsService struct{ c *Client }

// CatalogService reads the reward catalog: GET /catalogs and the choice product
// catalogs.
type CatalogService struct{ c *Client }

// FundingService moves money into and between accounts: credit cards, deposits,
// unregistering cards and transfers.
type FundingService struct{ c *Client }

// LineItemsService reads and acts on line items (one reward each): /lineItems.
type LineItemsService struct{ c *Client }

// TemplatesService manages email templates: /digitalTemplates.
type TemplatesService struct{ c *Client }

// LowBalanceAlertsService manages an account's low balance alerts:
// /customers/{c}/accounts/{a}/lowbalance.
type LowBalanceAlertsService struct{ c *Client }

// ReferenceService reads Tango's reference data: choice products, brand
// categories, reward and mobile countries, credential types and exchange rates.
type ReferenceService struct{ c *Client }

// WebhooksService manages webhook subscriptions: /webhooks. Receiving the
// events is the webhook package's job.
type WebhooksService struct{ c *Client }

// services holds the service values a Client's exported fields point to.
type services struct {
	orders           OrdersService
	customers        CustomersService
	accounts         AccountsService
	catalog          CatalogService
	funding          FundingService
	lineItems        LineItemsService
	templates        TemplatesService
	lowBalanceAlerts LowBalanceAlertsService
	reference        ReferenceService
	asyncOrders      AsyncOrdersService
	webhooks         WebhooksService
}

// initServices points the client's service fields at the client.
func (c *Client) initServices() {
	c.svc = services{
		orders:           OrdersService{c},
		customers:        CustomersService{c},
		accounts:         AccountsService{c},
		catalog:          CatalogService{c},
		funding:          FundingService{c},
		lineItems:        LineItemsService{c},
		templates:        TemplatesService{c},
		lowBalanceAlerts: LowBalanceAlertsService{c},
		reference:        ReferenceService{c},
		asyncOrders:      AsyncOrdersService{c},
		webhooks:         WebhooksService{c},
	}
	c.Orders = &c.svc.orders
	c.Customers = &c.svc.customers
	c.Accounts = &c.svc.accounts
	c.Catalog = &c.svc.catalog
	c.Funding = &c.svc.funding
	c.LineItems = &c.svc.lineItems
	c.Templates = &c.svc.templates
	c.LowBalanceAlerts = &c.svc.lowBalanceAlerts
	c.Reference = &c.svc.reference
	c.AsyncOrders = &c.svc.asyncOrders
	c.Webhooks = &c.svc.webhooks
}
