"""The append-only audit log: role changes, exports, reads of personal data, campaign sends."""
