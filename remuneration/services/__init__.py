"""Write services of `remuneration`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9)."""

from remuneration.services.baremes import bareme_confirm, bareme_save

__all__ = ["bareme_confirm", "bareme_save"]
