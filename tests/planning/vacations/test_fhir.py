"""Vacations are SAS slots (issue 11 §8): an assigned vacation's platform-owned CPTS slots are
served by ``GET /fhir/r4/Slot`` in the IG's CPTS shape (Slot → HealthcareService → Organization,
category 604), valid FHIR R4B, and read back by the platform's own SAS IG connector."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from rest_framework.authtoken.models import Token

from planning.connectors.fhir_parse import parse_searchset
from planning.vacations import services
from tests.planning.vacations.factories import make_planning, make_vacation

pytestmark = pytest.mark.django_db
IG_EXAMPLE = Path("/work/shared/data/fhir/sas-ig/examples/Bundle-ExampleBundleCPTS1.json")
SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"


@pytest.fixture
def token(make_user):
    user = make_user(territories=())
    user.user_permissions.add(
        Permission.objects.get(codename="consume_fhir_slots", content_type__app_label="planning")
    )
    return Token.objects.create(user=user).key


def _shape(bundle: dict) -> list[tuple]:
    """(resourceType, search mode, profile tail) of each entry, and the CPTS serviceType coding."""
    return sorted(
        (
            e["resource"]["resourceType"],
            e["search"]["mode"],
            e["resource"]["meta"]["profile"][0].rsplit("/", 1)[1],
        )
        for e in bundle["entry"]
    )


def test_vacation_slots_over_fhir_have_the_cpts_shape(client, token):
    setup = make_planning()
    doctor = setup["people"][0]
    setup["structure"].finess = "130012345"
    setup["structure"].save()
    start = (timezone.now() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    vacation = make_vacation(setup, start)
    services.vacation_assign(vacation_id=vacation.pk, professional_id=doctor.pk, actor=None)
    query = [
        ("_include", "Slot:schedule"),
        ("_include:iterate", "Schedule:actor"),
        ("_include", "Slot:service-type-reference"),
        ("_include:iterate", "HealthcareService:organization"),
        ("start", f"ge{(start - timedelta(hours=1)).isoformat()}"),
        ("start", f"le{(start + timedelta(days=1)).isoformat()}"),
        ("schedule.actor:Practitioner.identifier", f"{SYSTEM}|8{doctor.identifier}"),
        ("status", "free"),
    ]
    response = client.get(
        "/fhir/r4/Slot", QUERY_STRING=urlencode(query), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    payload = response.json()
    Bundle.model_validate(payload)  # valid FHIR R4B
    assert payload["total"] == 4
    ours = _shape(payload)
    example = json.loads(IG_EXAMPLE.read_text(encoding="utf-8"))
    theirs = _shape(example)
    # Same kinds of resources, same modes, same CPTS profiles for Slot / HealthcareService / Organization.
    assert {r[:2] for r in ours} == {r[:2] for r in theirs}
    cpts_profiles = {r[2] for r in theirs if r[0] in ("Slot", "HealthcareService", "Organization")}
    assert cpts_profiles <= {r[2] for r in ours}
    slot = next(e["resource"] for e in payload["entry"] if e["resource"]["resourceType"] == "Slot")
    assert {"system": SLOT_TYPE, "code": "CPTS"} in slot["meta"]["security"]
    category = [c for st in slot["serviceType"] for c in st.get("coding", []) if c["code"] == "604"]
    assert category and category[0]["system"].endswith("TRE-R66-CategorieEtablissement")
    organization = next(
        e["resource"] for e in payload["entry"] if e["resource"]["resourceType"] == "Organization"
    )
    assert organization["identifier"][0]["value"] == "1130012345"
    assert organization["name"] == setup["structure"].name
    # Read back through the platform's own SAS IG connector.
    parsed = parse_searchset(payload)
    assert not parsed.rejections
    assert len(parsed.slots) == 4
    first = parsed.slots[0]
    assert first.national_id == f"8{doctor.identifier}"
    assert "CPTS" in first.slot_types
    assert first.structures[0]["name"] == setup["structure"].name
    assert first.structures[0]["identifier"] == "1130012345"


SLOT_TYPE = "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"


def test_cancelled_vacation_leaves_the_fhir_search(client, token):
    setup = make_planning()
    doctor = setup["people"][0]
    start = (timezone.now() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    vacation = make_vacation(setup, start)
    services.vacation_assign(vacation_id=vacation.pk, professional_id=doctor.pk, actor=None)
    services.vacation_cancel(vacation_id=vacation.pk, actor=None)
    query = [
        ("start", f"ge{(start - timedelta(hours=1)).isoformat()}"),
        ("start", f"le{(start + timedelta(days=1)).isoformat()}"),
        ("schedule.actor:Practitioner.identifier", f"{SYSTEM}|8{doctor.identifier}"),
    ]
    response = client.get(
        "/fhir/r4/Slot", QUERY_STRING=urlencode(query), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.json()["total"] == 0


def test_vacation_slots_appear_in_the_48h_search_and_book_like_owned_slots():
    from planning.selectors import slots_search
    from planning.services import slot_book_owned
    from sas_platform.models import Commune

    setup = make_planning()
    doctor = setup["people"][0]
    start = (timezone.now() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    vacation = make_vacation(setup, start)
    services.vacation_assign(vacation_id=vacation.pk, professional_id=doctor.pk, actor=None)
    marseille = Commune.objects.get(insee_code="13201")
    found = [
        r
        for r in slots_search(latitude=marseille.latitude, longitude=marseille.longitude)
        if r.slot.professional_id == doctor.pk
    ]
    assert len(found) == 4 and all("CPTS" in r.slot.slot_types for r in found)
    slot_book_owned(slot_id=found[0].slot.pk, reference="SAS-13-000001", actor=None)
    assert services.booked_slots_of(vacation_id=vacation.pk) == ["SAS-13-000001"]
