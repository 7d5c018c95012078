"""Accounts: Firebase sign-in mapped to our records, roles, scopes, and their administration."""
