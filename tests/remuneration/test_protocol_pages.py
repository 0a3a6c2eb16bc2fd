"""Structures record their SNP cooperation protocol acts (DOMAIN.md §7.7): permissions, every bad
input a French message and nothing saved, the semester's list (pagination, empty state) and the
semestrial reporting file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cpts.enums import StructureKind
from remuneration.enums import BordereauStatus
from remuneration.models import Bordereau, ProtocolAct
from remuneration.services import protocol_act_record
from remuneration.services.protocols import semester_of
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError
from tests.cpts.factories import CoordinatorFactory, StructureFactory
from tests.planning.vacations.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def msp(people, territory):
    structure = StructureFactory(kind=StructureKind.MSP, name="MSP du Panier", finess="130011111")
    CoordinatorFactory(user=people["coordinator"], structure=structure)
    physio = member(structure, last_name="Kiné", profession_code="50")
    return {"structure": structure, "physio": physio}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, msp, **overrides):
    today = timezone.localdate()
    data = {
        "protocol": "ankle_sprain",
        "patient_pseudonym": "PAT-001",
        "act_date": (today - dt.timedelta(days=20)).isoformat(),
        "professional": msp["physio"].pk,
        "consultation": "first",
        **overrides,
    }
    return client.post(f"/remuneration/protocoles/{msp['structure'].pk}/", data)


def test_coordinator_records_first_and_second_physio_consultation(people, msp):
    client = client_for(people["coordinator"])
    assert client.get("/remuneration/protocoles/").status_code == 302  # one structure: straight to it
    page = client.get(f"/remuneration/protocoles/{msp['structure'].pk}/").content.decode()
    assert 'data-testid="protocol-empty"' in page and "Aucun acte déclaré" in page
    first = _post(client, msp)
    assert first.status_code == 302
    today = timezone.localdate()
    second = _post(client, msp, consultation="second", act_date=(today - dt.timedelta(days=6)).isoformat())
    assert second.status_code == 302, second.content.decode()
    assert ProtocolAct.objects.filter(structure=msp["structure"]).count() == 2
    assert ProtocolAct.objects.filter(is_second=True).get().recorded_by == people["coordinator"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"common_law_billed": "on"}, "Non cumulable"),
        ({"act_date": "2999-01-01"}, "dans le futur"),
        ({"patient_pseudonym": "1850575123456"}, "NIR"),
        ({"patient_pseudonym": "Jean Dupont"}, "sans nom ni espace"),
        ({"consultation": "second"}, "Aucune première consultation"),
        ({"protocol": "other", "consultation": "second"}, "comprise"),
        ({"protocol": ""}, "obligatoire"),
    ],
)
def test_bad_input_french_message_nothing_saved(people, msp, overrides, message):
    response = _post(client_for(people["coordinator"]), msp, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProtocolAct.objects.exists()


def test_professional_not_a_member_and_second_outside_weeks_2_to_4(people, msp):
    client = client_for(people["coordinator"])
    outsider = member(StructureFactory(), last_name="Ailleurs")
    response = _post(client, msp, professional=outsider.pk)  # not offered in the list
    assert response.status_code == 400 and "choix valide" in response.content.decode()
    with pytest.raises(ApplicationError, match="pas membre de MSP du Panier"):
        protocol_act_record(
            actor=people["coordinator"], structure_id=msp["structure"].pk, protocol="urinary",
            patient_pseudonym="PAT-9", act_date=dt.date(2019, 6, 1), professional_id=msp["physio"].pk,
            is_second=False, common_law_billed=False,
        )  # fmt: skip
    assert _post(client, msp).status_code == 302
    today = timezone.localdate()
    too_soon = _post(client, msp, consultation="second", act_date=(today - dt.timedelta(days=15)).isoformat())
    assert too_soon.status_code == 400 and "entre la 2e et la 4e semaine" in too_soon.content.decode()
    assert _post(client, msp).status_code == 400  # the same act twice
    assert ProtocolAct.objects.count() == 1


def test_a_locked_semester_takes_no_new_act(people, msp):
    act_date = timezone.localdate() - dt.timedelta(days=1)
    Bordereau.objects.create(
        kind="protocols", territory_id="13", period=semester_of(act_date), status=BordereauStatus.LOCKED
    )
    response = _post(client_for(people["coordinator"]), msp, act_date=act_date.isoformat())
    assert response.status_code == 400 and "déjà exporté" in response.content.decode()
    assert not ProtocolAct.objects.exists()


def test_permissions_other_structure_refused(people, msp, make_user):
    pk = msp["structure"].pk
    other = make_user(Role.COORDINATEUR_STRUCTURE, email="autre@test.fr")
    CoordinatorFactory(user=other, structure=StructureFactory(kind=StructureKind.CDS))
    for path in (f"/remuneration/protocoles/{pk}/", f"/remuneration/protocoles/{pk}/declaration.csv"):
        assert client_for(other).get(path).status_code == 404
        assert client_for(people["effecteur"]).get(path).status_code == 404
        assert client_for(people["admin_sas"]).get(path).status_code == 200  # SAS admin of 13
    assert _post(client_for(other), msp).status_code == 404
    assert not ProtocolAct.objects.exists()
    assert client_for(people["effecteur"]).get("/remuneration/protocoles/").status_code == 403
    assert client_for(people["cpam"]).get("/remuneration/protocoles/").status_code == 403
    assert Client().get("/remuneration/protocoles/").status_code == 302
    sos = StructureFactory(kind=StructureKind.SOS)
    CoordinatorFactory(user=people["coordinator"], structure=sos)
    assert client_for(people["coordinator"]).get(f"/remuneration/protocoles/{sos.pk}/").status_code == 404


def test_semester_list_paginates_and_report_file(people, msp):
    structure, physio = msp["structure"], msp["physio"]
    ProtocolAct.objects.bulk_create(
        [
            ProtocolAct(
                structure=structure, protocol="urinary", patient_pseudonym=f"P{i:03d}",
                act_date=dt.date(2026, 3, 1) + dt.timedelta(days=i % 28), professional=physio,
                is_second=i % 2 == 1, recorded_by=people["coordinator"],
            )
            for i in range(25)
        ]
        + [
            ProtocolAct(
                structure=structure, protocol="low_back_pain", patient_pseudonym="L001",
                act_date=dt.date(2026, 4, 20), professional=physio, is_second=True,
                recorded_by=people["coordinator"],
            ),
        ]
    )  # fmt: skip
    client = client_for(people["coordinator"])
    base = f"/remuneration/protocoles/{structure.pk}/"
    page1 = client.get(base + "?semestre=2026-S1").content.decode()
    assert "26 actes ce semestre" in page1 and "1 / 2" in page1 and "semestre=2026-S1&amp;page=2" in page1
    page2 = client.get(base + "?semestre=2026-S1&page=2").content.decode()
    assert page2.count("<tr>") == 1 + 6
    assert (
        "Aucun acte déclaré pour le semestre 2025-S2"
        in client.get(base + "?semestre=2025-S2").content.decode()
    )
    report = client.get(base + "declaration.csv?semestre=2026-S1")
    text = report.content.decode("utf-8")
    assert text.startswith("\ufeff") and report["Content-Type"].startswith("text/csv")
    lines = text.strip().splitlines()
    assert len(lines) == 2 + 26 + 1
    assert lines[-1].split(";")[5:7] == ["26 acte(s)", "645,00"]  # 25 × 25 € + 20 €
    assert "Kiné" in text and "P000" in text and Decimal("645") == 25 * 25 + 20
