"""Merchant funds: prepaid balance and a ledger entry for every change."""
