"""End to end (issue 12 §3): a SAS administrator corrects an act through the API after the
October SNP/MRT bordereau was locked; November's computation carries the adjustment line, the
locked bordereau never changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rest_framework.test import APIClient

from remuneration.services import bordereau_compute, bordereau_lock, bordereau_validate
from tests.remuneration.conftest import make_acts, paris

DOCTOR = "10101010105"


def test_a_correction_through_the_api_after_the_lock_is_adjusted_next_month(people):
    acts = make_acts(
        [{"start": paris(2026, 10, 5, 9, 0) + dt.timedelta(hours=i)} for i in range(3)],
        actor=people["admin_sas"],
    )
    october = bordereau_compute(
        actor=people["admin_sas"], kind="snp_mrt", territory_code="13", period="2026-10"
    ).bordereau
    bordereau_validate(actor=people["ars"], bordereau_id=october.pk)
    october = bordereau_lock(actor=people["cpam"], bordereau_id=october.pk)
    assert october.total == Decimal("45.00")

    client = APIClient()
    client.force_authenticate(people["cpam"])  # the CPAM pays, it does not correct facts
    url = f"/api/v1/regulation/act-facts/{acts[1].pk}/correct/"
    assert client.post(url, {"outcome": "noshow", "reason": "x"}, format="json").status_code == 403
    client.force_authenticate(people["admin_sas"])
    response = client.post(url, {"outcome": "noshow", "reason": "Patient non venu"}, format="json")
    assert response.status_code == 200 and response.json()["corrected_at"]

    november = bordereau_compute(
        actor=people["admin_sas"], kind="snp_mrt", territory_code="13", period="2026-11"
    ).bordereau
    [adjustment] = november.lines.filter(fact_key__contains="@")
    assert adjustment.fact_key == f"snp:{DOCTOR}@2026-10" and adjustment.amount == Decimal("-15.00")
    assert adjustment.corrects == october.lines.get(fact_key=f"snp:{DOCTOR}")
    assert adjustment.facts == [acts[1].pk]
    october.refresh_from_db()
    assert october.total == Decimal("45.00") and october.lines.count() == 1
