"""Admin of `planning` for support staff (read-mostly)."""
