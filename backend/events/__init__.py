"""Field events: offline-safe planning and sync, turnout reports, review, photos, check-in codes, export."""
