"""Young people: sign-up with consent, devices, preferences and check-ins."""
