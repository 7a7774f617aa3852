"""Generators of the offline corpus."""
