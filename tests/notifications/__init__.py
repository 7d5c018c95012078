"""The inbox, opens, and alert topic subscriptions (issue 13)."""
