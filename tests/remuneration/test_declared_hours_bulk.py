"""planning.selectors.pay.weekly_declared_hours equals planning's per-week rule (DOMAIN.md §4)."""

from __future__ import annotations

import datetime as dt

from cpts.models import Professional
from planning.enums import AvailabilityKind
from planning.models import DeclaredAvailability
from planning.selectors import declared_hours_per_week
from planning.selectors.pay import weekly_declared_hours
from remuneration.services.builders.indicator8 import year_mondays


def test_bulk_hours_equal_the_per_week_rule(db):
    doctor = Professional.objects.create(identifier_type="8", identifier="10101010105", last_name="Martin")
    other = Professional.objects.create(identifier_type="8", identifier="10003384327", last_name="Roux")
    DeclaredAvailability.objects.create(
        professional=doctor,
        kind=AvailabilityKind.WEEKLY,
        weekday=1,
        valid_from=dt.date(2026, 2, 4),
        valid_until=dt.date(2026, 6, 30),
        start_time=dt.time(14),
        end_time=dt.time(15, 30),
    )
    DeclaredAvailability.objects.create(
        professional=doctor,
        kind=AvailabilityKind.ONE_OFF,
        date=dt.date(2026, 3, 12),
        valid_from=dt.date(2026, 1, 1),
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    DeclaredAvailability.objects.create(
        professional=doctor,
        kind=AvailabilityKind.WEEKLY,
        weekday=4,
        valid_from=dt.date(2026, 1, 1),
        start_time=dt.time(8),
        end_time=dt.time(9),
        is_active=False,
    )
    mondays = year_mondays(2026)
    bulk = weekly_declared_hours(professional_ids=[doctor.pk, other.pk], week_starts=mondays)
    assert other.pk not in bulk
    assert bulk[doctor.pk] == [declared_hours_per_week(professional=doctor, week_start=m) for m in mondays]
    assert max(bulk[doctor.pk]) == 2.5  # the week of 12/03: 1.5 h + 1 h
