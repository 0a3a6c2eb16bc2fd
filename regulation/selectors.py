"""Read selectors of `regulation`, scoped by territory (STYLE.md 10)."""
