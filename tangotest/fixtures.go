package tangotest

// The default fixtures every Server starts with (unless WithoutFixtures is given).
// Tests may rely on these names and numbers.
const (
	// DemoCustomer is the fixture customer that owns both fixture accounts.
	DemoCustomer = "demo-customer"
	// DemoAccount is the main fixture account: USD, balance DemoAccountBalance.
	DemoAccount = "demo-account"
	// DemoAccountBalance is DemoAccount's opening balance.
	DemoAccountBalance = "1000.00"
	// SecondAccount is a second USD account of DemoCustomer with a small balance,
	// SecondAccountBalance, handy for insufficient-funds tests.
	SecondAccount = "demo-account-2"
	// SecondAccountBalance is SecondAccount's opening balance.
	SecondAccountBalance = "25.00"

	// UTIDRewardLink is a variable-value USD item ("Reward Link", 0.01 to 2000.00)
	// whose rewards carry a redemption URL.
	UTIDRewardLink = "U561593"
	// UTIDFixedValue is a fixed-value USD gift card with face value 10.00 whose
	// rewards carry a card number and a PIN.
	UTIDFixedValue = "U154092"
	// UTIDInactive is an inactive USD item: orders for it fail with 422.030.
	UTIDInactive = "U000777"
	// UTIDEuro is a variable-value EUR item (5.00 to 500.00). USD accounts buy it at
	// the fixture rate EURPerUSD.
	UTIDEuro = "U720040"
	// EURPerUSD is the fixture baseFx of EUR rewards for USD accounts: one USD buys
	// 0.92 EUR (Tango's direction: reward-currency units per unit of the account's
	// currency). A 20.00 EUR reward costs 20.00 / 0.92 = 21.74 USD.
	EURPerUSD = "0.92"
)

// loadFixtures fills a new server with the default state.
func (s *Server) loadFixtures() error {
	steps := []func() error{
		func() error { return s.AddCustomer(DemoCustomer, "Demo Customer") },
		func() error { return s.AddAccount(DemoCustomer, DemoAccount, "USD", DemoAccountBalance) },
		func() error { return s.AddAccount(DemoCustomer, SecondAccount, "USD", SecondAccountBalance) },
		func() error {
			return s.AddItem(Item{UTID: UTIDRewardLink, RewardName: "Reward Link", BrandKey: "B000001",
				BrandName: "Tango Reward Link", RewardType: "reward link", MinValue: "0.01", MaxValue: "2000.00"})
		},
		func() error {
			return s.AddItem(Item{UTID: UTIDFixedValue, RewardName: "Example Cinema Gift Card $10.00", BrandKey: "B000002",
				BrandName: "Example Cinema", ValueType: ValueTypeFixed, FaceValue: "10.00", Credential: CredentialCardNumber})
		},
		func() error {
			return s.AddItem(Item{UTID: UTIDInactive, RewardName: "Retired Gift Card", BrandKey: "B000003",
				BrandName: "Retired Brand", MinValue: "1.00", MaxValue: "100.00", Inactive: true})
		},
		func() error {
			return s.AddItem(Item{UTID: UTIDEuro, RewardName: "Example Euro Gift Card", BrandKey: "B000004",
				BrandName: "Example Euro Store", CurrencyCode: "EUR", MinValue: "5.00", MaxValue: "500.00",
				Countries: []string{"DE", "FR"}, Credential: CredentialCardNumber})
		},
		func() error { return s.SetExchangeRate("EUR", "USD", EURPerUSD) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}
