"""The ANS's official test kit for the SAS guide (``ansforge/interop-outil-fhir-sas-test-kit``,
Inferno, v0.3.0), provider side, reproduced against the platform's ``GET /fhir/r4/Slot`` (issue 14).

Each test is named after a group of the kit and runs its tests (``tests/planning/ans_kit_checks.py``,
one function per kit test id) on the kit's own request (same parameters, same encoding, same
headers: ``Accept: application/json+fhir``, no token), sent **through nginx with mutual TLS**: the
deployment's template (``deploy/nginx/sas-mtls.conf.template``) rendered on free ports of
127.0.0.1, a test CA (standing for IGC-Santé) and its CRL, the national platform's client
certificate registered with ``fhir_client_create``, Django's live server behind. Without nginx
installed, the content groups go straight to the live server with the client's token and the
transport groups (TLS, mTLS, the national platform's request) are skipped, saying why.

The bundles are also validated with ``fhir.resources`` (R4B) and against the guide's
StructureDefinitions (``tests/planning/fhir_profiles.py``: no offline Python profile validator
exists; what it checks and does not is written there).
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import time
import warnings

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from cpts.models import PracticePlace, Professional
from planning.enums import AvailabilityKind
from planning.services import declared_availability_create, declared_slots_generate, fhir_client_create
from planning.services.fhir_access import fhir_client_certificate_register
from sas_platform.models import Commune
from tests.planning import ans_kit_checks as kit
from tests.planning.fhir_profiles import bundle_violations
from tests.planning.nginx_mtls import NGINX, make_pki, nginx_running, tls_context

pytestmark = pytest.mark.usefixtures("transactional_db")

SECRET = "secret-partage-du-proxy-de-test"
SOLO, MULTI, THIRD = "10000001401", "10000001402", "10000001403"
NO_NGINX = "nginx absent (apt-get install nginx, ou make system-deps) : tests TLS/mTLS non exécutés"


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def proxy(live_server, pki, tmp_path_factory):
    if NGINX is None:
        yield None
        return
    with nginx_running(
        tmp_path_factory.mktemp("nginx"), pki=pki, upstream=live_server.url, secret=SECRET
    ) as nginx:
        yield nginx


@pytest.fixture(autouse=True)
def _geography(transactional_db):
    """The live server's flush (``transactional_db`` set up by pytest-django's own autouse fixture,
    so torn down after the conftest's restore) may have emptied the geography: copy it back."""
    from sas_platform.models import Region
    from tests.conftest import _geography_restore

    if not Region.objects.exists():
        _geography_restore()


@pytest.fixture(autouse=True)
def _trust_the_proxy(settings):
    settings.FHIR_MTLS_PROXY_SECRET = SECRET


@pytest.fixture
def national_platform(pki):
    """The national platform as an operator registers it; its revoked certificate stays registered
    so that only the CRL refuses it."""
    client = fhir_client_create(name="plateforme-nationale-sas", certificate_pem=pki.pem("valid"))
    from sas_platform.models import User

    user = User.objects.get(auth_token__key=client["token"])
    fhir_client_certificate_register(name="révoqué", pem=pki.pem("revoked"), user=user)
    return client


def _place(professional, key, **fields) -> PracticePlace:
    commune = Commune.objects.get(insee_code=fields.pop("insee", "13201"))
    return PracticePlace.objects.create(
        professional=professional,
        source_key=f"kit:{key}",
        commune=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
        **fields,
    )


