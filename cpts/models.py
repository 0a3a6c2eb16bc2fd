"""Models of `cpts` (WHO)."""
