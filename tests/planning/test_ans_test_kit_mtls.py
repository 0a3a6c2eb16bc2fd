"""The transport groups of the ANS test kit (``tls``, ``mtls_group``) and the national platform's
request byte for byte, through a real nginx with mutual TLS in front of Django's live server
(issue 14; fixtures in ``tests/planning/ans_kit_fixtures.py``). Skipped, saying why, only when
nginx is not installed (``make system-deps`` installs it)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import warnings
from urllib.parse import quote

import httpx
import pytest

from planning.services import declared_slots_generate
from tests.planning import ans_kit_checks as kit
from tests.planning.ans_kit_fixtures import NO_NGINX, SOLO
from tests.planning.fhir_profiles import valid_bundle
from tests.planning.nginx_mtls import tls_context

pytestmark = pytest.mark.usefixtures(
    "kit_geography_after_module", "transactional_db", "kit_geography", "kit_trust_the_proxy"
)


# --- Transport: TLS versions, mutual TLS (the kit's ``tls`` and ``mtls_group``) ---------------------
def test_tls_group_only_secure_versions(kit_proxy, kit_pki):
    """``tls_version_test``: TLS ≥ 1.2 only."""
    if kit_proxy is None:
        pytest.skip(NO_NGINX)
    for port in (kit_proxy.mtls_port, kit_proxy.https_port):
        context = tls_context(kit_pki, None)
        with (
            socket.create_connection(("127.0.0.1", port)) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            assert tls.version() in {"TLSv1.2", "TLSv1.3"}
        old = tls_context(kit_pki, None)
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
def test_mtls_group(kit_world, kit_proxy, kit_search, client, expected):
    """``mtls_group``: the valid certificate reads the slots; the others get a 4xx, never a slot."""
    if kit_proxy is None:
        pytest.skip(NO_NGINX)
    response, _, _ = kit_search([SOLO], client=client)
    assert response.status_code == expected, response.text[:300]
    body = response.json()
    if expected == 200:
        assert body["total"] == 10
    else:
        assert body["resourceType"] == "OperationOutcome"


def test_proxy_headers_are_trusted_only_from_the_proxy(
    kit_world, kit_proxy, kit_pki, live_server, kit_national_platform
):
    """A client forging the proxy's headers, straight to Django or through the web port: 401."""
    if kit_proxy is None:
        pytest.skip(NO_NGINX)
    forged = {
        **kit.KIT_HEADERS,
        "X-SSL-Client-Verify": "SUCCESS",
        "X-SSL-Client-Cert": quote(kit_pki.pem("valid")),
        "X-Mtls-Proxy-Secret": "devine",
    }
    path = f"/fhir/r4/Slot?{kit.kit_query([f'8{SOLO}'], kit.kit_window())}"
    assert httpx.get(f"{live_server.url}{path}", headers=forged).status_code == 401
    through_web = httpx.get(f"{kit_proxy.https_url}{path}", headers=forged, verify=tls_context(kit_pki, None))
    assert through_web.status_code == 401
    with_token = {**kit.KIT_HEADERS, "Authorization": f"Bearer {kit_national_platform['token']}"}
    assert (
        httpx.get(
            f"{kit_proxy.https_url}{path}", headers=with_token, verify=tls_context(kit_pki, None)
        ).status_code
        == 200
    )


def test_national_platform_request_byte_for_byte_gets_the_demo_slots(
    kit_proxy, kit_pki, kit_national_platform
):
    """The kit's request exactly as it leaves the national platform (no token, its client
    certificate, ``Accept: application/json+fhir``), written on the TLS socket byte for byte, for
    the demo effecteur (Dr Claire MARTIN, declared Tuesdays 14-16 h and Thursdays 9-10 h) on the day
    before her next Thursday: her Thursday slots come back."""
    if kit_proxy is None:
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
        f"Host: 127.0.0.1:{kit_proxy.mtls_port}\r\n"
        "User-Agent: Ruby FHIR Client\r\n"
        "Accept-Charset: utf-8\r\n"
        "Accept: application/json+fhir\r\n"
        "Content-Type: application/json\r\n"
        "Accept-Encoding: gzip;q=1.0,deflate;q=0.6,identity;q=0.3\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    context = tls_context(kit_pki, "valid")
    with (
        socket.create_connection(("127.0.0.1", kit_proxy.mtls_port)) as raw,
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
    bundle = json.loads(body)
    slots = [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == "Slot"]
    assert slots and {s["start"][:10] for s in slots} == {thursday.isoformat()}
    assert all(s["start"].endswith("+01:00") or s["start"].endswith("+02:00") for s in slots)
    kit.validate_ref(bundle)
    kit.validate_location(bundle)
    kit.practitioner_optionnel(bundle)  # the demo's cabinets: IDNST 4 + RPPS-rang, their phone
    valid_bundle(bundle)


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, body = body.partition(b"\r\n")
        length = int(size, 16)
        if length == 0:
            break
        out, body = out + body[:length], body[length + 2 :]
    return out
