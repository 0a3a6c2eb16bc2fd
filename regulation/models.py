"""Models of `regulation` (THE CALL)."""
