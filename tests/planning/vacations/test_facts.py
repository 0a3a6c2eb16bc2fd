"""``planning.selectors.vacation_facts`` (the interface ``remuneration`` reads) and the done
confirmation (issue 11 §9)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from planning.enums import SlotStatus
from planning.models import Slot
from planning.selectors import VacationFact, vacation_facts
from planning.vacations import services
from planning.vacations.models import Vacation
from sas_platform.exceptions import ApplicationError
from tests.planning.vacations.factories import make_planning, make_vacation, paris

pytestmark = pytest.mark.django_db


def test_facts_of_done_vacations_with_real_hours_across_the_clock_change():
    setup = make_planning()
    doctor = setup["people"][0]
    night = make_vacation(setup, paris(2026, 10, 24, 20), hours=13, assignee=doctor)
    afternoon = make_vacation(setup, paris(2026, 10, 26, 14), assignee=doctor)
    make_vacation(setup, paris(2026, 10, 27, 14), assignee=doctor)  # never confirmed: no fact
    services.vacation_confirm(vacation_id=night.pk, done=True, patients_seen=7, actor=None)
    services.vacation_confirm(vacation_id=afternoon.pk, done=False, patients_seen=None, actor=None)
    facts = vacation_facts(start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert [type(f) for f in facts] == [VacationFact, VacationFact]
    first, second = facts
    assert (first.hours, first.patients_seen, first.state, first.rpps) == (
        Decimal("13.00"),
        7,
        "done",
        doctor.identifier,
    )
    assert (second.state, second.patients_seen) == ("not_done", 0)
    assert first.structure_id == setup["structure"].pk
    assert vacation_facts(start=date(2026, 10, 1), end=date(2026, 10, 31), structure_ids=[0]) == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.hours = Decimal(0)


def test_confirmation_prefills_sas_patients_and_refuses_future_or_fewer():
    setup = make_planning()
    doctor = setup["people"][0]
    future = make_vacation(setup, timezone.now() + timedelta(days=2), assignee=doctor)
    with pytest.raises(ApplicationError, match="pas encore commencé"):
        services.vacation_confirm(vacation_id=future.pk, done=True, patients_seen=1, actor=None)
    past = make_vacation(setup, timezone.now() - timedelta(hours=6), capacity=2)
    Vacation.objects.filter(pk=past.pk).update(published=True)
    services.vacation_assign(vacation_id=past.pk, professional_id=doctor.pk, actor=None)
    slot = Slot.objects.filter(vacation_link__vacation=past).first()
    Slot.objects.filter(pk=slot.pk).update(
        status=SlotStatus.BOOKED, booking_reference="SAS-1", booked_at=timezone.now()
    )
    with pytest.raises(ApplicationError, match="au moins"):
        services.vacation_confirm(vacation_id=past.pk, done=True, patients_seen=0, actor=None)
    done = services.vacation_confirm(vacation_id=past.pk, done=True, patients_seen=None, actor=None)
    assert (done.patients_seen, done.patients_from_sas) == (1, 1)
