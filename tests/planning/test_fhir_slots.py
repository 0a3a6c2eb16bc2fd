"""FHIR R4 ``GET /fhir/r4/Slot`` over the slots the platform owns (issue 4 §7, INT_R01 / INT_R04):
the guide's query, a BundleAgregateur validated with ``fhir.resources.R4B``, pagination, errors as
OperationOutcome, token authentication, and a round trip through our own SAS IG connector."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from rest_framework.authtoken.models import Token

from planning.connectors.sas_ig import SasIgFhirConnector
from planning.enums import SlotStatus
from planning.models import AgendaSource, Slot, SourceRun
from planning.services import slots_ingest
from sas_platform.enums import Role
from tests.planning.factories import make_slot, professional_with_place

pytestmark = pytest.mark.django_db

RPPS, OTHER = "10000000301", "10000000302"
SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
URL = "/fhir/r4/Slot"


@pytest.fixture
def world(db):
    doctor = professional_with_place(
        RPPS, insee="13201", last_name="Durand", finess="130000001", postal_code="13001"
    )
    other = professional_with_place(OTHER, insee="13201", last_name="Autre")
    base = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=2)
    owned = [
        make_slot(doctor, base + timedelta(minutes=30 * n), slot_types=["SNP"], modalities=mods)
        for n, mods in enumerate((["AMB"], ["AMB", "VR"], ["HH"]))
    ]
    make_slot(doctor, base + timedelta(hours=3), status=SlotStatus.GONE)
    make_slot(doctor, base + timedelta(hours=4), status=SlotStatus.BOOKED, booking_reference="D-1")
    editor = AgendaSource.objects.create(name="editeur", label="Éditeur")
    make_slot(doctor, base + timedelta(hours=5), source=editor, external_id="chez-l-editeur")
    make_slot(other, base, slot_types=["SNP"])
    return {"doctor": doctor, "other": other, "owned": owned, "base": base}


@pytest.fixture
def consumer(make_user):
    user = make_user(territories=())
    user.user_permissions.add(
        Permission.objects.get(codename="consume_fhir_slots", content_type__app_label="planning")
    )
    return Token.objects.create(user=user).key


def _query(world, *, rpps=(RPPS,), count=None, **extra) -> list[tuple[str, str]]:
    base = world["base"]
    query = [
        ("_include", "Slot:schedule"),
        ("_include:iterate", "Schedule:actor"),
        ("start", f"ge{(base - timedelta(hours=1)).isoformat()}"),
        ("start", f"le{(base + timedelta(days=2)).isoformat()}"),
        ("schedule.actor:Practitioner.identifier", ",".join(f"{SYSTEM}|8{r}" for r in rpps)),
        ("status", "free"),
    ]
    if count:
        query.append(("_count", str(count)))
    return query + list(extra.items())


def _get(client, query, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(URL, QUERY_STRING=urlencode(query), headers=headers)


def test_search_answers_a_valid_bundle_shaped_like_the_guides(client, world, consumer):
    response = _get(client, _query(world), consumer)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    Bundle.model_validate(body)  # FHIR R4 (4.0.1) structure, every entry included
    assert body["type"] == "searchset" and body["total"] == 3
    assert body["meta"]["profile"] == ["http://sas.fr/fhir/StructureDefinition/BundleAgregateur"]
    assert [link["relation"] for link in body["link"]] == ["self"]
    kinds = [(e["resource"]["resourceType"], e["search"]["mode"]) for e in body["entry"]]
    assert kinds == [
        ("Slot", "match"),
        ("Schedule", "include"),
        ("Practitioner", "include"),
        ("PractitionerRole", "include"),
        ("Slot", "match"),
        ("Slot", "match"),
    ]
    slots = [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == "Slot"]
    assert [s["id"] for s in slots] == [str(s.pk) for s in world["owned"]]
    second = slots[1]
    assert second["meta"]["security"] == [
        {
            "system": "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau",
            "code": "SNP",
        }
    ]
    assert [c["coding"][0]["code"] for c in second["serviceType"]] == ["AMB", "VR"]
    assert {c["coding"][0]["system"] for c in second["serviceType"]} == {
        "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    }
    assert second["specialty"][0]["coding"][0]["code"] == "SM54"
    assert second["appointmentType"]["coding"][0]["code"] == "ROUTINE"
    assert second["status"] == "free"
    assert second["comment"] == f"http://testserver/planning/creneaux/{world['owned'][1].pk}/?canal=fhir"
    assert slots[2]["serviceType"][0]["coding"][0]["code"] == "HH"
    resources = {e["resource"]["resourceType"]: e["resource"] for e in body["entry"]}
    practitioner = resources["Practitioner"]
    assert practitioner["identifier"][0] | {"type": None} == {
        "type": None,
        "system": SYSTEM,
        "value": f"8{RPPS}",
    }
    role = resources["PractitionerRole"]
    assert role["organization"]["identifier"]["value"] == "1130000001"
    location = role["contained"][0]
    assert location["address"]["postalCode"] == "13001" and location["address"]["city"].startswith(
        "Marseille"
    )
    assert resources["Schedule"]["actor"] == [
        {"reference": f"Practitioner/{practitioner['id']}"},
        {"reference": f"PractitionerRole/{role['id']}"},
    ]
    assert all(e["fullUrl"].startswith("http://testserver/fhir/r4/") for e in body["entry"])


def test_without_includes_only_slots_are_returned(client, world, consumer):
    query = [(k, v) for k, v in _query(world) if not k.startswith("_include")]
    body = _get(client, query, consumer).json()
    assert {e["resource"]["resourceType"] for e in body["entry"]} == {"Slot"}


def test_next_link_pages_through_every_slot_once(client, world, consumer):
    seen, url, pages = [], None, 0
    response = _get(client, _query(world, rpps=(RPPS, OTHER), count=2), consumer)
    while True:
        pages += 1
        body = response.json()
        Bundle.model_validate(body)
        assert body["total"] == 4
        seen += [e["resource"]["id"] for e in body["entry"] if e["resource"]["resourceType"] == "Slot"]
        url = next((link["url"] for link in body["link"] if link["relation"] == "next"), None)
        if url is None:
            break
        parts = urlsplit(url)
        response = client.get(
            parts.path, QUERY_STRING=parts.query, headers={"Authorization": f"Bearer {consumer}"}
        )
    assert pages == 2
    assert len(seen) == len(set(seen)) == 4


def test_unprefixed_rpps_and_naive_paris_times_are_accepted(client, world, consumer):
    base = timezone.localtime(world["base"]).replace(tzinfo=None)
    query = [
        ("start", f"ge{(base - timedelta(hours=1)).isoformat()}"),
        ("start", f"le{(base + timedelta(days=1)).isoformat()}"),
        ("schedule.actor:Practitioner.identifier", f"{SYSTEM}|{RPPS}"),
        ("status", "free"),
    ]
    assert _get(client, query, consumer).json()["total"] == 3


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda q: [p for p in q if p[0] != "start"], "start=ge… et start=le… obligatoires"),
        (lambda q: [p for p in q if p[0] != "schedule.actor:Practitioner.identifier"], "obligatoire"),
        (lambda q: [*q, ("start", "eq2026-01-01")], "non pris en charge"),
        (lambda q: [("start", "gehier"), *q], "illisible"),
        (lambda q: [*q, ("status", "busy")], "free"),
        (lambda q: [*q, ("_count", "0")], "_count"),
        (lambda q: [*q, ("_page", "n-importe-quoi")], "curseur"),
        (lambda q: [*q, ("_include", "Slot:patient")], "_include=Slot:patient"),
        (
            lambda q: [(k, "http://autre|81" if k.startswith("schedule") else v) for k, v in q],
            "système",
        ),
        (
            lambda q: [
                (k, ",".join(f"{SYSTEM}|8{n:011d}" for n in range(26)) if k.startswith("schedule") else v)
                for k, v in q
            ],
            "25 identifiants au plus",
        ),
    ],
)
def test_bad_parameters_get_a_400_operation_outcome(client, world, consumer, change, fragment):
    response = _get(client, change(_query(world)), consumer)

    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["severity"] == "error"
    assert fragment in body["issue"][0]["diagnostics"]


def test_window_longer_than_31_days_is_refused(client, world, consumer):
    base = world["base"]
    query = [
        ("start", f"ge{base.isoformat()}"),
        ("start", f"le{(base + timedelta(days=40)).isoformat()}"),
        ("schedule.actor:Practitioner.identifier", f"{SYSTEM}|8{RPPS}"),
    ]
    assert _get(client, query, consumer).status_code == 400


@pytest.mark.parametrize("token", [None, "inconnu"])
def test_without_a_valid_token_401(client, world, token):
    response = _get(client, _query(world), token)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["issue"][0]["code"] == "security"


def test_a_token_without_the_permission_gets_403(client, world, make_user):
    token = Token.objects.create(user=make_user(Role.OSNP)).key
    response = _get(client, _query(world), token)
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"


def test_regulation_appointment_endpoint_still_answers_at_the_same_prefix(client):
    assert (
        client.post("/fhir/r4/Appointment", data="{}", content_type="application/fhir+json").status_code
        == 401
    )


def test_our_connector_reads_our_own_endpoint(world, consumer):
    """Round trip: the SAS IG connector (the guide's query, includes, ``next`` links, parsing with
    ``fhir.resources``) against this endpoint, then ``slots_ingest`` lands them on the same places."""
    django_client = Client()

    def handler(request: httpx.Request) -> httpx.Response:
        response = django_client.get(
            request.url.path,
            QUERY_STRING=request.url.query.decode(),
            headers={"Authorization": request.headers.get("Authorization", "")},
        )
        return httpx.Response(
            response.status_code, content=response.content, headers={"Content-Type": response["Content-Type"]}
        )

    source = AgendaSource.objects.create(
        name="plateforme-elle-meme",
        label="Nos propres créneaux",
        base_url="http://testserver/fhir/r4",
        request_token=consumer,
        rpps_list=[RPPS, OTHER],
    )
    client = httpx.Client(
        transport=httpx.MockTransport(handler), headers={"Authorization": f"Bearer {consumer}"}
    )
    base = world["base"]
    window = {"window_start": base - timedelta(hours=1), "window_end": base + timedelta(days=2)}

    result = SasIgFhirConnector(source, client=client).fetch(rpps=[RPPS, OTHER], **window)

    assert result.errors == [] and result.rejections == []
    assert result.complete_rpps == {RPPS, OTHER}
    parsed = {p.external_id: p for p in result.slots}
    assert sorted(parsed) == sorted(
        str(s.pk) for s in Slot.objects.filter(source__isnull=True, status="free")
    )
    first = parsed[str(world["owned"][1].pk)]
    assert (first.national_id, first.start, first.end) == (
        f"8{RPPS}",
        world["owned"][1].start,
        world["owned"][1].end,
    )
    assert (first.slot_types, first.modalities, first.specialty_codes) == (("SNP",), ("AMB", "VR"), ("SM54",))
    assert first.booking_url == (
        f"http://testserver{reverse('planning-slot', args=[world['owned'][1].pk])}?canal=fhir"
    )
    assert (first.organization_id, first.postal_code) == ("1130000001", "13001")

    run = slots_ingest(source=source, run=SourceRun.objects.create(source=source), result=result, **window)
    assert run.stats()["created"] == 4
    landed = Slot.objects.get(source=source, external_id=str(world["owned"][1].pk))
    assert landed.place_id == world["owned"][1].place_id and landed.modalities == ["AMB", "VR"]


# --- The booking page named by the Slot's comment ----------------------------------------------------
def test_booking_page_permissions(client, make_user, world):
    slot = world["owned"][0]
    url = reverse("planning-slot", args=[slot.pk])

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(make_user(Role.OSNP, territories=["84"]))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.EFFECTEUR))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.OSNP))
    response = client.get(url, {"origin": "sas"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Durand" in html and "Libre" in html and "Arrivée depuis la plateforme SAS" in html
    editor_slot = Slot.objects.get(external_id="chez-l-editeur")
    assert client.get(reverse("planning-slot", args=[editor_slot.pk])).status_code == 404
