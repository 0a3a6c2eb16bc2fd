"""Regulators' pay: SAS hours at the rate in force on each day (DOMAIN.md §7.5; seed 004).

90 €/h from 01/10/2022 (100 €/h from 11/07 to 30/09/2022; 100 €/h again under the règlement
arbitral of April 2023): rows of the barème ``regulator_hour``. Only hours outside PDSA (split by
regulation when the shift closes) are paid; a shift over midnight is paid day by day, so a shift
across a change of rate is paid at each day's rate. Anomalies block nothing but are listed: a shift
without an end, longer than 12 h, or overlapping another of the same regulator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from remuneration.money import quantize_eur
from remuneration.rules.periods import PARIS

MAX_HOURS = 12


@dataclass(frozen=True)
class ShiftPay:
    day: dt.date
    minutes: int
    hours: Decimal
    rate: Decimal
    amount: Decimal
    provisional: bool
    bareme_id: int


def shift_pay(*, day_minutes: list[tuple[dt.date, int]], rows, gap_error) -> list[ShiftPay]:
    """Pay of one shift from its SAS minutes per day; a day without a rate raises ``gap_error``."""
    result = []
    for day, minutes in day_minutes:
        row = next((r for r in rows if r.covers(day)), None)
        if row is None:
            raise gap_error("regulator_hour", day)
        result.append(
            ShiftPay(
                day=day,
                minutes=minutes,
                hours=quantize_eur(Decimal(minutes) / Decimal(60)),
                rate=quantize_eur(row.amount),
                amount=quantize_eur(Decimal(minutes) * row.amount / Decimal(60)),
                provisional=row.provisional,
                bareme_id=row.id,
            )
        )
    return result


def _label(moment: dt.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def shift_anomalies(shifts) -> list[dict]:
    """Shifts without end, over 12 h, overlapping (same regulator): ``{"code", "message", "facts"}``."""
    anomalies = []
    by_regulator: dict[int, list] = {}
    for shift in shifts:
        if shift.cancelled:
            continue
        who = f"{shift.first_name} {shift.last_name}".strip() or f"régulateur {shift.regulator_id}"
        if shift.end is None:
            anomalies.append(
                {
                    "code": "shift_without_end",
                    "message": f"Garde sans fin : {who}, début {_label(shift.start)}.",
                    "facts": [f"shift:{shift.id}"],
                }
            )
            continue
        if shift.end - shift.start > dt.timedelta(hours=MAX_HOURS):
            hours = (shift.end - shift.start).total_seconds() / 3600
            anomalies.append(
                {
                    "code": "shift_over_12h",
                    "message": f"Garde de {hours:.1f} h (plus de 12 h) : {who}, {_label(shift.start)}.",
                    "facts": [f"shift:{shift.id}"],
                }
            )
        by_regulator.setdefault(shift.regulator_id, []).append(shift)
    for own in by_regulator.values():
        own.sort(key=lambda s: s.start)
        for before, after in pairwise(own):
            if after.start < before.end:
                who = f"{after.first_name} {after.last_name}".strip()
                anomalies.append(
                    {
                        "code": "shift_overlap",
                        "message": f"Gardes qui se chevauchent : {who}, {_label(before.start)} et {_label(after.start)}.",
                        "facts": [f"shift:{before.id}", f"shift:{after.id}"],
                    }
                )
    return anomalies
