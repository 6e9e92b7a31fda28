"""pytest plugin of intercom-contracts (grows with the suite)."""
