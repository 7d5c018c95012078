"""Polls: editors write them, young people answer, staff read protected results by area."""
