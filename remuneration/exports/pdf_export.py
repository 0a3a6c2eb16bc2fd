"""PDF (WeasyPrint): header with territory and period, page numbers, totals, ARS validation block.

The lines are laid out as one monospaced text cell per line (columns padded and wrapped here):
WeasyPrint's cost grows with the boxes and text runs of a document, and a bordereau of 1,500
lines as a table of 9-11 cells a line took tens of seconds (issue 12 bench); one cell a line keeps
the repeated table header on every page, and the numbers right-aligned in their columns.
"""

from __future__ import annotations

import logging
import textwrap

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from remuneration.exports._rows import corrects_text, lines_of, validation_text
from remuneration.models import Bordereau
from remuneration.money import NARROW_NBSP, format_eur

#: (title, width in characters, alignment) of the columns: 174 characters fit A4 landscape at 7 pt.
COLUMNS = (
    ("#", 5, ">"),
    ("Identifiant", 17, "<"),
    ("Nom, prénom", 24, "<"),
    ("Date", 10, "<"),
    ("Objet", 50, "<"),
    ("Quantité", 19, ">"),
    ("Unitaire", 11, ">"),
    ("Montant", 13, ">"),
    ("Régularise", 17, "<"),
)


def _css_string(text: str) -> str:
    """Text safe inside a CSS string of the <style> element (no quote, backslash or tag)."""
    return mark_safe("".join(c for c in text if c not in '"\\<>\n'))  # noqa: S308 (filtered above)


def _eur(value) -> str:
    return format_eur(value).replace(NARROW_NBSP, " ").replace("\u00a0", " ")


def text_row(cells: list[str]) -> str:
    """One line of the bordereau as fixed-width text: each cell wrapped to its column's width
    (never cut), padded and aligned; a cell of several lines makes the line taller."""
    wrapped = [
        textwrap.wrap(cell, width, break_long_words=True, break_on_hyphens=False) or [""]
        for cell, (_title, width, _align) in zip(cells, COLUMNS, strict=True)
    ]
    height = max(len(parts) for parts in wrapped)
    return "\n".join(
        " ".join(
            f"{parts[i] if i < len(parts) else '':{align}{width}}"
            for parts, (_title, width, align) in zip(wrapped, COLUMNS, strict=True)
        ).rstrip()
        for i in range(height)
    )


def _cells(line) -> list[str]:
    return [
        str(line.position),
        f"{line.identifier_type} {line.identifier or '—'}",
        f"{line.last_name} {line.first_name}".strip(),
        f"{line.fact_date:%d/%m/%Y}" if line.fact_date else "",
        line.label + (" (P)" if line.provisional else ""),
        f"{line.quantity:.2f}".replace(".", ",") + f" {line.unit}",
        _eur(line.unit_amount),
        _eur(line.amount),
        corrects_text(line),
    ]


def render(bordereau: Bordereau) -> bytes:
    from weasyprint import HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per step otherwise

    stamp = bordereau.locked_at or bordereau.validated_at or bordereau.computed_at or bordereau.created_at
    html = render_to_string(
        "remuneration/bordereau_pdf.html",
        {
            "b": bordereau,
            "css_header": _css_string(
                f"Bordereau {bordereau.get_kind_display()} – {bordereau.territory.name}"
            ),
            "header": text_row([title for title, _width, _align in COLUMNS]),
            "rows": [text_row(_cells(line)) for line in lines_of(bordereau)],
            "total": text_row(["", "", "", "", "Total du bordereau", "", "", _eur(bordereau.total), ""]),
            "validation": validation_text(bordereau),
            "locked_at": timezone.localtime(bordereau.locked_at) if bordereau.locked_at else None,
            "draft": not bordereau.is_locked,
            "stamp": timezone.localtime(stamp),
            "blocking": [a for a in bordereau.anomalies if a.get("blocking", True)],
        },
    )
    document = HTML(string=html).render()
    document.metadata.created = document.metadata.modified = timezone.localtime(stamp).isoformat(
        timespec="seconds"
    )
    return document.write_pdf()
