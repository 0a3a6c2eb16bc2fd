"""API under /api/v1/remuneration/: shapes, workflow, and the permission matrix (nothing written on denial)."""

from __future__ import annotations

import hashlib

import pytest
from rest_framework.test import APIClient

from remuneration.enums import BordereauStatus
from remuneration.models import Bordereau
from sas_platform.models import AuditEvent
from tests.remuneration.conftest import make_shift, paris

BASE = "/api/v1/remuneration/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def shifts(people):
    make_shift(people["regulateur"], paris(2026, 10, 5, 8, 0), paris(2026, 10, 5, 14, 0))
    return people


def post_compute(user, period="2026-10", territory="13", kind="regulators"):
    return client_for(user).post(
        f"{BASE}bordereaux/", {"kind": kind, "territory": territory, "period": period}, format="json"
    )


def test_full_circuit_through_the_api(shifts):
    p = shifts
    created = post_compute(p["admin_sas"])
    assert created.status_code == 201 and created.json()["total"] == "600.00"
    pk = created.json()["id"]
    assert post_compute(p["admin_sas"]).status_code == 200  # recompute: unchanged
    detail = client_for(p["cpam"]).get(f"{BASE}bordereaux/{pk}/").json()
    line = detail["lines"][0]
    assert (line["quantity"], line["unit_amount"], line["amount"]) == ("6.00", "100.00", "600.00")
    assert client_for(p["ars"]).post(f"{BASE}bordereaux/{pk}/validate/").json()["status"] == "validated"
    assert client_for(p["cpam"]).post(f"{BASE}bordereaux/{pk}/lock/").json()["status"] == "locked"
    downloads = [client_for(p["cpam"]).get(f"{BASE}bordereaux/{pk}/export.xlsx") for _ in range(2)]
    assert downloads[0].content == downloads[1].content
    assert downloads[0]["X-Content-SHA256"] == hashlib.sha256(downloads[0].content).hexdigest()
    assert (
        client_for(p["cpam"]).get(f"{BASE}bordereaux/{pk}/export.csv")["Content-Type"].startswith("text/csv")
    )
    assert client_for(p["cpam"]).post(f"{BASE}bordereaux/{pk}/mark-paid/").json()["status"] == "paid"
    listing = client_for(p["cpam"]).get(f"{BASE}bordereaux/?kind=regulators").json()
    assert [b["id"] for b in listing["results"]] == [pk]


def test_send_back_needs_a_reason(shifts):
    pk = post_compute(shifts["admin_sas"]).json()["id"]
    response = client_for(shifts["ars"]).post(
        f"{BASE}bordereaux/{pk}/send-back/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    ok = client_for(shifts["ars"]).post(
        f"{BASE}bordereaux/{pk}/send-back/", {"reason": "Heures à revoir"}, format="json"
    )
    assert ok.json()["status"] == "sent_back" and ok.json()["sent_back_reason"] == "Heures à revoir"


def test_gap_is_a_french_400_and_writes_nothing(people):
    response = post_compute(people["admin_sas"], kind="indicator8", period="2026")
    assert response.status_code == 400 and response.json()["code"] == "bareme_gap"
    assert "31/12/2026" in response.json()["message"] and not Bordereau.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("cpam", 403), ("ars", 403), ("coordinator", 403), ("effecteur", 403), ("admin_sas", 201)],
)
def test_compute_permission_matrix(shifts, who, status):
    before = AuditEvent.objects.count()
    response = post_compute(shifts[who] if who else None)
    assert response.status_code == status
    if status != 201:
        assert not Bordereau.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        (None, "validate", 401),
        ("ars83", "validate", 404),
        ("cpam", "validate", 403),
        ("admin_sas", "validate", 403),
        ("coordinator", "validate", 404),
        ("ars", "validate", 200),
        ("ars", "lock", 403),
        ("cpam83", "lock", 404),
        ("admin_sas", "mark-paid", 403),
    ],
)
def test_action_permission_matrix(shifts, who, action, status):
    pk = post_compute(shifts["admin_sas"]).json()["id"]
    if action in ("lock", "mark-paid"):
        client_for(shifts["ars"]).post(f"{BASE}bordereaux/{pk}/validate/")
    before = Bordereau.objects.get(pk=pk).status
    response = client_for(shifts[who] if who else None).post(f"{BASE}bordereaux/{pk}/{action}/")
    assert response.status_code == status
    if status != 200:
        assert Bordereau.objects.get(pk=pk).status == before


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("ars83", 404), ("cpam83", 404), ("coordinator", 404), ("effecteur", 404), ("cpam", 200)],
)
def test_read_and_export_permission_matrix(shifts, who, status):
    pk = post_compute(shifts["admin_sas"]).json()["id"]
    client = client_for(shifts[who] if who else None)
    assert client.get(f"{BASE}bordereaux/{pk}/").status_code == status
    assert client.get(f"{BASE}bordereaux/{pk}/export.pdf").status_code == status


