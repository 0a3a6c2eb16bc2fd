"""Money: ``Decimal`` euros and the one rounding helper (STYLE.md 12; DOMAIN.md §7)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: Digits and places of every amount column (euros and cents).
MAX_DIGITS = 12
DECIMAL_PLACES = 2
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NARROW_NBSP = "\u202f"


def quantize_eur(value: Decimal | int | str) -> Decimal:
    """Round an amount to the cent, half up (the one rounding helper: never round elsewhere).

    Floats are refused: a float has already lost the cents it claims to hold.
    """
    if isinstance(value, float):
        raise TypeError("Montant en float refusé : utilisez Decimal.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_eur(value: Decimal) -> str:
    """French display: ``1 400,00 €`` (narrow no-break space between thousands)."""
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(quantize_eur(value)):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NARROW_NBSP.join(groups)},{cents}\u00a0€"
