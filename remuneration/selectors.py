"""Read selectors of `remuneration`, scoped by territory (STYLE.md 10)."""
