"""Write services of `remuneration`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9)."""
