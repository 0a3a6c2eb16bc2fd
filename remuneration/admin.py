"""Admin of `remuneration` for support staff (read-mostly)."""
