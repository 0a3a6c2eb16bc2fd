"""Write services of `cpts`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9)."""
