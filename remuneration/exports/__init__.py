"""Exports of a bordereau: CSV (CPAM spreadsheets), XLSX (typed cells, totals, facts), PDF (WeasyPrint).

Rendering is deterministic (fixed timestamps inside the files); once a bordereau is locked its
three files are stored with their SHA-256 and served byte for byte (``export_for_download``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from remuneration.enums import ExportFormat
from remuneration.models import Bordereau

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}


@dataclass(frozen=True)
class Rendered:
    filename: str
    content: bytes
    sha256: str
    content_type: str
    stored: bool = False


def filename_for(bordereau: Bordereau, fmt: str) -> str:
    return f"bordereau-{bordereau.kind}-{bordereau.territory_id}-{bordereau.period}.{fmt}"


def render_export(bordereau: Bordereau, fmt: str) -> Rendered:
    from remuneration.exports import csv_export, pdf_export, xlsx_export

    renderer = {
        ExportFormat.CSV: csv_export.render,
        ExportFormat.XLSX: xlsx_export.render,
        ExportFormat.PDF: pdf_export.render,
    }
    content = renderer[ExportFormat(fmt)](bordereau)
    return Rendered(
        filename_for(bordereau, fmt),
        content,
        hashlib.sha256(content).hexdigest(),
        CONTENT_TYPES[ExportFormat(fmt)],
    )


def export_for_download(bordereau: Bordereau, fmt: str) -> Rendered:
    """The stored file of a locked bordereau (byte-identical every time), or a fresh rendering of a
    bordereau not yet locked (marked « projet »)."""
    stored = bordereau.exports.filter(format=fmt).first() if bordereau.is_locked else None
    if stored is not None:
        return Rendered(
            stored.filename, bytes(stored.content), stored.sha256, CONTENT_TYPES[ExportFormat(fmt)], True
        )
    return render_export(bordereau, fmt)
