"""Enumerations of `regulation`."""