@pytest.fixture
def kit_world(transactional_db):
    """Dr SOLO (one place, RPPS-rang, 3 then 7 patients: 20 min and 8 min 34.28… s slots, AMB + VR),
    Dr MULTI (two places: FINESS and SIRET), Dr THIRD (SIRET) — declared tomorrow in Paris."""
    tomorrow = dt.datetime.now(kit.PARIS).date() + dt.timedelta(days=1)
    doctors = {}
    for rpps, first, last in ((SOLO, "Claire", "Solo"), (MULTI, "Marc", "Multi"), (THIRD, "Inès", "Tiers")):
        doctors[rpps] = Professional.objects.create(
            identifier_type="8", identifier=rpps, first_name=first, last_name=last, specialty_code="SM54"
        )
    solo = _place(
        doctors[SOLO], "solo", name="Cabinet Solo", address="12 rue de la République", postal_code="13001",
        phone="04 91 00 00 01", rpps_rang=f"{SOLO}001",
    )  # fmt: skip
    multi_a = _place(doctors[MULTI], "multi-a", address="1 quai du Port", postal_code="13002",
                     phone="0491000002", finess="130000002", insee="13202")  # fmt: skip
    multi_b = _place(doctors[MULTI], "multi-b", address="3 cours Mirabeau", postal_code="13100",
                     phone="+33442000003", siret="12345678900013", insee="13001")  # fmt: skip
    third = _place(doctors[THIRD], "third", address="5 rue Paradis", postal_code="13006",
                   phone="04 91 00 00 04", siret="98765432100019", insee="13206")  # fmt: skip
    for professional, place, hours, modalities, patients in (
        (doctors[SOLO], solo, (10, 11), ["AMB"], 3),
        (doctors[SOLO], solo, (15, 16), ["VR"], 7),
        (doctors[MULTI], multi_a, (9, 10), ["AMB"], 2),
        (doctors[MULTI], multi_b, (14, 15), ["AMB"], 2),
        (doctors[THIRD], third, (11, 12), ["AMB"], 2),
    ):
        declared_availability_create(
            professional=professional, actor=None, kind=AvailabilityKind.ONE_OFF, date=tomorrow,
            start_time=dt.time(hours[0]), end_time=dt.time(hours[1]), modalities=modalities,
            patients=patients, place=place,
        )  # fmt: skip
    declared_slots_generate(professional_ids=[d.pk for d in doctors.values()])
    return doctors


@pytest.fixture
def kit_search(proxy, pki, live_server, national_platform):
    """``kit_search([rpps…])`` → (response, request URL, window): the kit's setup request."""

    def _search(rpps: list[str], *, client: str = "valid"):
        window = kit.kit_window()
        path = f"/fhir/r4/Slot?{kit.kit_query([f'8{r}' for r in rpps], window)}"
        if proxy is None:
            headers = {**kit.KIT_HEADERS, "Authorization": f"Bearer {national_platform['token']}"}
            url = f"{live_server.url}{path}"
            return httpx.get(url, headers=headers), url, window
        url = f"{proxy.mtls_url}{path}"
        return httpx.get(url, headers=kit.KIT_HEADERS, verify=tls_context(pki, client)), url, window

    return _search


def _valid(bundle: dict) -> None:
    Bundle.model_validate(bundle)
    assert bundle_violations(bundle) == []


def test_capability_statement_group(proxy, pki, live_server, national_platform):
    """``capability_statement``: GET [base]/metadata → 200, a CapabilityStatement (mTLS client)."""
    if proxy is None:
        response = httpx.get(f"{live_server.url}/fhir/r4/metadata", headers=kit.KIT_HEADERS)
    else:
        response = httpx.get(
            f"{proxy.mtls_url}/fhir/r4/metadata", headers=kit.KIT_HEADERS, verify=tls_context(pki, "valid")
        )
    assert response.status_code == 200
    statement = response.json()
    CapabilityStatement.model_validate(statement)
    security = statement["rest"][0]["security"]
    assert security["service"][0]["coding"][0]["code"] == "Certificates"


def test_performance_group(kit_world, proxy, pki, live_server, national_platform, kit_search):
    """``performance_group``: the kit's request (its ``+00`` offset) answers 200, a Bundle, in < 1 s."""
    window = kit.kit_window()
    path = f"/fhir/r4/Slot?{kit.kit_query([f'8{SOLO}'], window, suffix='.000+00')}"
    if proxy is None:
        headers = {**kit.KIT_HEADERS, "Authorization": f"Bearer {national_platform['token']}"}
        url, verify = f"{live_server.url}{path}", True
    else:
        headers, url, verify = kit.KIT_HEADERS, f"{proxy.mtls_url}{path}", tls_context(pki, "valid")
    httpx.get(url, headers=headers, verify=verify)  # a running server is warm (imports, URLconf)
    timings = []
    for _ in range(3):
        started = time.monotonic()
        response = httpx.get(url, headers=headers, verify=verify)  # a new TLS handshake each time
        timings.append(time.monotonic() - started)
    elapsed = sorted(timings)[1]
    assert response.status_code == 200 and response.json()["resourceType"] == "Bundle"
    assert response.json()["total"] == 10
    assert elapsed < 1, f"Temps de réponse supérieur à 1 seconde ({timings})"
    print(f"performance_group : médiane {elapsed * 1000:.0f} ms, {[round(t * 1000) for t in timings]} ms")


