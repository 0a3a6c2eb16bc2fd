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
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from remuneration.exports._rows import COLUMNS, corrects_text, lines_of, pdsa_text, validation_text
from remuneration.models import Bordereau

EUR = '#,##0.00 "€"'
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
BOLD = Font(bold=True)


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


def _cell(ws, value, *, fmt: str | None = None, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = BOLD
    return cell


def _lines_sheet(ws, bordereau: Bordereau, lines) -> None:
    """Write-only sheet (streamed: linear in the number of lines)."""
    widths = (9, 10, 10, 14, 18, 14, 11, 50, 9, 16, 14, 14, 12, 10, 16, 30)
    for column, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, title, bold=True) for title in COLUMNS])
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
                _cell(ws, line.fact_date, fmt="DD/MM/YYYY"),
                line.label,
                _cell(ws, line.quantity, fmt="0.00"),
                line.unit,
                _cell(ws, line.unit_amount, fmt=EUR),
                _cell(ws, line.amount, fmt=EUR),
                pdsa_text(line),
                "oui" if line.provisional else "non",
                corrects_text(line),
                validation,
            ]
        )
    last = len(lines) + 1
    ws.append(
        [
            None,
            None,
            None,
            None,
            _cell(ws, "TOTAL", bold=True),
            None,
            None,
            None,
            None,
            None,
            None,
            _cell(ws, f"=SUM(L2:L{last})" if lines else 0, fmt=EUR, bold=True),
            "Total calculé",
            _cell(ws, bordereau.total, fmt=EUR),
        ]
    )


def _facts_sheet(ws, lines) -> None:
    ws.append(
        [
            _cell(ws, title, bold=True)
            for title in ("Ligne", "Identifiant", "Clé du fait", "Fait", "Explication")
        ]
    )
    for line in lines:
        why = json.dumps(line.why, ensure_ascii=False, sort_keys=True)[:32000]
        for fact in line.facts or [None]:
            ws.append(
                [
                    line.position,
                    line.identifier,
                    line.fact_key,
                    json.dumps(fact, ensure_ascii=False, sort_keys=True),
                    why,
                ]
            )


def render(bordereau: Bordereau) -> bytes:
    lines = lines_of(bordereau)
    wb = Workbook(write_only=True)
    _lines_sheet(wb.create_sheet("Bordereau"), bordereau, lines)
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
