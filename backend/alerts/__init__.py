"""Alerts: push campaigns through Firebase Cloud Messaging (delivery layer in fcm.py and messages.py)."""
