"""Indicator 8 of a locked year corrected afterwards (issue 12 §3, DOMAIN.md §7.1).

A participation declaration corrected (or recorded late) after the year's lock that changes whether
a doctor met the indicator is ± 1,400 € in the next computed year, once; the visibility evidence
alone (declared blocks edited or removed later) changes nothing paid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpts.enums import ParticipationMode
from planning.enums import AvailabilityKind
from planning.models import DeclaredAvailability
from remuneration.models import BordereauLine
from remuneration.services import bordereau_compute, bordereau_lock, bordereau_validate
from tests.cpts.factories import ParticipationFactory, PracticePlaceFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db
D = dt.date


def compute(people, period):
    return bordereau_compute(actor=people["admin_sas"], kind="indicator8", territory_code="13", period=period)


def locked(people, period):
    b = compute(people, period).bordereau
    bordereau_validate(actor=people["ars"], bordereau_id=b.pk)
    return bordereau_lock(actor=people["cpam"], bordereau_id=b.pk)


def doctor(last_name, *, declared_from=None):
    """A doctor practising in the 13, with 2 h declared every Tuesday since 2023 (visible every week)."""
    professional = ProfessionalFactory(last_name=last_name)
    PracticePlaceFactory(professional=professional)
    DeclaredAvailability.objects.create(
        professional=professional,
        kind=AvailabilityKind.WEEKLY,
        weekday=1,
        valid_from=D(2023, 1, 1),
        start_time=dt.time(14),
        end_time=dt.time(16),
    )
    if declared_from:
        declare(professional, declared_from)
    return professional


def declare(professional, start, end=None):
    return ParticipationFactory(
        professional=professional,
        mode=ParticipationMode.INDIVIDUAL,
        declared=True,
        start_date=start,
        end_date=end,
    )


def adjustments(bordereau):
    return list(bordereau.lines.filter(fact_key__contains="@").order_by("position"))


@pytest.fixture
def year_2024(people):
    """Martin declared since 2023 and Durand since 2024-06: both paid for 2024; Bernard never declared."""
    martin = doctor("Martin", declared_from=D(2023, 1, 1))
    durand = doctor("Durand", declared_from=D(2024, 6, 1))
    bernard = doctor("Bernard")
    bordereau = locked(people, "2024")
    assert bordereau.total == Decimal("2800.00")
    return {"martin": martin, "durand": durand, "bernard": bernard, "2024": bordereau}


def test_a_declaration_corrected_after_the_lock_takes_the_forfait_back(people, year_2024):
    durand = year_2024["durand"]
    durand.participations.update(start_date=D(2025, 6, 1))  # a typing error: he started in 2025
    y2025 = compute(people, "2025").bordereau
    [line] = adjustments(y2025)
    paid = year_2024["2024"].lines.get(identifier=durand.identifier)
    assert line.corrects == paid and line.fact_key == f"indicator8:{durand.identifier}@2024"
    assert (line.quantity, line.amount) == (Decimal("-1.00"), Decimal("-1400.00"))
    assert (
        line.label.startswith("Régularisation 2024 : Indicateur 8") and line.identifier == durand.identifier
    )
    assert y2025.total == Decimal("1400.00")  # Martin and Durand for 2025, −1,400 € for Durand's 2024
    assert compute(people, "2025").changed is False  # computing twice changes nothing
    year_2024["2024"].refresh_from_db()
    assert year_2024["2024"].total == Decimal("2800.00")


def test_a_declaration_recorded_after_the_lock_pays_the_forfait(people, year_2024):
    bernard = year_2024["bernard"]
    declare(bernard, D(2024, 9, 1), D(2024, 12, 31))  # the form reached the SAS late
    [line] = adjustments(compute(people, "2025").bordereau)
    assert line.corrects is None and "absente du bordereau 2024" in line.label
    assert (line.identifier, line.amount, line.quantity) == (
        bernard.identifier,
        Decimal("1400.00"),
        Decimal(1),
    )


def test_changes_that_change_nothing_paid_make_no_line(people, year_2024):
    martin, durand = year_2024["martin"], year_2024["durand"]
    DeclaredAvailability.objects.filter(professional=martin).update(is_active=False)  # stopped in 2025
    durand.participations.update(end_date=D(2025, 3, 31))  # ended after the year: same 2024 facts
    martin.participations.update(start_date=D(2024, 2, 1))  # corrected, still met in 2024
    y2025 = compute(people, "2025").bordereau
    assert adjustments(y2025) == []
    assert y2025.total == Decimal("1400.00")  # Durand's 2025; Martin has no visible week in 2025


def test_the_adjustment_is_made_once_across_years(people):
    durand = doctor("Durand", declared_from=D(2023, 6, 1))
    locked(people, "2023")
    durand.participations.update(start_date=D(2024, 1, 1))
    y2024 = locked(people, "2024")
    assert [line.amount for line in adjustments(y2024)] == [Decimal("-1400.00")]
    assert adjustments(compute(people, "2025").bordereau) == []
    assert BordereauLine.objects.filter(fact_key__endswith="@2023").count() == 1


def test_a_late_declaration_is_paid_once(people):
    bernard = doctor("Bernard")
    locked(people, "2023")
    declare(bernard, D(2023, 4, 1), D(2023, 12, 31))
    y2024 = locked(people, "2024")
    assert [(line.amount, line.corrects) for line in adjustments(y2024)] == [(Decimal("1400.00"), None)]
    assert adjustments(compute(people, "2025").bordereau) == []
