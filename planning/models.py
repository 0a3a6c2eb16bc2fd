"""Models of `planning` (WHEN)."""
