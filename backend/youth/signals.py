"""What young people's records tell the features built on them (connected in backend/registry.py)."""

from backend.core.signals import Signal

# A person's province, first language or status changed (or their erasure began): alerts moves their
# phones' topic at once. Sent with the uid after the profile is stored.
profile_changed: Signal[[str]] = Signal("youth.profile_changed")
