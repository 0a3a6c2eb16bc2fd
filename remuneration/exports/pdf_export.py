"""PDF (WeasyPrint): header with territory and period, page numbers, totals, ARS validation block."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from remuneration.exports._rows import corrects_text, lines_of, validation_text
from remuneration.models import Bordereau
from remuneration.money import format_eur


def _css_string(text: str) -> str:
    """Text safe inside a CSS string of the <style> element (no quote, backslash or tag)."""
    return mark_safe("".join(c for c in text if c not in '"\\<>\n'))  # noqa: S308 (filtered above)


def render(bordereau: Bordereau) -> bytes:
    from weasyprint import HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per step otherwise

    lines = lines_of(bordereau)
    rows = [
        {
            "line": line,
            "amount": format_eur(line.amount),
            "unit_amount": format_eur(line.unit_amount),
            "quantity": f"{line.quantity:.2f}".replace(".", ","),
            "corrects": corrects_text(line),
        }
        for line in lines
    ]
    stamp = bordereau.locked_at or bordereau.validated_at or bordereau.computed_at or bordereau.created_at
    html = render_to_string(
        "remuneration/bordereau_pdf.html",
        {
            "b": bordereau,
            "css_header": _css_string(
                f"Bordereau {bordereau.get_kind_display()} – {bordereau.territory.name}"
            ),
            "rows": rows,
            "total": format_eur(bordereau.total),
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
