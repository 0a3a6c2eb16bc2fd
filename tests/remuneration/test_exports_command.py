"""Exports (CSV/XLSX/PDF, byte-identical once locked), the command and the task."""

from __future__ import annotations

import io
import json

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from remuneration.exports import export_for_download, render_export
from remuneration.services import bordereau_compute, bordereau_lock, bordereau_validate
from remuneration.tasks import compute_bordereau, progress_key
from tests.remuneration.conftest import make_shift, paris


@pytest.fixture
def locked(people):
    make_shift(people["regulateur"], paris(2026, 10, 5, 8, 0), paris(2026, 10, 5, 14, 30))
    b = bordereau_compute(
        actor=people["admin_sas"], kind="regulators", territory_code="13", period="2026-10"
    ).bordereau
    bordereau_validate(actor=people["ars"], bordereau_id=b.pk)
    return bordereau_lock(actor=people["cpam"], bordereau_id=b.pk)


def test_csv_for_cpam_staff(locked):
    content = export_for_download(locked, "csv").content
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig").splitlines()
    assert text[0].startswith(
        "Période;Territoire;Type d'identifiant;Identifiant;Nom;Prénom;Date;Objet;Quantité"
    )
    assert (
        "2026-10;13;RPPS;10003384327;Roux;Paul;05/10/2026;Garde du 05/10/2026 08:00–14:30;6,50;heure;100,00;650,00;non;non;;"
        in text[1]
    )
    assert "Olivier" in text[1]  # ARS validation (who, when)
    assert text[-1].split(";")[4:12] == ["TOTAL", "", "", "", "", "", "", "650,00"]


def test_xlsx_typed_cells_total_and_facts(locked):
    wb = load_workbook(io.BytesIO(export_for_download(locked, "xlsx").content))
    ws = wb["Bordereau"]
    assert ws["L2"].value == 650 and ws["I2"].value == 6.5 and ws["G2"].value.year == 2026
    assert ws["L3"].value == "=SUM(L2:L2)" and ws["N3"].value == 650
    assert wb["Faits"]["C2"].value.startswith("shift:")


def test_pdf_and_byte_identical_downloads(locked):
    first, second = export_for_download(locked, "pdf"), export_for_download(locked, "pdf")
    assert first.stored and first.content.startswith(b"%PDF") and first.content == second.content
    assert first.sha256 == locked.exports.get(format="pdf").sha256
    for fmt in ("csv", "xlsx"):
        assert render_export(locked, fmt).content == export_for_download(locked, fmt).content  # deterministic


def test_command_last_line_is_json(people, capsys):
    make_shift(people["regulateur"], paris(2026, 10, 5, 8, 0), paris(2026, 10, 5, 14, 0))
    out = io.StringIO()
    call_command("compute_bordereau", kind="regulators", territory="13", period="2026-10", stdout=out)
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert last == {"lines": 1, "total_eur": "600.00", "anomalies": 0, "changed": True}
    with pytest.raises(CommandError, match="Indicateur 8"):
        call_command(
            "compute_bordereau", kind="indicator8", territory="13", period="2026", stdout=io.StringIO()
        )


def test_task_records_progress(people):
    make_shift(people["regulateur"], paris(2026, 10, 5, 8, 0), paris(2026, 10, 5, 14, 0))
    summary = compute_bordereau.run("regulators", "13", "2026-10", people["admin_sas"].pk)
    assert summary["lines"] == 1 and cache.get(progress_key("regulators", "13", "2026-10"))["state"] == "done"
    again = compute_bordereau.run("regulators", "13", "2026-10", people["admin_sas"].pk)
    assert again["changed"] is False


def test_pdf_page_rendered_to_png_for_review(locked):
    """Render the first page to PNG (pypdfium2) under var/screenshots/ to look at it."""
    from pathlib import Path

    import pypdfium2

    content = export_for_download(locked, "pdf").content
    assert render_export(locked, "pdf").content == content  # deterministic rendering too
    pdf = pypdfium2.PdfDocument(content)
    assert len(pdf) == 1
    out = Path("var/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    (out / "bordereau-regulators.pdf").write_bytes(content)
    pdf[0].render(scale=1.5).to_pil().save(out / "bordereau-regulators.png")
    text = pdf[0].get_textpage().get_text_range()
    assert "Période 2026-10" in text and "Page 1 / 1" in text and "Validation de l'ARS" in text
    assert "Bordereau Heures de régulation (mensuel) – SAS 13" in text and "u002" not in text
