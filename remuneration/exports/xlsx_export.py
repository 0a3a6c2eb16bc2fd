"""XLSX (openpyxl): typed cells (numbers, dates), a total row, a « Faits » sheet; fixed timestamps
so the same bordereau renders the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from remuneration.exports._rows import COLUMNS, corrects_text, lines_of, pdsa_text, validation_text
from remuneration.models import Bordereau

EUR = '#,##0.00 "€"'
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _stamp(bordereau: Bordereau) -> dt.datetime:
    moment = bordereau.locked_at or bordereau.validated_at or bordereau.computed_at or bordereau.created_at
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def _deterministic_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite the archive with fixed entry times and the core properties' « modified » set to the
    bordereau's own date (openpyxl writes the current time there)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    content,
                )
            target.writestr(fixed, content)
    return out.getvalue()


def _lines_sheet(ws, bordereau: Bordereau, lines) -> None:
    ws.title = "Bordereau"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    validation = validation_text(bordereau)
    for line in lines:
        ws.append(
            [
                bordereau.period,
                bordereau.territory_id,
                line.identifier_type,
                line.identifier,
                line.last_name,
                line.first_name,
                line.fact_date,
                line.label,
                line.quantity,
                line.unit,
                line.unit_amount,
                line.amount,
                pdsa_text(line),
                "oui" if line.provisional else "non",
                corrects_text(line),
                validation,
            ]
        )
        row = ws.max_row
        ws.cell(row, 7).number_format = "DD/MM/YYYY"
        ws.cell(row, 9).number_format = "0.00"
        ws.cell(row, 11).number_format = EUR
        ws.cell(row, 12).number_format = EUR
    total_row = ws.max_row + 1
    ws.cell(total_row, 5, "TOTAL").font = Font(bold=True)
    total = ws.cell(total_row, 12, f"=SUM(L2:L{max(total_row - 1, 2)})" if lines else 0)
    total.number_format, total.font = EUR, Font(bold=True)
    ws.cell(total_row, 13, "Total calculé")
    ws.cell(total_row, 14, bordereau.total).number_format = EUR
    for column, width in zip(
        "ABCDEFGHIJKLMNOP", (9, 10, 10, 14, 18, 14, 11, 50, 9, 16, 14, 14, 12, 10, 16, 30), strict=True
    ):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"


def _facts_sheet(ws, lines) -> None:
    ws.append(["Ligne", "Identifiant", "Clé du fait", "Fait", "Explication"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in lines:
        facts = line.facts or [None]
        for fact in facts:
            ws.append(
                [
                    line.position,
                    line.identifier,
                    line.fact_key,
                    json.dumps(fact, ensure_ascii=False, sort_keys=True),
                    json.dumps(line.why, ensure_ascii=False, sort_keys=True)[:32000],
                ]
            )


def render(bordereau: Bordereau) -> bytes:
    lines = lines_of(bordereau)
    wb = Workbook()
    _lines_sheet(wb.active, bordereau, lines)
    _facts_sheet(wb.create_sheet("Faits"), lines)
    stamp = _stamp(bordereau)
    wb.properties.creator = "Plateforme SAS & CPTS"
    wb.properties.title = (
        f"Bordereau {bordereau.get_kind_display()} {bordereau.territory_id} {bordereau.period}"
    )
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return _deterministic_zip(buffer.getvalue(), stamp)
