"""Enumerations of `planning`."""
