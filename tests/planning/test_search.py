"""The 48 h search (DOMAIN.md §3.2): neutral ranking, default radius and widening, statuses, freshness."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from planning.enums import SlotStatus
from planning.exceptions import SearchInputError
from planning.models import AgendaSource
from planning.search_settings import radius_settings
from planning.selectors import slots_search
from tests.planning.factories import make_slot, professional_with_place

pytestmark = pytest.mark.django_db

PATIENT = (43.30018, 5.38276)  # Marseille 1er arrondissement
KM_LON = 1 / (111.195 * 0.7283)  # degrees of longitude per km at 43.3° N


def _doctor(rpps: str, km_east: float, name: str = "Médecin"):
    return professional_with_place(
        rpps, insee="13201", last_name=name, latitude=PATIENT[0], longitude=PATIENT[1] + km_east * KM_LON
    )


def _hour(hours: float):
    return timezone.now().replace(second=0, microsecond=0) + timedelta(hours=hours)


def _search(**kwargs):
    return slots_search(latitude=PATIENT[0], longitude=PATIENT[1], **kwargs)


def test_radius_settings_of_the_bouches_du_rhone_and_paris():
    assert radius_settings(departement="13").radii()[:3] == [10.0, 15.0, 20.0]
    assert radius_settings(departement="75").radii()[:2] == [5.0, 8.0]
    assert radius_settings(departement="976").default_km == 10.0  # 0 km in the source: fallback
    assert radius_settings(latitude=43.3, longitude=5.4).departement == "13"


def test_soonest_first_then_nearest_then_fair_rotation():
    near, far = _doctor("10000000001", 1), _doctor("10000000002", 6)
    busy, rested = _doctor("10000000003", 3, "Occupé"), _doctor("10000000004", 3, "Reposé")
    make_slot(far, _hour(2))
    make_slot(near, _hour(3))
    make_slot(far, _hour(3))
    make_slot(busy, _hour(4))
    make_slot(rested, _hour(4))
    make_slot(busy, _hour(-30), status=SlotStatus.BOOKED, booking_reference="DOS-1", booked_at=timezone.now())

    results = _search(limit=10)

    assert [(r.slot.professional.last_name, r.slot.start) for r in results] == [
        ("Médecin", _hour(2)),
        ("Médecin", _hour(3)),
        ("Médecin", _hour(3)),
        ("Reposé", _hour(4)),
        ("Occupé", _hour(4)),
    ]
    assert [r.slot.professional for r in results[1:3]] == [near, far]
    assert results[1].distance_km == pytest.approx(1.0, abs=0.05)
    assert "rotation équitable" in results[3].rank_reason
    assert "sollicité par le SAS ces 7 derniers jours, placé après" in results[4].rank_reason
    assert results[0].source_name == "Disponibilités déclarées sur la plateforme"
    assert results[0].freshness_seconds is None


def test_default_radius_is_widened_by_the_departement_step_and_says_so():
    close = _doctor("10000000011", 2)
    beyond = _doctor("10000000012", 12)
    make_slot(close, _hour(1))
    make_slot(beyond, _hour(2))

    results = _search(departement="13")

    assert [r.slot.professional for r in results] == [close, beyond]
    assert {r.radius_km for r in results} == {15.0} and all(r.widened for r in results)
    assert "rayon élargi à 15 km (moins de 5 créneaux à 10 km)" in results[0].rank_reason


def test_explicit_radius_is_not_widened():
    make_slot(_doctor("10000000013", 12), _hour(2))

    assert _search(radius_km=10) == []


def test_held_booked_and_gone_slots_are_never_returned_expired_holds_are():
    doctor = _doctor("10000000021", 1)
    now = timezone.now()
    make_slot(
        doctor, _hour(1), status=SlotStatus.HELD, held_until=now + timedelta(minutes=5), hold_reference="A"
    )
    make_slot(doctor, _hour(2), status=SlotStatus.BOOKED, booking_reference="B")
    make_slot(doctor, _hour(3), status=SlotStatus.GONE)
    expired = make_slot(
        doctor, _hour(4), status=SlotStatus.HELD, held_until=now - timedelta(minutes=1), hold_reference="C"
    )
    free = make_slot(doctor, _hour(5))

    assert [r.slot for r in _search()] == [expired, free]


def test_window_defaults_to_48_hours_and_past_slots_are_left_out():
    doctor = _doctor("10000000031", 1)
    make_slot(doctor, _hour(-1))
    inside = make_slot(doctor, _hour(47))
    make_slot(doctor, _hour(49))

    assert [r.slot for r in _search()] == [inside]


def test_modalities_and_specialty_filter():
    doctor = _doctor("10000000041", 1)
    cabinet = make_slot(doctor, _hour(1), modalities=["AMB"])
    video = make_slot(doctor, _hour(2), modalities=["AMB", "VR"])
    home = make_slot(doctor, _hour(3), modalities=["HH"])
    pneumo = make_slot(doctor, _hour(4), specialty_code="SM41")

    assert [r.slot for r in _search(modalities={"VR"})] == [video]
    assert [r.slot for r in _search(modalities={"HH", "VR"})] == [video, home]
    assert [r.slot for r in _search()] == [cabinet, video, home]
    assert [r.slot for r in _search(specialty_code=None)] == [cabinet, video, home, pneumo]


def test_stale_source_is_searched_and_flagged_then_excluded_past_its_age():
    now = timezone.now()
    stale = AgendaSource.objects.create(
        name="lente", label="Éditeur lent", last_success_at=now - timedelta(minutes=20)
    )
    dead = AgendaSource.objects.create(
        name="morte", label="Éditeur mort", last_success_at=now - timedelta(hours=7)
    )
    doctor = _doctor("10000000051", 1)
    from_stale = make_slot(doctor, _hour(1), source=stale)
    make_slot(doctor, _hour(2), source=dead)

    results = _search()

    assert [r.slot for r in results] == [from_stale]
    assert results[0].stale is True
    assert 1195 <= results[0].freshness_seconds <= 1260
    assert results[0].source_name == "Éditeur lent"
    assert "source « Éditeur lent » non mise à jour depuis 20 min" in results[0].rank_reason


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"latitude": 95.0}, "Coordonnées invalides"),
        ({"longitude": float("nan")}, "Coordonnées invalides"),
        ({"radius_km": 0}, "Le rayon doit être compris entre 1 et 200 km."),
        ({"radius_km": 500}, "Le rayon doit être compris entre 1 et 200 km."),
        (
            {"end": timezone.now() + timedelta(days=8)},
            "La fenêtre de recherche ne peut pas dépasser 7 jours.",
        ),
        (
            {"end": timezone.now() - timedelta(days=1)},
            "La fin de la fenêtre de recherche doit suivre son début.",
        ),
        ({"modalities": {"TEL"}}, "Modalité inconnue : TEL"),
    ],
)
def test_out_of_range_input_is_refused_in_french(kwargs, message):
    params = {"latitude": PATIENT[0], "longitude": PATIENT[1], **kwargs}
    with pytest.raises(SearchInputError, match=message) as caught:
        slots_search(**params)
    assert caught.value.status_code == 400


@pytest.mark.parametrize(
    "filters",
    [
        {"modality_masks": None, "specialty_code": "SM54", "excluded": False},
        {"modality_masks": [2, 3, 6, 7], "specialty_code": "", "excluded": True},
    ],
    ids=["defaults", "modalities-excluded-source"],
)
def test_written_sql_returns_what_the_orm_query_returns(filters, django_assert_num_queries):
    """On PostgreSQL the search sends its query as written SQL (built once per shape); the ORM query
    stays the reference (and runs on SQLite): same rows, same columns, same order."""
    from planning.selectors import candidate_rows, candidates_queryset

    stale = AgendaSource.objects.create(name="vieille", label="Vieille", last_success_at=None)
    live = AgendaSource.objects.create(name="vive", label="Vive", last_success_at=timezone.now())
    doctors = [_doctor(f"1000000009{n}", n, name=f"Médecin {n}") for n in range(4)]
    make_slot(doctors[0], _hour(1), source=live, external_id="v1", modalities=["AMB", "VR"])
    make_slot(doctors[1], _hour(1), source=stale, external_id="s1", modalities=["VR"])
    make_slot(doctors[2], _hour(1), modalities=["HH"])
    make_slot(doctors[3], _hour(2), modalities=["AMB"], specialty_code="SM26")
    make_slot(doctors[2], _hour(3), status=SlotStatus.HELD, held_until=_hour(-0.1), hold_reference="DOS-2")
    make_slot(
        doctors[0], _hour(-40), status=SlotStatus.BOOKED, booking_reference="DOS-3", booked_at=_hour(-1)
    )
    now = timezone.now()
    kwargs = {
        "latitude": PATIENT[0],
        "longitude": PATIENT[1],
        "radius_km": 10.0,
        "start": now,
        "end": now + timedelta(hours=48),
        "modality_masks": filters["modality_masks"],
        "specialty_code": filters["specialty_code"],
        "excluded_source_ids": [stale.pk] if filters["excluded"] else [],
        "now": now,
        "fetch": 100,
    }

    with django_assert_num_queries(1):
        written = candidate_rows(**kwargs)
    orm = list(candidates_queryset(**kwargs))

    assert written and [row.pop("d2") for row in written] == pytest.approx([row.pop("d2") for row in orm])
    assert written == orm
    assert any(row["recent_booked_at"] for row in written) and any(
        row["place__commune__name"] for row in written
    )


def test_a_source_created_after_the_cached_copy_is_searched_at_once(settings):
    settings.PLANNING_SEARCH_SOURCES_CACHE_SECONDS = 60
    doctor = _doctor("10000000099", 1)
    make_slot(doctor, _hour(1))
    assert len(_search()) == 1  # caches the (empty) list of sources
    source = AgendaSource.objects.create(name="nouvelle", label="Nouvelle", last_success_at=timezone.now())
    make_slot(doctor, _hour(2), source=source, external_id="n1")

    results = _search()

    assert [r.source_name for r in results] == ["Disponibilités déclarées sur la plateforme", "Nouvelle"]
