"""Enumerations of `remuneration`."""
