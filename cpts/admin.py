"""Admin of `cpts` for support staff (read-mostly)."""
