"""Hamqadam backend: the API behind the safe-migration youth companion app."""
