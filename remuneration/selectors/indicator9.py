"""Indicator 9's discrepancies (DOMAIN.md §7.2): the surnuméraire acts recorded but not counted by
the tiers, per act with its reason (:mod:`remuneration.rules.indicator9_gaps`)."""

from __future__ import annotations

import datetime as dt

from regulation.selectors.pay_gaps import surnumeraire_acts_around
from remuneration.rules.indicator9_gaps import Indicator9Gaps, indicator9_gaps
from remuneration.rules.periods import period_parse, previous_period

SHOWN = 200


def indicator9_gaps_for_doctor(*, rpps: str, professional_id: int | None, quarter: str) -> Indicator9Gaps:
    """A doctor's surnuméraire acts of a quarter (every territory), counted or not, and why."""
    period = period_parse("indicator9", quarter)
    acts = surnumeraire_acts_around(
        start=period.start, end=period.end, rpps=rpps or None, professional_id=professional_id
    )
    return indicator9_gaps(acts, start=period.start, end=period.end, quarter=quarter)


def indicator9_gaps_for_territory(*, territory_code: str, quarter: str) -> Indicator9Gaps:
    """The territory's surnuméraire acts of the quarter not counted by the tiers (at most
    :data:`SHOWN`), for the bordereau's detail; ``counted`` is then 0 (the lines say it)."""
    period = period_parse("indicator9", quarter)
    acts = surnumeraire_acts_around(
        start=period.start, end=period.end, territory_code=territory_code, uncounted_only=True, limit=SHOWN
    )
    return indicator9_gaps(acts, start=period.start, end=period.end, quarter=quarter)


def recent_quarters(today: dt.date) -> list[str]:
    """The current quarter (Paris date ``today``) and the previous one, newest first."""
    current = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return [current, previous_period("indicator9", current)]
