"""Regulators' on-duty hours (DOMAIN.md §7.5): SAS hours and PDSA hours by the territory's PDSA
calendar (§3.4: weekday nights 20:00-08:00, Saturday from 12:00, Sundays and public holidays);
corrections are new versions, the old one kept and audited."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from regulation import policies, selectors, services
from regulation.enums import ShiftOrigin
from regulation.exceptions import ShiftConflict
from regulation.models import PdsaCalendar, RegulatorShift
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError
from sas_platform.models import AuditEvent

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("start", "end", "sas", "pdsa"),
    [
        (paris(2026, 3, 10, 18, 0), paris(2026, 3, 10, 22, 0), 120, 120),  # Tuesday evening
        (paris(2026, 3, 14, 8, 0), paris(2026, 3, 14, 14, 0), 240, 120),  # Saturday: PDSA from 12:00
        (paris(2026, 3, 15, 9, 0), paris(2026, 3, 15, 12, 0), 0, 180),  # Sunday
        (paris(2026, 7, 14, 10, 0), paris(2026, 7, 14, 12, 0), 0, 120),  # 14 July (a Tuesday)
        (paris(2026, 3, 13, 19, 0), paris(2026, 3, 14, 9, 0), 120, 720),  # Friday night
        (paris(2026, 3, 28, 22, 0), paris(2026, 3, 29, 6, 0), 0, 420),  # clocks go forward: 7 h
        (paris(2026, 10, 24, 22, 0), paris(2026, 10, 25, 6, 0), 0, 540),  # clocks go back: 9 h
        (paris(2026, 3, 10, 9, 0), paris(2026, 3, 10, 13, 30), 270, 0),  # a plain weekday morning
    ],
)
def test_split_worked_examples(start, end, sas, pdsa):
    assert policies.split_on_duty_minutes(start, end) == (sas, pdsa)


def test_split_uses_the_territorys_calendar(territory):
    PdsaCalendar.objects.create(territory=territory, night_start=dt.time(21, 0), bridge_days=["2026-05-15"])
    schedule = selectors.pdsa_schedule_for(territory_code="13")
    assert policies.split_on_duty_minutes(paris(2026, 3, 10, 18, 0), paris(2026, 3, 10, 22, 0), schedule) == (
        180,
        60,
    )
    # Friday 15 May 2026, bridge day after Ascension: PDSA all day.
    assert policies.split_on_duty_minutes(paris(2026, 5, 15, 9, 0), paris(2026, 5, 15, 11, 0), schedule) == (
        0,
        120,
    )


def test_regulator_starts_and_ends_a_shift_on_the_desk(regulateur):
    with time_machine.travel(paris(2026, 3, 14, 10, 0, 42), tick=False):
        shift = services.shift_start(actor=regulateur, territory_code="13")
        with pytest.raises(ShiftConflict, match="déjà de garde"):
            services.shift_start(actor=regulateur, territory_code="13")
    assert (shift.start, shift.end, shift.origin) == (paris(2026, 3, 14, 10, 0), None, ShiftOrigin.DESK)
    with time_machine.travel(paris(2026, 3, 14, 13, 30), tick=False):
        ended = services.shift_end(actor=regulateur)
    assert (ended.pk, ended.sas_minutes, ended.pdsa_minutes) == (shift.pk, 120, 90)
    assert list(
        AuditEvent.objects.filter(object_id=str(shift.pk), object_type="regulation.regulatorshift")
        .order_by("id")
        .values_list("event_type", flat=True)
    ) == ["regulation.shift_started", "regulation.shift_ended"]
    with pytest.raises(ApplicationError, match="Aucune garde en cours"):
        services.shift_end(actor=regulateur)


def test_admin_schedules_then_corrects_keeping_history(make_user, regulateur, territory):
    admin = make_user(Role.ADMIN_SAS)
    shift = services.shift_schedule(
        actor=admin,
        territory_code="13",
        regulator=regulateur,
        start=paris(2026, 3, 10, 18, 0),
        end=paris(2026, 3, 10, 22, 0),
    )
    assert (shift.sas_minutes, shift.pdsa_minutes, shift.version) == (120, 120, 1)
    corrected = services.shift_correct(
        actor=admin, shift_id=shift.pk, end=paris(2026, 3, 10, 20, 0), reason="Relevé du standard"
    )
    shift.refresh_from_db()
    assert (shift.is_current, corrected.is_current, corrected.version, corrected.supersedes) == (
        False,
        True,
        2,
        shift,
    )
    assert (corrected.lineage, corrected.sas_minutes, corrected.pdsa_minutes) == (shift.lineage, 120, 0)
    assert (shift.end, shift.sas_minutes) == (paris(2026, 3, 10, 22, 0), 120)  # the old version kept
    with pytest.raises(ShiftConflict, match="déjà été corrigée"):
        services.shift_correct(actor=admin, shift_id=shift.pk, end=paris(2026, 3, 10, 21, 0), reason="Autre")
    cancelled = services.shift_correct(actor=admin, shift_id=corrected.pk, cancel=True, reason="Doublon")
    assert [s.version for s in selectors.shift_history(shift=cancelled)] == [1, 2, 3]
    assert RegulatorShift.objects.filter(is_current=True).get() == cancelled and cancelled.cancelled
    assert cancelled.total_minutes == 0
    corrected_event = AuditEvent.objects.get(event_type="regulation.shift_corrected")
    assert dt.datetime.fromisoformat(corrected_event.params["previous"]["end"]) == paris(2026, 3, 10, 22, 0)
    assert corrected_event.params["reason"] == "Relevé du standard"
    assert selectors.shift_totals_of_month(user=admin, month=dt.date(2026, 3, 1)) == []


def test_overlaps_and_bad_periods_are_refused(make_user, regulateur, territory):
    admin = make_user(Role.ADMIN_SAS)
    services.shift_schedule(
        actor=admin,
        territory_code="13",
        regulator=regulateur,
        start=paris(2026, 3, 10, 8, 0),
        end=paris(2026, 3, 10, 12, 0),
    )
    with pytest.raises(ShiftConflict, match="chevauche"):
        services.shift_schedule(
            actor=admin,
            territory_code="13",
            regulator=regulateur,
            start=paris(2026, 3, 10, 11, 0),
            end=paris(2026, 3, 10, 14, 0),
        )
    with pytest.raises(ApplicationError, match="doit suivre"):
        services.shift_schedule(
            actor=admin,
            territory_code="13",
            regulator=regulateur,
            start=paris(2026, 3, 11, 11, 0),
            end=paris(2026, 3, 11, 10, 0),
        )
    with pytest.raises(ApplicationError, match="24 heures"):
        services.shift_schedule(
            actor=admin,
            territory_code="13",
            regulator=regulateur,
            start=paris(2026, 3, 11, 8, 0),
            end=paris(2026, 3, 12, 10, 0),
        )
    with pytest.raises(ApplicationError, match="motif"):
        services.shift_correct(actor=admin, shift_id=RegulatorShift.objects.get().pk, reason=" ")
    assert RegulatorShift.objects.count() == 1


def test_month_totals_in_sql(make_user, regulateur, territory, django_assert_max_num_queries):
    admin = make_user(Role.ADMIN_SAS)
    other = make_user(Role.REGULATEUR)
    for day in (2, 3, 4):
        services.shift_schedule(
            actor=admin,
            territory_code="13",
            regulator=regulateur,
            start=paris(2026, 3, day, 18, 0),
            end=paris(2026, 3, day, 22, 0),
        )
    services.shift_schedule(
        actor=admin,
        territory_code="13",
        regulator=other,
        start=paris(2026, 3, 8, 9, 0),  # a Sunday
        end=paris(2026, 3, 8, 13, 0),
    )
    services.shift_schedule(  # April: not in March's totals
        actor=admin,
        territory_code="13",
        regulator=other,
        start=paris(2026, 4, 1, 9, 0),
        end=paris(2026, 4, 1, 10, 0),
    )
    with django_assert_max_num_queries(4):
        totals = selectors.shift_totals_of_month(user=admin, month=dt.date(2026, 3, 1))
    assert {(t.regulator_id, t.shifts, t.sas_minutes, t.pdsa_minutes) for t in totals} == {
        (regulateur.pk, 3, 360, 360),
        (other.pk, 1, 0, 240),
    }
    # A régulateur sees only their own shifts.
    assert {s.regulator_id for s in selectors.shifts_of_month(user=other, month=dt.date(2026, 3, 1))} == {
        other.pk
    }
