"""Admin of `regulation` for support staff (read-mostly)."""
