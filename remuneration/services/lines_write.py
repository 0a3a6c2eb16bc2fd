"""Writing a bordereau's computed lines in one pass (issue 12: tens of thousands of lines a year).

The lines are serialised once, as the rows of a PostgreSQL ``COPY``: the same text gives the
fingerprint (recomputing unchanged facts writes nothing) and, on PostgreSQL, the data streamed to
the table. Elsewhere (SQLite) the rows go through ``bulk_create``. ``facts`` and ``why`` keep the
facts behind each line (DOMAIN.md §7.5: a line shows what it pays and why).
"""

from __future__ import annotations

import hashlib
import json
import re

from django.db import connection

from remuneration.models import BordereauLine
from remuneration.services.builders._common import Draft, LineData

COLUMNS = (
    "position",
    "identifier_type",
    "identifier",
    "last_name",
    "first_name",
    "label",
    "fact_date",
    "quantity",
    "unit",
    "unit_amount",
    "amount",
    "provisional",
    "fact_key",
    "facts",
    "why",
    "corrects_id",
)
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SEP, _NULL = "\x1f", "\x1e"  # field separator and NULL, made ``\t`` and ``\N`` by the row's translate
_ROW = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", _SEP: "\t", _NULL: "\\N"})
_SEPARATORS = len(COLUMNS) - 1
_SPECIAL = re.compile(r"[\\\t\n\r]")
_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode


def _fields(position: int, line: LineData) -> tuple[str, ...]:
    """The row's fields, ``_NULL`` for NULL."""
    return (
        str(position),
        line.identifier_type,
        line.identifier,
        line.last_name[:150],
        line.first_name[:150],
        line.label[:255],
        line.fact_date.isoformat() if line.fact_date else _NULL,
        str(line.quantity),
        line.unit,
        str(line.unit_amount),
        str(line.amount),
        "t" if line.provisional else "f",
        line.fact_key[:80],
        _dumps(line.facts),
        _dumps(line.why),
        _NULL if line.corrects_id is None else str(line.corrects_id),
    )


def _row(position: int, line: LineData) -> str:
    """One line as a row of ``COPY … FROM STDIN`` (text format, ``\\N`` for NULL), escaped in one
    ``translate``; a line whose text holds a control separator itself is escaped field by field."""
    fields = _fields(position, line)
    joined = _SEP.join(fields)
    nulls = (line.fact_date is None) + (line.corrects_id is None)
    if joined.count(_SEP) == _SEPARATORS and joined.count(_NULL) == nulls:
        if _SPECIAL.search(joined) is None:  # the usual case: two plain replaces
            return joined.replace(_SEP, "\t").replace(_NULL, "\\N")
        return joined.translate(_ROW)
    values = list(fields)
    return "\t".join(
        "\\N" if i in (6, 15) and v == _NULL else v.translate(_ESCAPE) for i, v in enumerate(values)
    )


def lines_serialise(draft: Draft) -> tuple[list[str], str]:
    """``(rows, fingerprint)``: the rows to write and the SHA-256 of lines and anomalies."""
    rows = [_row(position, line) for position, line in enumerate(draft.lines, start=1)]
    digest = hashlib.sha256()
    digest.update("\n".join(rows).encode())
    digest.update(b"\x00")
    digest.update(_dumps(draft.anomalies).encode())
    return rows, digest.hexdigest()


def lines_replace(bordereau, draft: Draft, rows: list[str]) -> None:
    """Replace the lines of a draft ``bordereau`` (inside the caller's transaction).

    Draft lines are never the target of an adjustment (only locked lines are corrected), so they
    are deleted in one statement; the database's lock triggers still guard locked bordereaux."""
    BordereauLine.objects.filter(bordereau=bordereau)._raw_delete(BordereauLine.objects.db)
    if not rows:
        return
    if connection.vendor == "postgresql":
        prefix = f"{bordereau.pk}\t"
        columns = ", ".join(("bordereau_id", *COLUMNS))
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY remuneration_bordereauline ({columns}) FROM STDIN") as copy,
        ):
            for start in range(0, len(rows), 5000):
                copy.write("".join(prefix + row + "\n" for row in rows[start : start + 5000]))
        return
    BordereauLine.objects.bulk_create(
        [
            BordereauLine(
                bordereau=bordereau,
                position=position,
                identifier_type=line.identifier_type,
                identifier=line.identifier,
                last_name=line.last_name[:150],
                first_name=line.first_name[:150],
                label=line.label[:255],
                fact_date=line.fact_date,
                quantity=line.quantity,
                unit=line.unit,
                unit_amount=line.unit_amount,
                amount=line.amount,
                provisional=line.provisional,
                fact_key=line.fact_key[:80],
                facts=line.facts,
                why=line.why,
                corrects_id=line.corrects_id,
            )
            for position, line in enumerate(draft.lines, start=1)
        ],
        batch_size=500,
    )
