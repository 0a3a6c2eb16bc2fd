"""Bad answers from a source (real HTTP server on 127.0.0.1): each is recorded on the run, the circuit
opens after repeated failures and closes after a successful probe, other sources and the search
are untouched."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug import Response

from planning.connectors.breaker import CacheCircuitStorage, breaker_state
from planning.enums import RunStatus, SlotStatus, SourceHealth
from planning.models import Slot
from planning.selectors import slots_search
from planning.services import source_create, source_poll
from tests.planning.conftest import ig_bundle

pytestmark = pytest.mark.django_db

WINDOW = {"window_start": datetime(2021, 11, 4, tzinfo=UTC), "window_end": datetime(2021, 11, 7, tzinfo=UTC)}
RPPS = ["10100050075", "10002673899"]


@pytest.fixture
def healthy_source(httpserver, ig_professionals):
    """Another source whose slots are already aggregated."""
    httpserver.expect_request("/saine/Slot").respond_with_json(ig_bundle("PSIndiv"))
    source = source_create(
        name="saine", label="Source saine", base_url=httpserver.url_for("/saine"), rpps_list=RPPS
    )
    assert source_poll(source_id=source.pk, **WINDOW).created == 4
    return source


def _failing(httpserver, name="panne"):
    return source_create(
        name=name, label="Source en panne", base_url=httpserver.url_for(f"/{name}"), rpps_list=RPPS
    )


def _snapshot():
    return list(Slot.objects.order_by("pk").values_list("pk", "status", "content_hash", "last_seen_at"))


def _search_agen():
    return slots_search(
        latitude=44.2,
        longitude=0.63,
        start=WINDOW["window_start"],
        end=WINDOW["window_end"],
        specialty_code=None,
    )


@pytest.mark.parametrize(
    ("respond", "error"),
    [
        (lambda r: r.respond_with_data("panne", status=500), "Erreur HTTP 500 de la source."),
        (lambda r: r.respond_with_data("", status=401), "Accès refusé par la source (HTTP 401)"),
        (
            lambda r: r.respond_with_data("{pas du json", content_type="application/json"),
            "Réponse qui n'est pas du JSON valide.",
        ),
        (
            lambda r: r.respond_with_json({"resourceType": "Patient", "id": "x"}),
            "La réponse n'est pas un Bundle FHIR.",
        ),
        (
            lambda r: r.respond_with_json(
                {
                    "resourceType": "OperationOutcome",
                    "issue": [{"severity": "error", "code": "invalid", "diagnostics": "RPPS inconnu"}],
                },
                status=400,
            ),
            "Erreur HTTP 400 de la source. RPPS inconnu",
        ),
    ],
    ids=["http-500", "http-401", "invalid-json", "not-a-bundle", "operation-outcome"],
)
def test_failing_answer_is_recorded_and_nothing_else_changes(httpserver, healthy_source, respond, error):
    respond(httpserver.expect_request("/panne/Slot"))
    source = _failing(httpserver)
    before = _snapshot()

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.status == RunStatus.FAILED
    assert run.errors[0].startswith(f"Lot 1/1 : {error}")
    assert (run.created, run.updated, run.gone) == (0, 0, 0)
    source.refresh_from_db()
    assert (source.health, source.consecutive_failures, source.last_success_at) == (
        SourceHealth.FAILING,
        1,
        None,
    )
    assert _snapshot() == before
    assert len(_search_agen()) == 4


def test_server_errors_are_retried_a_bounded_number_of_times(httpserver, db, settings):
    settings.PLANNING_CONNECTOR_ATTEMPTS = 3
    httpserver.expect_request("/panne/Slot").respond_with_data("panne", status=503)
    source = _failing(httpserver)

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.requests == 3 and len(httpserver.log) == 3


def test_timeout_after_the_configured_delay(httpserver, db, settings):
    settings.PLANNING_CONNECTOR_TIMEOUT_SECONDS = 0.3
    settings.PLANNING_CONNECTOR_ATTEMPTS = 2

    def slow(request):
        time.sleep(0.8)
        return Response(json.dumps(ig_bundle("PSIndiv")), content_type="application/fhir+json")

    httpserver.expect_request("/panne/Slot").respond_with_handler(slow)
    source = _failing(httpserver)

    started = time.monotonic()
    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.errors == ["Lot 1/1 : Délai de 0.3 s dépassé."]
    assert run.requests == 2
    assert time.monotonic() - started < 3


def test_huge_page_is_abandoned(httpserver, ig_professionals, settings):
    settings.PLANNING_CONNECTOR_MAX_RESPONSE_BYTES = 5_000
    httpserver.expect_request("/panne/Slot").respond_with_json(ig_bundle("PSIndiv"))
    source = _failing(httpserver)

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.status == RunStatus.FAILED
    assert "Réponse trop volumineuse" in run.errors[0]
    assert Slot.objects.count() == 0


def test_next_link_loop_is_stopped_and_slots_read_are_kept(httpserver, ig_professionals):
    page = ig_bundle("PSIndiv")
    page["link"].append({"relation": "next", "url": httpserver.url_for("/panne/Slot?page=2")})
    httpserver.expect_request("/panne/Slot").respond_with_json(page)
    source = _failing(httpserver)

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.status == RunStatus.FAILED
    assert run.errors == ["Lot 1/1 : Boucle de pagination (lien « next » déjà suivi) : arrêt."]
    assert run.created == 4
    assert len(httpserver.log) == 2


def test_next_links_are_followed_on_the_same_host_only(httpserver, ig_professionals):
    first, second = ig_bundle("PSIndiv"), ig_bundle("PSIndiv")
    first["entry"] = first["entry"][:4]  # Slot 1 and its context
    first["link"].append({"relation": "next", "url": httpserver.url_for("/panne/page2")})
    second["link"].append({"relation": "next", "url": "http://ailleurs.example/Slot?page=3"})
    httpserver.expect_request("/panne/Slot").respond_with_json(first)
    httpserver.expect_request("/panne/page2").respond_with_json(second)
    source = _failing(httpserver)

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.created == 4
    assert run.errors == ["Lot 1/1 : Lien « next » vers un autre hôte : refusé."]


def test_malformed_dangling_duplicate_and_out_of_window_slots_are_rejected_the_rest_kept(
    httpserver, ig_professionals
):
    bundle = ig_bundle("PSIndiv")
    slots = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot"]
    slots[0]["resource"]["status"] = "busy"
    slots[1]["resource"]["schedule"]["reference"] = "Schedule/fantome"
    slots[2]["resource"]["start"] = "2030-01-01T09:00:00+01:00"
    bundle["entry"].append(json.loads(json.dumps(slots[3])))
    httpserver.expect_request("/panne/Slot").respond_with_json(bundle)
    source = _failing(httpserver)

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.status == RunStatus.SUCCESS
    assert (run.fetched, run.created, run.rejected) == (5, 1, 4)
    assert sorted(r["reason"] for r in run.rejections) == [
        "Créneau en double dans la réponse (même identifiant).",
        "Hors de la fenêtre demandée.",
        "Référence introuvable dans la réponse : Schedule/fantome.",
        "Statut « busy » : seuls les créneaux libres sont agrégés.",
    ]


def test_circuit_opens_after_repeated_failures_and_closes_after_a_successful_probe(
    httpserver, healthy_source, settings
):
    settings.PLANNING_CONNECTOR_ATTEMPTS = 1
    settings.PLANNING_BREAKER_FAIL_MAX = 3
    settings.PLANNING_BREAKER_RESET_SECONDS = 600  # never reached by the 4 polls, however slow the machine
    httpserver.expect_request("/panne/Slot").respond_with_data("panne", status=500)
    source = _failing(httpserver)
    before = _snapshot()

    runs = [source_poll(source_id=source.pk, **WINDOW) for _ in range(4)]

    assert [r.requests for r in runs] == [1, 1, 1, 0]
    assert runs[3].errors[0].startswith("Circuit ouvert")
    assert breaker_state(source.name) == "open"
    assert _snapshot() == before and len(_search_agen()) == 4

    httpserver.clear()
    httpserver.expect_request("/panne/Slot").respond_with_json(ig_bundle("PSIndiv"))
    storage = CacheCircuitStorage(source.name)
    storage.opened_at -= timedelta(seconds=601)  # the reset timeout has elapsed: one probe goes through
    probe = source_poll(source_id=source.pk, **WINDOW)

    assert probe.status == RunStatus.SUCCESS and probe.created == 4
    assert breaker_state(source.name) == "closed"
    source.refresh_from_db()
    assert (source.health, source.consecutive_failures) == (SourceHealth.OK, 0)


def test_a_source_is_never_polled_twice_at_once(httpserver, db):
    from django.core.cache import cache

    from planning.services import source_poll_lock_key

    source = _failing(httpserver)
    cache.add(source_poll_lock_key(source.pk), "1", 60)

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.status == RunStatus.SKIPPED
    assert httpserver.log == []


def test_partial_failure_does_not_mark_the_failed_batch_gone(httpserver, ig_professionals):
    httpserver.expect_request("/panne/Slot").respond_with_json(ig_bundle("PSIndiv"))
    source = _failing(httpserver)
    source_poll(source_id=source.pk, **WINDOW)
    httpserver.clear()
    httpserver.expect_request("/panne/Slot").respond_with_data("panne", status=500)

    run = source_poll(source_id=source.pk, **WINDOW)

    assert run.gone == 0
    assert set(Slot.objects.values_list("status", flat=True)) == {SlotStatus.FREE}
