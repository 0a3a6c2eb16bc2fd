"""Write services of `planning`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9)."""