def test_slot_group_validation_du_bundle(kit_world, kit_search):
    """``slot_group``: setup, then the Bundle is valid against BundleAgregateur (and its entries
    against their profiles)."""
    response, _, _ = kit_search([SOLO])
    bundle = kit.slot_search_setup(response)
    _valid(bundle)


def test_single_practitioner_single_location(kit_world, kit_search):
    """``single_practitioner_single_location`` (PS avec un seul lieu de consultation)."""
    response, url, window = kit_search([SOLO])
    bundle = kit.slot_search_setup(response)
    kit.validate_cardinality(bundle)
    kit.validate_rpps(bundle, f"8{SOLO}")
    kit.validate_dates(bundle, window[1])
    kit.validate_ref(bundle)
    kit.validate_location(bundle)
    kit.bundle_url_equal_url(bundle, url)
    kit.slot_has_url(bundle)
    kit.ps_validate_slots_status(bundle)
    kit.ps_validate_appointment_type(bundle)
    _valid(bundle)


def test_multi_lieux_group(kit_world, kit_search):
    """``multi_lieux_group`` (PS multi-lieux): two places of one professional."""
    response, url, window = kit_search([MULTI])
    bundle = kit.slot_search_setup(response)
    kit.multi_lieux(bundle)
    kit.validate_dates(bundle, window[1])
    kit.validate_location(bundle)
    kit.bundle_url_equal_url(bundle, url)
    _valid(bundle)


def test_search_multiple_ps_group(kit_world, kit_search):
    """``search_multiple_ps_group`` (multi-professionnels): two RPPS in one request."""
    response, url, window = kit_search([SOLO, THIRD])
    bundle = kit.slot_search_setup(response)
    kit.search_multiple_ps(bundle, [f"8{SOLO}", f"8{THIRD}"])
    kit.validate_dates(bundle, window[1])
    kit.bundle_url_equal_url(bundle, url)
    _valid(bundle)


def test_practitioner_optionnel_group(kit_world, kit_search):
    """``practi_optionnel_group_ps`` (champs optionnels): name, first name, RPPS, IDNST, phone —
    for the three kinds of structure identifier (RPPS-rang, FINESS, SIRET)."""
    for rpps in (SOLO, MULTI, THIRD):
        response, _, _ = kit_search([rpps])
        kit.practitioner_optionnel(kit.slot_search_setup(response))
    bundle = kit_search([SOLO])[0].json()
    role = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "PractitionerRole")
    assert role["organization"]["identifier"]["value"] == f"4{SOLO}001"
    assert role["telecom"] == [{"system": "phone", "value": "+33491000001"}]


def test_options_slot_group(kit_world, kit_search):
    """``optionslots_group`` (options de créneaux): the slot types and consultation types declared."""
    response, _, _ = kit_search([SOLO, MULTI, THIRD])
    kit.options_slot(kit.slot_search_setup(response), slot_types={"SNP"}, consultation_types={"AMB", "VR"})


def test_cpts_groups_need_vacation_slots():
    """``single_practitioner_multiple_cpts`` / ``orga_optionnel_group`` (IG CPTS launch)."""
    pytest.skip(
        "Groupes CPTS du kit : les créneaux de vacation CPTS ne sont pas encore servis par /fhir/r4/Slot."
    )


# --- Transport: TLS versions, mutual TLS (the kit's ``tls`` and ``mtls_group``) ---------------------
def test_tls_group_only_secure_versions(proxy, pki):
    """``tls_version_test``: TLS ≥ 1.2 only."""
    if proxy is None:
        pytest.skip(NO_NGINX)
    for port in (proxy.mtls_port, proxy.https_port):
        context = tls_context(pki, None)
        with (
            socket.create_connection(("127.0.0.1", port)) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            assert tls.version() in {"TLSv1.2", "TLSv1.3"}
        old = tls_context(pki, None)
        with warnings.catch_warnings():  # asking for TLS 1.1 on purpose
            warnings.simplefilter("ignore", DeprecationWarning)
            old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            old.maximum_version = ssl.TLSVersion.TLSv1_1
        with pytest.raises((ssl.SSLError, OSError)), socket.create_connection(("127.0.0.1", port)) as raw:
            old.wrap_socket(raw, server_hostname="127.0.0.1").close()


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        ("valid", 200),  # Test certificat valide
        ("bad_cn", 403),  # Test certificat mauvais cname: chains to the CA, not registered
        ("bad_ou", 403),  # Test certificat mauvais OU
        ("revoked", 400),  # Test certificat revoqué: the CRL (nginx, OperationOutcome)
        (None, 401),  # Test sans certificat
        ("other_ca", 400),  # (more) a certificate of another CA
    ],
)
def test_mtls_group(kit_world, proxy, kit_search, client, expected):
    """``mtls_group``: the valid certificate reads the slots; the others get a 4xx, never a slot."""
    if proxy is None:
        pytest.skip(NO_NGINX)
    response, _, _ = kit_search([SOLO], client=client)
    assert response.status_code == expected, response.text[:300]
    body = response.json()
    if expected == 200:
        assert body["total"] == 10
    else:
        assert body["resourceType"] == "OperationOutcome"


