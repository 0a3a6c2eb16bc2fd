"""Fixtures of the ANS test kit modules (``test_ans_test_kit.py``, ``test_ans_test_kit_mtls.py``,
issue 14): the test PKI, nginx with mutual TLS in front of the live server, the national platform
registered as a client, the professionals the kit asks about, and the kit's request."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from cpts.models import PracticePlace, Professional
from planning.enums import AvailabilityKind
from planning.services import declared_availability_create, declared_slots_generate, fhir_client_create
from planning.services.fhir_access import fhir_client_certificate_register
from sas_platform.models import Commune
from tests.planning import ans_kit_checks as kit
from tests.planning.nginx_mtls import NGINX, make_pki, nginx_running, tls_context

SECRET = "secret-partage-du-proxy-de-test"
SOLO, MULTI, THIRD = "10000001401", "10000001402", "10000001403"
NO_NGINX = "nginx absent (apt-get install nginx, ou make system-deps) : tests TLS/mTLS non exécutés"


@pytest.fixture(scope="session")
def kit_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def kit_proxy(live_server, kit_pki, tmp_path_factory):
    if NGINX is None:
        yield None
        return
    with nginx_running(
        tmp_path_factory.mktemp("nginx"), pki=kit_pki, upstream=live_server.url, secret=SECRET
    ) as nginx:
        yield nginx


@pytest.fixture(scope="module")
def kit_geography_after_module(django_db_blocker):
    """After the module's last test: the live server's flush comes after the conftest's restore
    (pytest-django's ``_live_server_helper`` sets ``transactional_db`` up first), so the tests that
    follow in this process would find no geography; put it back once the last flush is done."""
    yield
    from sas_platform.models import Region
    from tests.conftest import _geography_restore

    with django_db_blocker.unblock():
        if not Region.objects.exists():
            _geography_restore()


@pytest.fixture
def kit_geography(transactional_db):
    """The live server's flush (``transactional_db`` set up by pytest-django's own autouse fixture,
    so torn down after the conftest's restore) may have emptied the geography: copy it back."""
    from sas_platform.models import Region
    from tests.conftest import _geography_restore

    if not Region.objects.exists():
        _geography_restore()


@pytest.fixture
def kit_trust_the_proxy(settings):
    settings.FHIR_MTLS_PROXY_SECRET = SECRET


@pytest.fixture
def kit_national_platform(kit_pki):
    """The national platform as an operator registers it; its revoked certificate stays registered
    so that only the CRL refuses it."""
    client = fhir_client_create(name="plateforme-nationale-sas", certificate_pem=kit_pki.pem("valid"))
    from sas_platform.models import User

    user = User.objects.get(auth_token__key=client["token"])
    fhir_client_certificate_register(name="révoqué", pem=kit_pki.pem("revoked"), user=user)
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
def kit_search(kit_proxy, kit_pki, live_server, kit_national_platform):
    """``kit_search([rpps…])`` → (response, request URL, window): the kit's setup request."""

    def _search(rpps: list[str], *, client: str = "valid", cpts: bool = False):
        window = kit.kit_window()
        options = {"suffix": ".000", "cpts": True} if cpts else {}
        path = f"/fhir/r4/Slot?{kit.kit_query([f'8{r}' for r in rpps], window, **options)}"
        if kit_proxy is None:
            headers = {**kit.KIT_HEADERS, "Authorization": f"Bearer {kit_national_platform['token']}"}
            url = f"{live_server.url}{path}"
            return httpx.get(url, headers=headers), url, window
        url = f"{kit_proxy.mtls_url}{path}"
        return httpx.get(url, headers=kit.KIT_HEADERS, verify=tls_context(kit_pki, client)), url, window

    return _search


@pytest.fixture
def kit_cpts_world(transactional_db):
    """One doctor, member of two CPTS (the first with a FINESS, the second a SIRET, both with a
    phone), assigned a vacation of each in the coming hours: two CPTS slot series, one per CPTS."""
    from django.utils import timezone

    from planning.vacations import services as vacations
    from tests.cpts.factories import MembershipFactory
    from tests.planning.vacations.factories import make_planning, make_vacation

    first, second = make_planning(members=1), make_planning(members=1)
    doctor = first["people"][0]
    first["structure"].finess, first["structure"].phone = "130012345", "0491000010"
    second["structure"].siret, second["structure"].phone = "12345678900021", "+33442000011"
    for setup in (first, second):
        setup["structure"].save()
    MembershipFactory(professional=doctor, structure=second["structure"], start_date=dt.date(2020, 1, 1))
    start = (timezone.now() + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    for setup, offset in ((first, 0), (second, 5)):
        vacation = make_vacation(setup, start + dt.timedelta(hours=offset), hours=2)
        vacations.vacation_assign(vacation_id=vacation.pk, professional_id=doctor.pk, actor=None)
    return {"doctor": doctor, "structures": [first["structure"], second["structure"]]}
