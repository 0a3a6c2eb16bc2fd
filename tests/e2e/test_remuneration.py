"""Browser journey of remuneration (issue 12 "Done when"), on the demo territory (SAS 13).

The SAS administrator prepares last month's regulators' bordereau (a real Celery worker computes
it, the page shows the progress), the ARS validates it, the CPAM exports the XLSX and the PDF and
locks it; a shift corrected afterwards lands as an adjustment line in next month's bordereau.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from regulation import services as regulation_services
from remuneration.enums import BordereauStatus
from remuneration.models import Bordereau
from sas_platform.demo import DEMO_PASSWORD
from sas_platform.enums import Role
from sas_platform.models import User
from sas_platform.services import user_create

OUT = Path("var/screenshots")


def _months() -> tuple[dt.date, dt.date]:
    from django.utils import timezone

    this_month = timezone.localdate().replace(day=1)
    return (this_month - dt.timedelta(days=1)).replace(day=1), this_month


@pytest.fixture
def world(demo_platform):
    from django.utils import timezone

    from remuneration.migrations._bareme_seed import seed
    from remuneration.models import Bareme

    seed(Bareme)  # a previous browser test's flush emptied the table the data migration filled

    admin_sas = user_create(
        email="sas13@demo.sas",
        password=DEMO_PASSWORD,
        roles=[Role.ADMIN_SAS],
        territories=["13"],
        first_name="Inès",
        last_name="Marchand",
    )
    regulateur = User.objects.get(email="regulateur@demo.sas")
    last, _ = _months()
    tz = timezone.get_default_timezone()
    shifts = []
    for day in (4, 11, 18):
        start = dt.datetime(last.year, last.month, day, 8, tzinfo=tz)
        while start.weekday() >= 5:
            start += dt.timedelta(days=1)
        shifts.append(
            regulation_services.shift_schedule(
                actor=admin_sas,
                territory_code="13",
                regulator=regulateur,
                start=start,
                end=start.replace(hour=14),
            )
        )
    return {"admin_sas": admin_sas, "shifts": shifts}


def _as(page, login, email):
    """Sign ``email`` in on the journey's page (the previous user's session cookies cleared first):
    the administrators, ARS and CPAM agents pass the second factor (issue 13) like everyone does."""
    page.context.clear_cookies()
    return login(page, email)


def _prepare(page, live_server, period: str | None = None):
    page.goto(f"{live_server.url}/remuneration/preparer/")
    if period:
        page.get_by_label("Période").fill(period)
    page.get_by_role("button", name="Calculer").click()
    expect(page.get_by_test_id("progress-done")).to_be_visible(timeout=60_000)


def test_prepare_validate_export_lock_then_adjust(world, live_server, page, login, celery_worker_process):
    OUT.mkdir(parents=True, exist_ok=True)
    last, this_month = _months()
    last_code = f"{last.year}-{last.month:02d}"

    admin = _as(page, login, "sas13@demo.sas")
    admin.get_by_role("link", name="Préparer un bordereau").first.click()
    _prepare(admin, live_server)
    admin.screenshot(path=str(OUT / "remuneration-1-prepared.png"), full_page=True)
    admin.get_by_role("link", name="Ouvrir le bordereau").click()
    expect(admin.get_by_test_id("bordereau-total")).to_contain_text("1\u202f800,00")
    admin.screenshot(path=str(OUT / "remuneration-2-draft.png"), full_page=True)
    bordereau = Bordereau.objects.get(kind="regulators", territory_id="13", period=last_code)

    ars = _as(page, login, "ars@demo.sas")
    ars.get_by_role("link", name="Bordereaux").first.click()
    ars.get_by_test_id("bordereaux").get_by_role("link", name="Ouvrir").first.click()
    ars.get_by_role("button", name="Valider (ARS)").click()
    expect(ars.get_by_test_id("ars-validation")).to_contain_text("Marc Olivier")
    ars.screenshot(path=str(OUT / "remuneration-3-validated.png"), full_page=True)

    cpam = _as(page, login, "cpam@demo.sas")
    cpam.goto(f"{live_server.url}/remuneration/bordereaux/{bordereau.pk}/")
    cpam.get_by_role("button", name="Exporter et verrouiller").click()
    expect(cpam.get_by_test_id("bordereau-status")).to_contain_text("Exporté et verrouillé")
    with cpam.expect_download() as xlsx_info:
        cpam.get_by_test_id("exports").get_by_role("link", name="XLSX").click()
    with cpam.expect_download() as pdf_info:
        cpam.get_by_test_id("exports").get_by_role("link", name="PDF").click()
    cpam.screenshot(path=str(OUT / "remuneration-4-locked.png"), full_page=True)
    xlsx = Path(xlsx_info.value.path()).read_bytes()
    pdf = Path(pdf_info.value.path()).read_bytes()
    assert load_workbook(io.BytesIO(xlsx))["Bordereau"]["L2"].value == 600
    assert pdf.startswith(b"%PDF")
    (OUT / "remuneration-bordereau.pdf").write_bytes(pdf)
    import pypdfium2

    pypdfium2.PdfDocument(pdf)[0].render(scale=1.5).to_pil().save(OUT / "remuneration-bordereau-pdf.png")
    bordereau.refresh_from_db()
    assert bordereau.status == BordereauStatus.LOCKED
    stored = {e.format: bytes(e.content) for e in bordereau.exports.all()}
    assert stored["xlsx"] == xlsx and stored["pdf"] == pdf

    # The first shift really ended at 15:00: corrected after the lock.
    first = world["shifts"][0]
    regulation_services.shift_correct(
        actor=world["admin_sas"],
        shift_id=first.pk,
        reason="Fin réelle 15 h",
        end=first.end + dt.timedelta(hours=1),
    )
    admin = _as(page, login, "sas13@demo.sas")
    _prepare(admin, live_server, f"{this_month.year}-{this_month.month:02d}")
    admin.get_by_role("link", name="Ouvrir le bordereau").click()
    expect(admin.get_by_test_id("lines")).to_contain_text("régularisation")
    expect(admin.get_by_test_id("lines")).to_contain_text(f"corrige la ligne 1 du bordereau {last_code}")
    expect(admin.get_by_test_id("bordereau-total")).to_contain_text("100,00")
    admin.screenshot(path=str(OUT / "remuneration-5-adjustment.png"), full_page=True)
    bordereau.refresh_from_db()
    assert bordereau.total == 1800 and bordereau.status == BordereauStatus.LOCKED