def test_proxy_headers_are_trusted_only_from_the_proxy(kit_world, proxy, pki, live_server, national_platform):
    """A client forging the proxy's headers, straight to Django or through the web port: 401."""
    if proxy is None:
        pytest.skip(NO_NGINX)
    from urllib.parse import quote

    forged = {
        **kit.KIT_HEADERS,
        "X-SSL-Client-Verify": "SUCCESS",
        "X-SSL-Client-Cert": quote(pki.pem("valid")),
        "X-Mtls-Proxy-Secret": "devine",
    }
    path = f"/fhir/r4/Slot?{kit.kit_query([f'8{SOLO}'], kit.kit_window())}"
    assert httpx.get(f"{live_server.url}{path}", headers=forged).status_code == 401
    through_web = httpx.get(f"{proxy.https_url}{path}", headers=forged, verify=tls_context(pki, None))
    assert through_web.status_code == 401
    with_token = {**kit.KIT_HEADERS, "Authorization": f"Bearer {national_platform['token']}"}
    assert (
        httpx.get(f"{proxy.https_url}{path}", headers=with_token, verify=tls_context(pki, None)).status_code
        == 200
    )


def test_national_platform_request_byte_for_byte_gets_the_demo_slots(proxy, pki, national_platform):
    """The kit's request exactly as it leaves the national platform (no token, its client
    certificate, ``Accept: application/json+fhir``), written on the TLS socket byte for byte, for
    the demo effecteur (Dr Claire MARTIN, declared Tuesdays 14-16 h and Thursdays 9-10 h) on the day
    before her next Thursday: her Thursday slots come back."""
    if proxy is None:
        pytest.skip(NO_NGINX)
    from cpts.models import Professional
    from sas_platform.demo import demo_seed

    demo_seed()
    declared_slots_generate()
    rpps = Professional.objects.get(user__email="effecteur@demo.sas").identifier
    today = dt.datetime.now(kit.PARIS).date()
    thursday = today + dt.timedelta(days=(3 - today.weekday()) % 7 or 7)
    day_before = dt.datetime.combine(thursday - dt.timedelta(days=1), dt.time(8), tzinfo=kit.PARIS)
    window = kit.kit_window(day_before)
    request = (
        f"GET /fhir/r4/Slot?{kit.kit_query([f'8{rpps}'], window)} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{proxy.mtls_port}\r\n"
        "User-Agent: Ruby FHIR Client\r\n"
        "Accept-Charset: utf-8\r\n"
        "Accept: application/json+fhir\r\n"
        "Content-Type: application/json\r\n"
        "Accept-Encoding: gzip;q=1.0,deflate;q=0.6,identity;q=0.3\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    context = tls_context(pki, "valid")
    with (
        socket.create_connection(("127.0.0.1", proxy.mtls_port)) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(request)
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert b"application/fhir+json" in head
    if b"chunked" in head.lower():
        body = _unchunk(body)
    import json

    bundle = json.loads(body)
    slots = [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == "Slot"]
    assert slots and {s["start"][:10] for s in slots} == {thursday.isoformat()}
    assert all(s["start"].endswith("+01:00") or s["start"].endswith("+02:00") for s in slots)
    kit.validate_ref(bundle)
    kit.validate_location(bundle)
    kit.practitioner_optionnel(bundle)  # the demo's cabinets: IDNST 4 + RPPS-rang, their phone
    _valid(bundle)


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, body = body.partition(b"\r\n")
        length = int(size, 16)
        if length == 0:
            break
        out, body = out + body[:length], body[length + 2 :]
    return out
