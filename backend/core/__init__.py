"""Shared, small building blocks: settings, errors, logging, database, HTTP caching, pagination."""
