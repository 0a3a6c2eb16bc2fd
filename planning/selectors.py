"""Read selectors of `planning`, scoped by territory (STYLE.md 10)."""
