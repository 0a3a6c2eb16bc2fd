"""Enumerations of `cpts`."""
