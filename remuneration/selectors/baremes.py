"""Barèmes in force (DOMAIN.md §7 intro: "a fact is paid with the barème in force on its date")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from remuneration.enums import BaremeCode
from remuneration.exceptions import BaremeGapError
from remuneration.models import Bareme


@dataclass(frozen=True)
class BaremeRow:
    """A barème row as plain data, for the pure rules (``remuneration.rules``)."""

    id: int
    code: str
    amount: Decimal | None
    tiers: tuple
    valid_from: dt.date
    valid_to: dt.date | None
    provisional: bool
    source: str

    def covers(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def for_size(self, size: int) -> Decimal | None:
        """The amount of an ACI table for a CPTS size (``None``: no amount for that size)."""
        for tier in self.tiers:
            if int(tier.get("size", 0)) == size:
                return Decimal(str(tier["amount"]))
        return None


def _row(bareme: Bareme) -> BaremeRow:
    return BaremeRow(
        id=bareme.pk,
        code=bareme.code,
        amount=bareme.amount,
        tiers=tuple(bareme.tiers or ()),
        valid_from=bareme.valid_from,
        valid_to=bareme.valid_to,
        provisional=bareme.provisional,
        source=bareme.source,
    )


def _label(code: str) -> str:
    try:
        return BaremeCode(code).label
    except ValueError:
        return code


def gap_error(code: str, on: dt.date) -> BaremeGapError:
    return BaremeGapError(
        f"Aucun barème en vigueur pour « {_label(code)} » au {on:%d/%m/%Y} : ce dispositif a pu prendre fin. "
        "Un administrateur de la plateforme doit ajouter une ligne de barème datée ; rien n'a été enregistré.",
        extra={"rule": code, "date": on.isoformat()},
    )


def bareme_rows(code: str) -> list[BaremeRow]:
    """Every row of a rule, oldest first (one query; the rules then pick by date in memory)."""
    return [_row(b) for b in Bareme.objects.filter(code=code).order_by("valid_from")]


def pick_row(rows: list[BaremeRow], code: str, on: dt.date) -> BaremeRow:
    """The row of ``rows`` in force on ``on``, or a French :class:`BaremeGapError` naming the rule and date."""
    for row in rows:
        if row.covers(on):
            return row
    raise gap_error(code, on)


def bareme_in_force(code: str, on_date: dt.date) -> BaremeRow:
    """THE barème row of rule ``code`` in force on ``on_date`` (inclusive bounds).

    Raises :class:`BaremeGapError` (French message naming the rule and the date) when none is:
    e.g. indicator 8 after 31/12/2025 (DOMAIN.md §7.1: the scheme may have ended).
    """
    bareme = (
        Bareme.objects.filter(code=code, valid_from__lte=on_date)
        .exclude(valid_to__lt=on_date)
        .order_by("-valid_from")
        .first()
    )
    if bareme is None:
        raise gap_error(code, on_date)
    return _row(bareme)


def baremes_list(*, code: str | None = None, on: dt.date | None = None) -> QuerySet[Bareme]:
    qs = Bareme.objects.select_related("confirmed_by").order_by("code", "valid_from")
    if code:
        qs = qs.filter(code=code)
    if on:
        qs = qs.filter(valid_from__lte=on).exclude(valid_to__lt=on)
    return qs
