"""Barème rows as plain data for the pure rules' tests (the seeded values of DOMAIN.md §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from remuneration.migrations._bareme_seed import ROWS
from remuneration.selectors.baremes import BaremeRow, gap_error


def rows(code: str) -> list[BaremeRow]:
    return [
        BaremeRow(
            id=i,
            code=r["code"],
            amount=Decimal(r["amount"]) if r["amount"] else None,
            tiers=tuple(r["tiers"]),
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            provisional=r["provisional"],
            source=r["source"],
        )
        for i, r in enumerate(ROWS)
        if r["code"] == code
    ]


def tables(on: dt.date) -> dict:
    codes = {r["code"] for r in ROWS if r["code"].startswith("aci_")}
    return {
        code: next(r for r in rows(code) if r.covers(on))
        for code in codes
        if any(r.covers(on) for r in rows(code))
    }


__all__ = ["gap_error", "rows", "tables"]
