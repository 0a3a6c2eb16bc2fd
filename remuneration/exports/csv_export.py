"""CSV for CPAM staff: UTF-8 with BOM, « ; » separator, decimal comma, dates JJ/MM/AAAA, CRLF lines
(opens as is in a French spreadsheet). Last line: the total."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from remuneration.exports._rows import COLUMNS, corrects_text, lines_of, pdsa_text, validation_text
from remuneration.models import Bordereau


def decimal_fr(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def render(bordereau: Bordereau) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    validation = validation_text(bordereau)
    for line in lines_of(bordereau):
        writer.writerow(
            [
                bordereau.period,
                bordereau.territory_id,
                line.identifier_type,
                line.identifier,
                line.last_name,
                line.first_name,
                f"{line.fact_date:%d/%m/%Y}" if line.fact_date else "",
                line.label,
                decimal_fr(line.quantity),
                line.unit,
                decimal_fr(line.unit_amount),
                decimal_fr(line.amount),
                pdsa_text(line),
                "oui" if line.provisional else "non",
                corrects_text(line),
                validation,
            ]
        )
    writer.writerow(
        [
            bordereau.period,
            bordereau.territory_id,
            "",
            "",
            "TOTAL",
            "",
            "",
            "",
            "",
            "",
            "",
            decimal_fr(bordereau.total),
            "",
            "",
            "",
            validation,
        ]
    )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
