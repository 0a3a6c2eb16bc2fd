"""Availability declared on the platform and the 2 h/week rule (DOMAIN.md §3.3 last point, §4)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from planning.enums import AvailabilityKind, SlotStatus
from planning.models import Slot
from planning.selectors import declared_hours_per_week, meets_two_hours_rule, slots_search
from planning.services import (
    declared_availability_create,
    declared_availability_remove,
    declared_slots_generate,
)
from sas_platform.exceptions import ApplicationError
from tests.planning.factories import professional_with_place

pytestmark = pytest.mark.django_db

_TODAY = timezone.localdate()
MONDAY = _TODAY + timedelta(days=7 - _TODAY.weekday())  # next Monday: blocks are valid from today


@pytest.fixture
def doctor(db):
    return professional_with_place("10000000201", insee="13201")


def _weekly(doctor, weekday, start, end, patients=1, modalities=("AMB",)):
    return declared_availability_create(
        professional=doctor,
        actor=None,
        kind=AvailabilityKind.WEEKLY,
        weekday=weekday,
        start_time=start,
        end_time=end,
        modalities=list(modalities),
        patients=patients,
        valid_until=None,
    )


def test_two_hours_per_week_rule(doctor):
    _weekly(doctor, 1, time(14, 0), time(15, 30))
    assert declared_hours_per_week(professional=doctor, week_start=MONDAY) == Decimal("1.50")
    assert meets_two_hours_rule(professional=doctor, week_start=MONDAY) is False

    declared_availability_create(
        professional=doctor,
        actor=None,
        kind=AvailabilityKind.ONE_OFF,
        date=MONDAY + timedelta(days=4),
        start_time=time(9, 0),
        end_time=time(9, 30),
        modalities=["VR"],
    )
    assert declared_hours_per_week(professional=doctor, week_start=MONDAY) == Decimal("2.00")
    assert meets_two_hours_rule(professional=doctor, week_start=MONDAY) is True
    assert meets_two_hours_rule(professional=doctor, week_start=MONDAY + timedelta(days=7)) is False


def test_blocks_give_one_slot_per_patient_on_the_rolling_horizon_idempotently(doctor):
    block = _weekly(doctor, 1, time(14, 0), time(16, 0), patients=4)
    now = timezone.make_aware(datetime.combine(MONDAY, time(8, 0)))

    created = declared_slots_generate(now=now, horizon_days=14)

    slots = list(Slot.objects.filter(declared_availability=block).order_by("start"))
    assert created == 8 == len(slots)  # two Tuesdays × 4 patients
    tuesday = (MONDAY + timedelta(days=1)).strftime("%d/%m")
    assert [timezone.localtime(s.start).strftime("%d/%m %H:%M") for s in slots[:4]] == [
        f"{tuesday} 14:00",
        f"{tuesday} 14:30",
        f"{tuesday} 15:00",
        f"{tuesday} 15:30",
    ]
    assert all(s.is_platform_owned and s.slot_types == ["SNP"] and s.modalities == ["AMB"] for s in slots)
    assert declared_slots_generate(now=now, horizon_days=14) == 0


def test_declared_slots_are_found_and_removed_with_their_block(doctor):
    block = _weekly(doctor, timezone.localdate().weekday(), time(0, 0), time(23, 59), patients=2)
    declared_slots_generate()
    future = Slot.objects.filter(declared_availability=block, start__gt=timezone.now())
    assert future.exists()

    found = slots_search(latitude=43.30018, longitude=5.38276, end=timezone.now() + timedelta(days=7))
    assert {r.slot.declared_availability_id for r in found} == {block.pk}

    declared_availability_remove(availability=block, actor=None)
    assert set(future.values_list("status", flat=True)) == {SlotStatus.GONE}


def test_declaring_needs_a_modality_and_an_end_after_start(doctor):
    with pytest.raises(ApplicationError, match=r"Choisissez au moins une modalité\."):
        _weekly(doctor, 1, time(14, 0), time(16, 0), modalities=())
    with pytest.raises(ApplicationError, match=r"La fin doit suivre le début\."):
        _weekly(doctor, 1, time(16, 0), time(14, 0))
