"""The rules as pure functions: state machine table (DOMAIN.md §3.1), PDSA hours (§3.4), rotation, facts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from regulation import policies
from regulation.enums import Decision, DossierState, Transition

S = DossierState
T = Transition
PARIS = ZoneInfo("Europe/Paris")

# The whole table, written out: (transition, from) -> to, or None when refused.
EXPECTED = {
    T.ROUTE_AMU: {S.OPENED: S.AMU, S.GENERAL_PRACTICE: S.AMU, S.REGULATED: S.AMU, S.ORIENTING: S.AMU},
    T.ROUTE_GENERAL_PRACTICE: {S.OPENED: S.GENERAL_PRACTICE, S.AMU: S.GENERAL_PRACTICE},
    T.DECIDE: {S.GENERAL_PRACTICE: S.REGULATED, S.REGULATED: S.REGULATED},
    T.START_ORIENTATION: {S.REGULATED: S.ORIENTING},
    T.ORIENT: {S.REGULATED: S.ORIENTED, S.ORIENTING: S.ORIENTED},
    T.REOPEN_ORIENTATION: {S.ORIENTED: S.ORIENTING},
    T.CLOSE_WITHOUT_APPOINTMENT: {S.GENERAL_PRACTICE: S.CLOSED, S.REGULATED: S.CLOSED, S.ORIENTING: S.CLOSED},
    T.RECORD_OUTCOME: {S.ORIENTED: S.OUTCOME_KNOWN},
    T.CLOSE: {S.OUTCOME_KNOWN: S.CLOSED},
    T.CLOSE_OUTCOME_UNKNOWN: {S.ORIENTED: S.CLOSED},
}


@pytest.mark.parametrize("transition", list(T))
@pytest.mark.parametrize("state", list(S))
def test_state_machine_table(transition, state):
    assert policies.transition_target(transition, state) == EXPECTED[transition].get(state)


def test_closed_dossier_allows_nothing():
    assert policies.allowed_transitions(S.CLOSED) == []


def test_amu_can_come_back_to_general_practice_only():
    assert policies.allowed_transitions(S.AMU) == [T.ROUTE_GENERAL_PRACTICE]


@pytest.mark.parametrize(
    ("decision", "transition"),
    [
        (Decision.ADVICE, T.CLOSE_WITHOUT_APPOINTMENT),
        (Decision.PRESCRIPTION, T.CLOSE_WITHOUT_APPOINTMENT),
        (Decision.APPOINTMENT_48H, T.DECIDE),
        (Decision.TELECONSULTATION, T.DECIDE),
        (Decision.HOME_VISIT, T.DECIDE),
        (Decision.EMERGENCY_DEPARTMENT, T.CLOSE_WITHOUT_APPOINTMENT),
        (Decision.AMU, T.ROUTE_AMU),
        (Decision.PDSA, T.CLOSE_WITHOUT_APPOINTMENT),
    ],
)
def test_decision_transition(decision, transition):
    assert policies.decision_transition(decision) == transition


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "pdsa"),
    [
        # DOMAIN.md §3.4 / seed 004: PDSA weekday nights 20:00-08:00.
        ("2026-11-24 07:59", True),  # Tuesday
        ("2026-11-24 08:00", False),
        ("2026-11-24 19:59", False),
        ("2026-11-24 20:00", True),
        # Saturday 12:00-20:00 and night.
        ("2026-11-28 11:59", False),
        ("2026-11-28 12:00", True),
        ("2026-11-28 23:00", True),
        # Sunday and public holidays 08:00-20:00 (and night).
        ("2026-11-29 10:00", True),
        ("2026-11-11 10:00", True),  # Armistice, a Wednesday
        ("2026-07-14 15:00", True),
        ("2026-11-12 10:00", False),
        ("2026-11-30 08:00", False),  # Monday morning: SAS again
    ],
)
def test_pdsa_hours_default_calendar(moment, pdsa):
    assert policies.is_pdsa_time(at(moment)) is pdsa


def test_alsace_moselle_good_friday_and_26_december():
    schedule = policies.PdsaSchedule(alsace_moselle=True)
    assert policies.is_pdsa_time(at("2026-04-03 10:00"), schedule) is True
    assert policies.is_pdsa_time(at("2026-04-03 10:00")) is False
    assert policies.is_pdsa_time(at("2026-12-26 10:00"), schedule) is True  # also a Saturday morning


def test_local_calendar_and_bridge_days():
    schedule = policies.PdsaSchedule(
        night_start=dt.time(19, 0), bridge_days=frozenset({dt.date(2026, 11, 10)})
    )
    assert policies.is_pdsa_time(at("2026-11-24 19:30"), schedule) is True
    assert policies.is_pdsa_time(at("2026-11-10 10:00"), schedule) is True


def test_next_sas_opening_after_a_weekend():
    assert policies.next_sas_opening(at("2026-11-28 13:10")) == at("2026-11-30 08:00")


def test_rotation_least_recently_asked_first_then_nearest():
    yesterday = dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC)
    last_week = dt.datetime(2026, 11, 15, 10, tzinfo=dt.UTC)
    rows = policies.rotation_order(
        [("asked-yesterday", 1.0), ("never-far", 9.0), ("asked-last-week", 0.5), ("never-near", 2.0)],
        {"asked-yesterday": yesterday, "asked-last-week": last_week},
    )
    assert [row[0] for row in rows] == ["never-near", "never-far", "asked-last-week", "asked-yesterday"]


def test_act_facts_within_48h_outside_pdsa():
    facts = policies.act_facts(
        regulated_at=at("2026-11-24 10:00"),
        appointment_start=at("2026-11-25 17:00"),
        surnumeraire=True,
        by_treating_doctor=False,
    )
    assert facts == policies.ActFacts(
        surnumeraire=True, by_treating_doctor=False, within_48h=True, outside_pdsa=True
    )
    late = policies.act_facts(
        regulated_at=at("2026-11-24 10:00"),
        appointment_start=at("2026-11-26 21:00"),
        surnumeraire=False,
        by_treating_doctor=True,
    )
    assert (late.within_48h, late.outside_pdsa) == (False, False)
