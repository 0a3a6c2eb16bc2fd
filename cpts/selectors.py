"""Read selectors of `cpts`, scoped by territory (STYLE.md 10)."""
