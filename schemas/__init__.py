"""The API contract: request and response models. Imports nothing from `backend/`."""
