"""Pages under /remuneration/: who sees what (permission tests), the workflow through the forms,
the ACI simulator (HTMX) and « mes rémunérations »."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from cpts.enums import StructureKind
from cpts.models import Professional, Structure, StructureCoordinator
from remuneration import tasks
from remuneration.enums import BordereauStatus
from remuneration.models import Bordereau
from remuneration.services import bordereau_compute
from remuneration.tasks import progress_key
from tests.remuneration.conftest import make_shift, paris


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def draft(people):
    make_shift(people["regulateur"], paris(2026, 10, 5, 8, 0), paris(2026, 10, 5, 14, 0))
    return bordereau_compute(
        actor=people["admin_sas"], kind="regulators", territory_code="13", period="2026-10"
    ).bordereau


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("effecteur", 403),
        ("coordinator", 403),
        ("regulateur", 403),
        ("cpam", 200),
        ("ars", 200),
        ("admin_sas", 200),
    ],
)
def test_bordereaux_list_permissions(people, draft, who, status):
    response = client_for(people[who] if who else None).get("/remuneration/")
    assert response.status_code == status
    if status == 200:
        assert "2026-10" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("cpam83", 404), ("ars83", 404), ("effecteur", 403), ("cpam", 200)]
)
def test_detail_permissions(people, draft, who, status):
    assert client_for(people[who]).get(f"/remuneration/bordereaux/{draft.pk}/").status_code == status


def test_workflow_through_the_pages(people, draft):
    ars, cpam = client_for(people["ars"]), client_for(people["cpam"])
    page = ars.get(f"/remuneration/bordereaux/{draft.pk}/").content.decode()
    assert "Valider (ARS)" in page and "Exporter et verrouiller" not in page
    # a CPAM agent cannot validate; an ARS agent of another territory cannot see it
    cpam.post(f"/remuneration/bordereaux/{draft.pk}/valider/")
    assert Bordereau.objects.get(pk=draft.pk).status == BordereauStatus.DRAFT
    assert (
        client_for(people["ars83"]).post(f"/remuneration/bordereaux/{draft.pk}/valider/").status_code == 404
    )
    ars.post(f"/remuneration/bordereaux/{draft.pk}/renvoyer/", {"reason": ""}, follow=True)
    assert Bordereau.objects.get(pk=draft.pk).status == BordereauStatus.DRAFT
    ars.post(f"/remuneration/bordereaux/{draft.pk}/valider/")
    assert "Exporter et verrouiller" in cpam.get(f"/remuneration/bordereaux/{draft.pk}/").content.decode()
    cpam.post(f"/remuneration/bordereaux/{draft.pk}/verrouiller/")
    first = cpam.get(f"/remuneration/bordereaux/{draft.pk}/export.pdf")
    second = cpam.get(f"/remuneration/bordereaux/{draft.pk}/export.pdf")
    assert first.content == second.content and first["X-Content-SHA256"] == second["X-Content-SHA256"]
    cpam.post(f"/remuneration/bordereaux/{draft.pk}/payer/")
    assert Bordereau.objects.get(pk=draft.pk).status == BordereauStatus.PAID


@pytest.mark.parametrize(
    ("who", "status"), [("admin_sas", 200), ("cpam", 403), ("ars", 403), ("effecteur", 403)]
)
def test_prepare_permissions(people, who, status):
    assert client_for(people[who]).get("/remuneration/preparer/").status_code == status


def test_prepare_enqueues_and_progress_shows_the_result(
    people, draft, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    monkeypatch.setattr(tasks.compute_bordereau, "delay", lambda *args: calls.append(args))
    client = client_for(people["admin_sas"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/remuneration/preparer/", {"kind": "regulators", "territory": "13", "period": "2026-10"}
        )
    assert response.status_code == 200 and calls == [("regulators", "13", "2026-10", people["admin_sas"].pk)]
    cache.set(
        progress_key("regulators", "13", "2026-10"),
        {
            "state": "done",
            "bordereau": draft.pk,
            "lines": 1,
            "total_eur": "600.00",
            "anomalies": 0,
            "changed": True,
        },
    )
    partial = client.get(
        "/remuneration/preparer/progression/?kind=regulators&territory=13&period=2026-10"
    ).content.decode()
    assert "Calcul terminé" in partial and f"/remuneration/bordereaux/{draft.pk}/" in partial
    bad = client.post(
        "/remuneration/preparer/", {"kind": "regulators", "territory": "13", "period": "2026-Q3"}
    )
    assert "2026-11" in bad.content.decode()
    assert (
        client_for(people["cpam"]).get("/remuneration/preparer/progression/?territory=13").status_code == 403
    )


def test_aci_page_and_simulator(people, territory):
    cpts = Structure.objects.create(
        kind=StructureKind.CPTS,
        name="CPTS Test",
        departement_id="13",
        finess="130000001",
        size_override=4,
        aci_signed_on=paris(2023, 1, 15).date(),
    )
    StructureCoordinator.objects.create(user=people["coordinator"], structure=cpts)
    client = client_for(people["coordinator"])
    page = client.get("/remuneration/aci/").content.decode()
    # size 4, under 100 members; the contract's indicators not recorded: the variable part (at most
    # 45,000 €) is not computed, the access mission shows its fixed part only
    assert (
        "CPTS Test" in page
        and "110\u202f000,00" in page
        and "non calculée" in page
        and "45\u202f000,00" in page
    )
    result = client.post(
        "/remuneration/aci/simulateur/",
        {
            "size": "4",
            "members": "100",
            "mission": "access",
            "year_of_contract": "1",
            "crisis": "none",
            "with_sas": "on",
        },
    )
    assert "170\u202f500,00" in result.content.decode()
    errors = client.post(
        "/remuneration/aci/simulateur/",
        {"members": "1", "mission": "access", "year_of_contract": "1", "crisis": "none"},
    )
    assert "taille de la CPTS ou sa population" in errors.content.decode()
    assert client_for(people["effecteur"]).get("/remuneration/aci/").status_code == 403


def test_my_remuneration_shows_lines_and_proof(people, draft):
    Professional.objects.create(
        identifier_type="8", identifier="10003384327", last_name="Roux", first_name="Paul"
    )
    client = client_for(people["regulateur"])
    page = client.get("/remuneration/mes-remunerations/").content.decode()
    assert "Garde du 05/10/2026 08:00–14:00" in page and "600,00" in page
    proof = client.get("/remuneration/mes-remunerations/preuve.csv")
    assert proof.status_code == 200 and proof.content.startswith("\ufeff".encode())
    assert client_for(people["cpam"]).get("/remuneration/mes-remunerations/").status_code == 403


def test_navigation_entries(people):
    from sas_platform.navigation import items_for

    assert "remuneration:bordereaux" in {i["url_name"] for i in items_for(people["cpam"])}
    assert "remuneration:aci" in {i["url_name"] for i in items_for(people["coordinator"])}
    assert "remuneration:mine" in {i["url_name"] for i in items_for(people["effecteur"])}
    assert "remuneration:prepare" not in {i["url_name"] for i in items_for(people["ars"])}
