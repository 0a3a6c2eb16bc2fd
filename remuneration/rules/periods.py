"""Bordereau periods: ``2026-11`` (month), ``2026-Q3`` (quarter), ``2026-S2`` (semester), ``2026``
(year); bounds are Paris calendar days (DOMAIN.md §7; STYLE.md 13)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from remuneration.enums import BordereauKind
from remuneration.exceptions import PeriodError

PARIS = ZoneInfo("Europe/Paris")

#: The period each kind of bordereau is computed for (issue 12).
KIND_PERIOD = {
    BordereauKind.REGULATORS: "month",
    BordereauKind.SNP_MRT: "month",
    BordereauKind.INDICATOR_9: "quarter",
    BordereauKind.INDICATOR_8: "year",
    BordereauKind.ACI: "year",
    BordereauKind.PROTOCOLS: "semester",
}
_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "semester": re.compile(r"^(\d{4})-S([12])$"),
    "year": re.compile(r"^(\d{4})$"),
}
_EXAMPLES = {"month": "2026-11", "quarter": "2026-Q3", "semester": "2026-S2", "year": "2026"}


@dataclass(frozen=True)
class Period:
    code: str
    first_day: dt.date
    last_day: dt.date

    @property
    def start(self) -> dt.datetime:
        """First instant, Paris time (aware)."""
        return dt.datetime.combine(self.first_day, dt.time(0, 0), tzinfo=PARIS)

    @property
    def end(self) -> dt.datetime:
        """First instant after the period, Paris time (aware): the bounds are ``[start, end)``."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=PARIS)


def _month_last_day(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def period_parse(kind: str, code: str) -> Period:
    """The period ``code`` of a bordereau of ``kind``, or a French :class:`PeriodError`."""
    try:
        shape = KIND_PERIOD[BordereauKind(kind)]
    except ValueError:
        raise PeriodError(f"Type de bordereau inconnu : « {kind} ».", code="invalid_kind") from None
    match = _PATTERNS[shape].match(code or "")
    if not match:
        raise PeriodError(
            f"Période « {code} » invalide pour ce bordereau : attendu par exemple « {_EXAMPLES[shape]} ».",
            extra={"fields": {"period": [f"Format attendu : {_EXAMPLES[shape]}"]}},
        )
    year = int(match.group(1))
    if shape == "year":
        return Period(code, dt.date(year, 1, 1), dt.date(year, 12, 31))
    n = int(match.group(2))
    months = {"month": (n, n), "quarter": (3 * n - 2, 3 * n), "semester": (6 * n - 5, 6 * n)}[shape]
    return Period(code, dt.date(year, months[0], 1), _month_last_day(year, months[1]))


def quarter_of(moment: dt.datetime) -> str:
    """The quarter of an instant, in Paris time (31/03 23:30 UTC is already Q2 in Paris)."""
    local = moment.astimezone(PARIS)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def previous_period(kind: str, code: str) -> str:
    period = period_parse(kind, code)
    before = period.first_day - dt.timedelta(days=1)
    shape = KIND_PERIOD[BordereauKind(kind)]
    if shape == "month":
        return f"{before.year}-{before.month:02d}"
    if shape == "quarter":
        return f"{before.year}-Q{(before.month - 1) // 3 + 1}"
    if shape == "semester":
        return f"{before.year}-S{1 if before.month <= 6 else 2}"
    return str(before.year)


def iso_week(moment: dt.datetime) -> str:
    """ISO week of an instant, in Paris time (``2026-W45``)."""
    year, week, _ = moment.astimezone(PARIS).isocalendar()
    return f"{year}-W{week:02d}"
