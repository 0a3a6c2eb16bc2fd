"""Issue 14 in the Django process: the guide's formats (Slot instants, IDNST, telecom, Location
system), FHIR request handling (trailing slash, unknown parameters, ``Prefer: handling=strict``,
``Accept`` / ``_format``), the booking URL and ``origin=sas``, the proxy headers Django trusts, the
client certificates (``fhir_client_create``, admin) and the CapabilityStatement's security."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from types import SimpleNamespace
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from planning.fhir.resources import fhir_instant, practitioner_role_resource, structure_identifier
from planning.models import AgendaSource, FhirClientCertificate
from sas_platform.enums import Role
from sas_platform.models import User
from tests.planning.factories import make_slot, professional_with_place
from tests.planning.nginx_mtls import make_pki

pytestmark = pytest.mark.django_db

RPPS, SYSTEM, URL = "10000001501", "urn:oid:1.2.250.1.71.4.2.1", "/fhir/r4/Slot"
SECRET = "secret-du-proxy"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC), "2026-11-26T09:00:00.000+01:00"),  # winter
        (dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC), "2026-07-01T10:00:00.000+02:00"),  # summer
        # 1 h for 7 patients: the second slot starts at 8 min 34.285714 s, written in milliseconds.
        (
            dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC) + dt.timedelta(hours=1) / 7,
            "2026-11-26T09:08:34.285+01:00",
        ),
        (
            dt.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=dt.UTC),
            "2026-03-29T01:59:59.999+01:00",
        ),  # DST eve
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC), "2026-03-29T03:00:00.000+02:00"),
    ],
)
def test_slot_instants_are_paris_time_with_milliseconds_and_offset(moment, expected):
    assert fhir_instant(moment) == expected


@pytest.mark.parametrize(
    ("finess", "siret", "rang", "expected"),
    [
        ("130000001", "12345678900011", "10000001501001", "1130000001"),
        ("", "12345678900011", "10000001501001", "312345678900011"),
        ("", "", "10000001501001", "410000001501001"),
        ("", "", "", ""),
    ],
)
def test_structure_identifier_is_finess_then_siret_then_rpps_rang(finess, siret, rang, expected):
    assert structure_identifier(SimpleNamespace(finess=finess, siret=siret, rpps_rang=rang)) == expected


@pytest.mark.parametrize(
    ("phone", "telecom"),
    [
        ("04 91 00 00 01", [{"system": "phone", "value": "+33491000001"}]),
        ("0262 12 34 56", [{"system": "phone", "value": "+262262123456"}]),  # La Réunion
        ("pas de numéro", None),
        ("", None),
    ],
)
def test_practitioner_role_telecom_is_the_places_phone_in_e164(phone, telecom):
    doctor = professional_with_place(RPPS, postal_code="13001")
    place = doctor.places.get()
    place.phone, place.rpps_rang = phone, f"{RPPS}001"
    place.save()
    slot = make_slot(doctor, timezone.now() + dt.timedelta(hours=2))
    role = practitioner_role_resource(slot, place_system="https://plateforme.example/lieux")
    assert role.get("telecom") == telecom
    assert role["organization"]["identifier"]["value"] == f"4{RPPS}001"
    assert role["contained"][0]["identifier"][0]["system"] == "https://plateforme.example/lieux"


# --- Requests ----------------------------------------------------------------------------------
@pytest.fixture
def slots(db):
    doctor = professional_with_place(RPPS, postal_code="13001")
    base = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    return [make_slot(doctor, base + dt.timedelta(minutes=30 * n), slot_types=["SNP"]) for n in range(2)]


@pytest.fixture
def client_token(db):
    from planning.services import fhir_client_create

    return fhir_client_create(name="agregateur-test")["token"]


def _query(**extra) -> list[tuple[str, str]]:
    now = timezone.localtime()
    return [
        ("_include", "Slot:schedule"),
        ("_include:iterate", "Schedule:actor"),
        ("start", f"ge{now.isoformat()}"),
        ("start", f"le{(now + dt.timedelta(days=2)).isoformat()}"),
        ("schedule.actor:Practitioner.identifier", f"{SYSTEM}|8{RPPS}"),
        ("status", "free"),
        *extra.items(),
    ]


def _get(client, query, token=None, path=URL, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(path, QUERY_STRING=urlencode(query), headers=headers)


def test_trailing_slash_is_the_same_search(client, slots, client_token):
    plain, slashed = (
        _get(client, _query(), client_token),
        _get(client, _query(), client_token, path=f"{URL}/"),
    )
    assert plain.status_code == slashed.status_code == 200
    assert plain.json()["total"] == slashed.json()["total"] == 2


def test_unknown_parameters_are_ignored_and_left_out_of_the_self_link(client, slots, client_token):
    response = _get(client, _query(_sort="start", foo="bar"), client_token)
    assert response.status_code == 200 and response.json()["total"] == 2
    used = parse_qs(urlsplit(response.json()["link"][0]["url"]).query)
    assert "_sort" not in used and "foo" not in used
    assert used["start"][0].startswith("ge") and used["status"] == ["free"]


def test_prefer_handling_strict_refuses_unknown_parameters(client, slots, client_token):
    response = _get(client, _query(_sort="start"), client_token, Prefer="handling=strict")
    assert response.status_code == 400
    assert "Paramètre non pris en charge : _sort" in response.json()["issue"][0]["diagnostics"]
    assert _get(client, _query(), client_token, Prefer="handling=strict").status_code == 200


@pytest.mark.parametrize(
    ("accept", "fmt", "status"),
    [
        ("application/json+fhir", None, 200),  # the kit's
        ("application/fhir+json", None, 200),
        ("application/json", None, 200),
        ("*/*", None, 200),
        ("application/fhir+xml", None, 406),
        ("text/html", None, 406),
        ("application/fhir+xml", "json", 200),  # _format wins
        (None, "application/fhir+json", 200),
        (None, "xml", 406),
    ],
)
def test_accept_and_format(client, slots, client_token, accept, fmt, status):
    headers = {"Accept": accept} if accept else {}
    response = _get(client, _query(**({"_format": fmt} if fmt else {})), client_token, **headers)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/fhir+json")
    if status == 406:
        assert response.json()["resourceType"] == "OperationOutcome"


def test_booking_url_takes_origin_sas_through_the_login(client, slots, client_token, make_user):
    """The comment has a query string; the national platform appends ``&origin=sas``; the regulator
    signs in (PSC later) and lands on the slot's page, marked as coming from the SAS platform."""
    bundle = _get(client, _query(), client_token).json()
    comment = next(
        e["resource"]["comment"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot"
    )
    assert urlsplit(comment).query == "canal=fhir"
    target = urlsplit(f"{comment}&origin=sas")
    anonymous = client.get(target.path, QUERY_STRING=target.query)
    assert anonymous.status_code == 302
    login = urlsplit(anonymous["Location"])
    assert parse_qs(login.query)["next"] == [f"{target.path}?{target.query}"]  # origin=sas kept
    client.force_login(make_user(Role.REGULATEUR))
    page = client.get(target.path, QUERY_STRING=target.query)
    assert page.status_code == 200 and "Arrivée depuis la plateforme SAS" in page.content.decode()


def test_origin_sas_goes_straight_to_pro_sante_connect_when_enabled(client, slots, client_token, settings):
    settings.PSC_ENABLED = True
    target = f"/planning/creneaux/{slots[0].pk}/?canal=fhir&origin=sas"
    to_psc = urlsplit(client.get(target)["Location"])
    assert to_psc.path == "/psc/connexion/" and parse_qs(to_psc.query)["next"] == [target]
    without_origin = urlsplit(client.get(f"/planning/creneaux/{slots[0].pk}/?canal=fhir")["Location"])
    assert without_origin.path == "/connexion/"  # the login page (PSC button and password form)


# --- Proxy headers and client certificates ------------------------------------------------------
@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki-unit"))


def _proxied(pki, which="valid", secret=SECRET) -> dict:
    return {
        "X-Mtls-Proxy-Secret": secret,
        "X-SSL-Client-Verify": "SUCCESS",
        "X-SSL-Client-Cert": quote(pki.pem(which)),
    }


def test_a_registered_certificate_reads_the_slots_only_through_the_trusted_proxy(
    client, slots, pki, settings
):
    from planning.services import fhir_client_create

    fhir_client_create(name="plateforme-nationale", certificate_pem=pki.pem("valid"))
    settings.FHIR_MTLS_PROXY_SECRET = SECRET
    assert _get(client, _query(), **_proxied(pki)).json()["total"] == 2
    assert _get(client, _query(), **_proxied(pki, secret="autre")).status_code == 401  # not our proxy
    unregistered = _get(client, _query(), **_proxied(pki, "bad_ou"))
    assert (
        unregistered.status_code == 403 and "non enregistré" in unregistered.json()["issue"][0]["diagnostics"]
    )
    failed = {**_proxied(pki), "X-SSL-Client-Verify": "FAILED:certificate revoked"}
    assert _get(client, _query(), **failed).status_code == 401
    settings.FHIR_MTLS_PROXY_SECRET = ""
    assert _get(client, _query(), **_proxied(pki)).status_code == 401  # nothing configured: ignored
    settings.FHIR_MTLS_TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR
    assert _get(client, _query(), **_proxied(pki, secret="")).status_code == 200
    record = FhirClientCertificate.objects.get()
    assert record.last_used_at is not None and "CN=plateforme-nationale.sas.sante.fr" in record.subject


def test_subject_and_serial_match_only_when_allowed(client, slots, pki, settings):
    from planning.services import fhir_client_certificate_register, fhir_consumer_grant

    user, _, _ = fhir_consumer_grant(email="renouvele@clients.test")
    record = fhir_client_certificate_register(name="ancien", pem=pki.pem("valid"), user=user)
    settings.FHIR_MTLS_PROXY_SECRET = SECRET
    FhirClientCertificate.objects.filter(pk=record.pk).update(sha256="0" * 64)  # "another" certificate
    assert _get(client, _query(), **_proxied(pki)).status_code == 403
    FhirClientCertificate.objects.filter(pk=record.pk).update(match_subject_serial=True)
    assert _get(client, _query(), **_proxied(pki)).status_code == 200


def test_an_agenda_sources_certificate_speaks_for_it_on_appointment(client, pki, settings):
    from planning.services import fhir_client_certificate_register

    source = AgendaSource.objects.create(name="editeur-mtls", label="Éditeur mTLS")
    fhir_client_certificate_register(name="éditeur", pem=pki.pem("bad_cn"), source=source)
    settings.FHIR_MTLS_PROXY_SECRET = SECRET
    assert client.get("/fhir/r4/Appointment/999999").status_code == 401
    assert client.get("/fhir/r4/Appointment/999999", headers=_proxied(pki, "bad_cn")).status_code == 404


def test_fhir_client_create_prints_one_json_line_last(tmp_path, pki):
    pem_file = tmp_path / "client.pem"
    pem_file.write_text(pki.pem("valid"))
    out = StringIO()
    call_command("fhir_client_create", "plateforme-nationale-sas", "--certificate", str(pem_file), stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    record = FhirClientCertificate.objects.get()
    assert result == {
        "client": "plateforme-nationale-sas",
        "token": result["token"],
        "certificate_sha256": record.sha256,
    }
    assert record.user.email == "plateforme-nationale-sas@clients-fhir.invalid"
    again = StringIO()
    call_command("fhir_client_create", "plateforme-nationale-sas", stdout=again)
    second = json.loads(again.getvalue().strip().splitlines()[-1])
    # a second run rotates the machine token (fhir_consumer_grant, issue 13): the old one stops working
    assert second == {
        "client": "plateforme-nationale-sas",
        "token": second["token"],
        "certificate_sha256": None,
    }
    assert second["token"] != result["token"]
    assert User.objects.filter(email__endswith="@clients-fhir.invalid").count() == 1


def test_fhir_client_create_refuses_an_unreadable_certificate(tmp_path):
    (tmp_path / "faux.pem").write_text("pas un certificat")
    with pytest.raises(CommandError, match="Certificat illisible"):
        call_command(
            "fhir_client_create", "x", "--certificate", str(tmp_path / "faux.pem"), stdout=StringIO()
        )
    with pytest.raises(CommandError, match="Certificat illisible"):
        call_command(
            "fhir_client_create", "x", "--certificate", str(tmp_path / "absent.pem"), stdout=StringIO()
        )
    assert (
        not FhirClientCertificate.objects.exists()
        and not User.objects.filter(email="x@clients-fhir.invalid").exists()
    )


def test_admin_registers_a_certificate_from_its_pem(client, make_user, pki):
    consumer = make_user(territories=())
    url = "/admin/planning/fhirclientcertificate/add/"
    client.force_login(make_user(Role.OSNP))
    assert client.get(url).status_code == 302  # to the admin log-in
    client.force_login(make_user(Role.ADMIN_PLATEFORME))
    assert client.get(url).status_code == 200
    bad = client.post(url, {"name": "x", "user": consumer.pk, "pem": "nope", "is_active": "on"})
    assert bad.status_code == 200 and "Certificat illisible" in bad.content.decode()
    assert not FhirClientCertificate.objects.exists()
    client.post(url, {"name": "plateforme", "user": consumer.pk, "pem": pki.pem("valid"), "is_active": "on"})
    record = FhirClientCertificate.objects.get()
    assert len(record.sha256) == 64 and record.user == consumer and record.serial


def test_capability_statement_declares_certificates(client):
    security = client.get("/fhir/r4/metadata").json()["rest"][0]["security"]
    assert security["service"][0]["coding"][0]["code"] == "Certificates"
    assert "TLS mutuel" in security["description"]