def test_list_is_scoped_by_territory(shifts):
    post_compute(shifts["admin_sas"])
    assert client_for(shifts["cpam83"]).get(f"{BASE}bordereaux/").json()["results"] == []
    assert client_for(shifts["coordinator"]).get(f"{BASE}bordereaux/").status_code == 403


def test_a_cpam_agent_cannot_edit_a_line(shifts):
    pk = post_compute(shifts["admin_sas"]).json()["id"]
    response = client_for(shifts["cpam"]).patch(f"{BASE}bordereaux/{pk}/", {"total": "1.00"}, format="json")
    assert response.status_code == 405
    assert Bordereau.objects.get(pk=pk).total == 600


def test_baremes_read_flags_provisional(people):
    rows = client_for(people["effecteur"]).get(f"{BASE}baremes/?code=indicator9").json()
    assert rows[0]["provisional"] is True and rows[0]["tiers"][0] == {"from": 5, "to": 14, "amount": "70.00"}
    assert client_for().get(f"{BASE}baremes/").status_code == 401


def test_simulations(people):
    client = client_for(people["coordinator"])
    aci = client.post(
        f"{BASE}simulations/aci/",
        {
            "population": 175_001,
            "members": 100,
            "signed_on": "2023-01-15",
            "with_sas": True,
            "mission": "access",
            "year": 2026,
        },
        format="json",
    ).json()
    assert (aci["size"], aci["fixed"], aci["variable"], aci["total"]) == (
        4,
        "110000.00",
        "45000.00",
        "170500.00",
    )
    aci99 = client.get(f"{BASE}simulations/aci/", {"size": 4, "members": 99, "year": 2026}).json()
    assert aci99["total"] == "155000.00"
    ind9 = client.post(
        f"{BASE}simulations/indicator9/", {"acts": 15, "quarter": "2026-Q3"}, format="json"
    ).json()
    assert ind9 == {
        "acts": 15,
        "quarter": "2026-Q3",
        "tier": "palier 15-24 actes",
        "amount": "210.00",
        "provisional": True,
    }
    bad = client.post(f"{BASE}simulations/aci/", {"members": 3}, format="json")
    assert bad.status_code == 400
    assert (
        client_for().post(f"{BASE}simulations/indicator9/", {"acts": 1, "quarter": "2026-Q3"}).status_code
        == 401
    )


def test_openapi_documents_the_endpoints(people):
    schema = client_for(people["admin_sas"]).get("/api/schema/", {"format": "json"})
    paths = schema.json()["paths"] if schema["Content-Type"].startswith("application/json") else {}
    if not paths:
        import yaml

        paths = yaml.safe_load(schema.content)["paths"]
    for path in (
        "/api/v1/remuneration/bordereaux/",
        "/api/v1/remuneration/bordereaux/{id}/lock/",
        "/api/v1/remuneration/simulations/aci/",
        "/api/v1/remuneration/baremes/",
    ):
        assert path in paths, path
    assert any("export.pdf" in p or "export" in p for p in paths)
    assert BordereauStatus.DRAFT == "draft"
