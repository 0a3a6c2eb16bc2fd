"""``{{ amount|eur }}`` → « 1 400,00 € » on every remuneration page, through the one money helper
(``remuneration.money.format_eur``: rounded half up to the cent, thousands apart)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from remuneration.money import format_eur

register = template.Library()


@register.filter
def eur(value) -> str:
    if value is None or value == "":
        return ""
    try:
        return format_eur(Decimal(str(value)))
    except (InvalidOperation, TypeError):
        return str(value)
