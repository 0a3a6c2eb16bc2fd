"""Aggregating the IG example bundles served by a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest
from django.core.management import call_command

from planning.connectors.base import FetchResult
from planning.enums import RunStatus, SlotStatus, SourceHealth
from planning.models import Slot
from planning.services import source_create, source_poll
from tests.planning.conftest import IG_EXAMPLES, ig_bundle

pytestmark = pytest.mark.django_db

WINDOW = {"window_start": datetime(2021, 11, 4, tzinfo=UTC), "window_end": datetime(2021, 11, 7, tzinfo=UTC)}
THOMAS, MARCEL, FORET = "10100050075", "10002673899", "10002909371"


def _source(httpserver, rpps):
    return source_create(
        name="editeur-test", label="Éditeur test", base_url=httpserver.url_for("/fhir"), rpps_list=rpps
    )


def test_query_is_exactly_the_guides(httpserver, ig_professionals):
    httpserver.expect_request("/fhir/Slot").respond_with_json(ig_bundle("PSIndiv"))
    source = _source(httpserver, [THOMAS, MARCEL])

    source_poll(source_id=source.pk, **WINDOW)

    request, _ = httpserver.log[0]
    assert request.headers["Accept"].startswith("application/fhir+json")
    assert parse_qsl(request.query_string.decode()) == [
        ("_include", "Slot:schedule"),
        ("_include:iterate", "Schedule:actor"),
        ("_include", "Slot:service-type-reference"),
        ("_include:iterate", "HealthcareService:organization"),
        ("start", "ge2021-11-04T00:00:00+00:00"),
        ("start", "le2021-11-07T00:00:00+00:00"),
        (
            "schedule.actor:Practitioner.identifier",
            f"urn:oid:1.2.250.1.71.4.2.1|8{MARCEL},urn:oid:1.2.250.1.71.4.2.1|8{THOMAS}",
        ),
        ("status", "free"),
    ]


def test_ps_individual_example_lands_exactly(httpserver, ig_professionals):
    httpserver.expect_request("/fhir/Slot").respond_with_json(ig_bundle("PSIndiv"))
    source = _source(httpserver, [THOMAS, MARCEL])

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.status == RunStatus.SUCCESS
    assert run.stats() == {"fetched": 4, "created": 4, "updated": 0, "unchanged": 0, "gone": 0, "rejected": 0}
    rows = {
        s.external_id: s for s in Slot.objects.filter(source=source).select_related("professional", "place")
    }
    first = rows["ExampleSlotPSIndiv1"]
    assert first.professional == ig_professionals["thomas"]
    assert first.place.finess == "810004421"  # matched on the IDNST 1+FINESS of the PractitionerRole
    assert (first.start, first.end) == (
        datetime(2021, 11, 5, 9, tzinfo=UTC),
        datetime(2021, 11, 5, 9, 30, tzinfo=UTC),
    )
    assert (first.slot_types, first.modalities, first.type_mask, first.modality_mask) == (
        ["PUBLIC"],
        ["AMB", "VR"],
        1,
        3,
    )
    assert (first.specialty_code, first.specialty_codes) == ("SM54", "|SM54|SM05|")
    assert (first.bookable, first.booking_url, first.status) == (
        True,
        "https://exemple.com/rdv/com/",
        SlotStatus.FREE,
    )
    assert (first.latitude, first.longitude, first.departement_code) == (44.20105, 0.6302, "47")
    assert rows["ExampleSlotPSIndiv2"].bookable is False
    assert rows["ExampleSlotPSIndiv4"].professional == ig_professionals["marcel"]
    assert rows["ExampleSlotPSIndiv4"].modalities == ["HH"]
    source.refresh_from_db()
    assert source.health == SourceHealth.OK and source.last_success_at is not None


def test_second_identical_poll_changes_nothing(httpserver, ig_professionals):
    httpserver.expect_request("/fhir/Slot").respond_with_json(ig_bundle("PSIndiv"))
    source = _source(httpserver, [THOMAS, MARCEL])
    source_poll(source_id=source.pk, **WINDOW)
    before = list(Slot.objects.order_by("pk").values_list("pk", "status", "content_hash", "first_seen_at"))

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.stats() == {"fetched": 4, "created": 0, "updated": 0, "unchanged": 4, "gone": 0, "rejected": 0}
    assert (
        list(Slot.objects.order_by("pk").values_list("pk", "status", "content_hash", "first_seen_at"))
        == before
    )


def test_vanished_slot_is_marked_gone_and_comes_back(httpserver, ig_professionals):
    full = ig_bundle("PSIndiv")
    without_first = ig_bundle("PSIndiv")
    without_first["entry"] = [
        e for e in without_first["entry"] if e["resource"].get("id") != "ExampleSlotPSIndiv1"
    ]
    source = _source(httpserver, [THOMAS, MARCEL])
    for bundle, expected in ((full, (4, 0, 0)), (without_first, (0, 0, 1)), (full, (0, 1, 0))):
        httpserver.clear()
        httpserver.expect_request("/fhir/Slot").respond_with_json(bundle)
        run = source_poll(source_id=source.pk, **WINDOW)
        assert (run.created, run.updated, run.gone) == expected
    assert Slot.objects.get(external_id="ExampleSlotPSIndiv1").status == SlotStatus.FREE


def test_cpts_example_keeps_its_structures(httpserver, ig_professionals):
    httpserver.expect_request("/fhir/Slot").respond_with_json(ig_bundle("CPTS2"))
    source = _source(httpserver, [FORET])

    run = source_poll(
        source_id=source.pk,
        window_start=datetime(2024, 6, 12, 14, 20, tzinfo=UTC),
        window_end=datetime(2024, 6, 12, 15, 20, tzinfo=UTC),
    )

    assert run.stats()["created"] == 1
    slot = Slot.objects.get(source=source)
    assert slot.professional == ig_professionals["foret"]
    assert slot.slot_types == ["PUBLIC", "CPTS"] and slot.type_mask == 9
    assert [s["identifier"] for s in slot.structures] == ["1950047225", "1950046227"]


def test_unknown_professional_is_rejected_with_reason(httpserver, db):
    httpserver.expect_request("/fhir/Slot").respond_with_json(ig_bundle("CPTS1"))
    source = _source(httpserver, [FORET])

    run = source_poll(
        source_id=source.pk,
        window_start=datetime(2024, 6, 12, 14, 20, tzinfo=UTC),
        window_end=datetime(2024, 6, 12, 15, 20, tzinfo=UTC),
    )

    assert (run.created, run.rejected) == (0, 1)
    assert run.rejections == [
        {"resource": "Slot/ExampleSlotCPTS1", "reason": f"Professionnel 8{FORET} absent de l'annuaire."}
    ]


def test_more_than_25_professionals_are_asked_in_batches(httpserver, ig_professionals):
    httpserver.expect_request("/fhir/Slot").respond_with_json(ig_bundle("PSIndiv"))
    rpps = [THOMAS, MARCEL] + [f"1{n:010d}" for n in range(50)]
    source = _source(httpserver, rpps)

    run = source_poll(source_id=source.pk, **WINDOW)

    sizes = [
        len(dict(parse_qsl(r.query_string.decode()))["schedule.actor:Practitioner.identifier"].split(","))
        for r, _ in httpserver.log
    ]
    assert sizes == [25, 25, 2]
    assert (run.progress_done, run.progress_total) == (3, 3)


def test_ingest_fhir_bundle_command_prints_the_statistics_as_last_line(ig_professionals, capsys):
    path = IG_EXAMPLES / "Bundle-ExampleBundlePSIndiv.json"
    args = [str(path), "--source", "rejeu-ps", "--window-start", "2021-11-04T00:00:00+00:00"]

    call_command("ingest_fhir_bundle", *args, "--window-end", "2021-11-07T00:00:00+00:00")
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    call_command("ingest_fhir_bundle", *args, "--window-end", "2021-11-07T00:00:00+00:00")
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    assert first == {"fetched": 4, "created": 4, "updated": 0, "unchanged": 0, "gone": 0, "rejected": 0}
    assert second == {"fetched": 4, "created": 0, "updated": 0, "unchanged": 4, "gone": 0, "rejected": 0}
    assert Slot.objects.filter(source__name="rejeu-ps").count() == 4


@pytest.mark.parametrize("path", ["postgresql", "orm"])
def test_both_upsert_paths_give_the_same_statistics(httpserver, ig_professionals, monkeypatch, path):
    """COPY + ON CONFLICT on PostgreSQL, the ORM elsewhere (SQLite): same runs, same rows."""
    from django.db import connection

    from planning import services

    if path == "orm":
        monkeypatch.setattr(services.ingest, "upsert_postgresql", services.ingest.upsert_orm)
    elif connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    full = ig_bundle("PSIndiv")
    changed = ig_bundle("PSIndiv")
    changed["entry"] = [e for e in changed["entry"] if e["resource"].get("id") != "ExampleSlotPSIndiv1"]
    next(e for e in changed["entry"] if e["resource"].get("id") == "ExampleSlotPSIndiv3")["resource"][
        "end"
    ] = "2021-11-04T14:45:00.000+00:00"
    source = _source(httpserver, [THOMAS, MARCEL])
    stats = []
    for bundle in (full, full, changed, full):
        httpserver.clear()
        httpserver.expect_request("/fhir/Slot").respond_with_json(bundle)
        stats.append(source_poll(source_id=source.pk, **WINDOW).stats())

    assert [(s["created"], s["updated"], s["unchanged"], s["gone"]) for s in stats] == [
        (4, 0, 0, 0),
        (0, 0, 4, 0),
        (0, 1, 2, 1),
        (0, 2, 2, 0),
    ]
    rows = dict(Slot.objects.filter(source=source).values_list("external_id", "status"))
    assert rows == dict.fromkeys(rows, SlotStatus.FREE) and len(rows) == 4
    assert Slot.objects.get(external_id="ExampleSlotPSIndiv3").end == datetime(
        2021, 11, 4, 14, 40, tzinfo=UTC
    )


def _use(path, monkeypatch):
    from django.db import connection

    from planning import services

    if path == "orm":
        monkeypatch.setattr(services.ingest, "upsert_postgresql", services.ingest.upsert_orm)
    elif connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


@pytest.mark.parametrize("path", ["postgresql", "orm"])
def test_a_complete_re_poll_confirms_unchanged_slots_without_rewriting_them(
    httpserver, ig_professionals, monkeypatch, path
):
    """Unchanged slots of a fully answered professional keep their row; the coverage says they were
    seen. A vanished slot is gone and keeps its last sighting."""
    from planning.models import SourceCoverage
    from planning.selectors import slot_last_seen_at

    _use(path, monkeypatch)
    source = _source(httpserver, [THOMAS, MARCEL])
    httpserver.expect_request("/fhir/Slot").respond_with_json(ig_bundle("PSIndiv"))
    first = source_poll(source_id=source.pk, **WINDOW)
    before = {s.external_id: s for s in Slot.objects.filter(source=source)}
    smaller = ig_bundle("PSIndiv")
    smaller["entry"] = [e for e in smaller["entry"] if e["resource"].get("id") != "ExampleSlotPSIndiv1"]
    httpserver.clear()
    httpserver.expect_request("/fhir/Slot").respond_with_json(smaller)

    source_poll(source_id=source.pk, **WINDOW)

    coverage = SourceCoverage.objects.get(source=source, professional=ig_professionals["thomas"])
    assert coverage.seen_at > first.started_at and (coverage.window_start, coverage.window_end) == (
        WINDOW["window_start"],
        WINDOW["window_end"],
    )
    after = {s.external_id: s for s in Slot.objects.filter(source=source)}
    gone = after.pop("ExampleSlotPSIndiv1")
    assert gone.status == SlotStatus.GONE
    assert slot_last_seen_at(gone) == gone.last_seen_at >= before["ExampleSlotPSIndiv1"].last_seen_at
    assert gone.last_seen_at < coverage.seen_at  # not this run: it was not seen
    assert len(after) == 3
    for external_id, slot in after.items():
        assert slot.status == SlotStatus.FREE
        assert (slot.first_seen_at, slot.last_seen_at) == (
            before[external_id].first_seen_at,
            before[external_id].last_seen_at,
        )
        assert slot_last_seen_at(slot) == coverage.seen_at > before[external_id].last_seen_at


@pytest.mark.parametrize("path", ["postgresql", "orm"])
def test_an_incomplete_re_poll_stamps_the_slots_it_saw_and_marks_none_gone(
    ig_professionals, monkeypatch, path
):
    """A professional whose pages did not all arrive: the slots seen are stamped one by one (no
    coverage), and none of theirs is marked gone."""
    from planning.connectors.fhir_parse import parse_searchset
    from planning.enums import RunTrigger
    from planning.models import SourceCoverage, SourceRun
    from planning.services import slots_ingest

    _use(path, monkeypatch)
    source = source_create(name="partielle", label="Partielle", base_url="http://127.0.0.1:9/fhir")
    parsed = parse_searchset(ig_bundle("PSIndiv"))

    def ingest(slots, complete):
        run = SourceRun.objects.create(source=source, trigger=RunTrigger.COMMAND)
        result = FetchResult(slots=slots, complete_rpps=complete)
        return slots_ingest(source=source, run=run, result=result, **WINDOW)

    ingest(parsed.slots, {THOMAS, MARCEL})
    before = dict(Slot.objects.filter(source=source).values_list("external_id", "last_seen_at"))
    run = ingest(parsed.slots[1:], set())

    assert (run.created, run.updated, run.unchanged, run.gone) == (0, 0, len(parsed.slots) - 1, 0)
    after = dict(Slot.objects.filter(source=source).values_list("external_id", "last_seen_at"))
    missing = parsed.slots[0].external_id
    assert after[missing] == before[missing]
    assert all(after[k] > before[k] for k in after if k != missing)
    assert not Slot.objects.filter(source=source, status=SlotStatus.GONE).exists()
    assert SourceCoverage.objects.filter(source=source).count() == 2  # from the first, complete run
