"""What a search result shows of a slot's professional and place, for callers that write their own
SQL (``planning``'s 48 h search): the directory's tables are named here, in ``cpts``, and the rows
come back as model instances built without a second query."""

from __future__ import annotations

from functools import lru_cache

from cpts.models import PracticePlace, Professional
from sas_platform.models import Commune
from sas_platform.sql import instance_from_row

PROFESSIONAL_COLUMNS = (
    "id",
    "identifier_type",
    "identifier",
    "civility",
    "last_name",
    "first_name",
    "specialty_code",
)
PLACE_COLUMNS = ("id", "name", "address", "postal_code", "commune_id", "phone")
COMMUNE_COLUMNS = ("insee_code", "name", "departement_id")

#: The keys of the displayed columns in a row (``values()`` spelling, relative to the slot).
DISPLAY_NAMES = (
    *(f"professional__{c}" for c in PROFESSIONAL_COLUMNS),
    *(f"place__{c}" for c in PLACE_COLUMNS),
    *(f"place__commune__{c}" for c in COMMUNE_COLUMNS),
)


@lru_cache(maxsize=8)
def display_sql(*, professional_id: str, place_id: str) -> tuple[str, str]:
    """(SELECT list, JOIN clauses) adding :data:`DISPLAY_NAMES` to a query whose professional and
    place ids are the SQL expressions ``professional_id`` and ``place_id`` (e.g. ``s.professional_id``):
    the professional is required, the place and its commune optional."""
    columns = ", ".join(
        [
            *(f'p."{c}"' for c in PROFESSIONAL_COLUMNS),
            *(f'pl."{c}"' for c in PLACE_COLUMNS),
            *(f'c."{c}"' for c in COMMUNE_COLUMNS),
        ]
    )
    joins = (
        f"JOIN {Professional._meta.db_table} p ON p.id = {professional_id}\n"
        f"  LEFT JOIN {PracticePlace._meta.db_table} pl ON pl.id = {place_id}\n"
        f"  LEFT JOIN {Commune._meta.db_table} c ON c.insee_code = pl.commune_id"
    )
    return columns, joins


def display_objects(row: dict) -> tuple[Professional, PracticePlace | None]:
    """The professional and place (its commune attached) of a row holding :data:`DISPLAY_NAMES`, as
    if fetched (other fields deferred)."""
    professional = instance_from_row(Professional, "professional__", PROFESSIONAL_COLUMNS, row)
    if row["place__id"] is None:
        return professional, None
    place = instance_from_row(PracticePlace, "place__", PLACE_COLUMNS, row)
    place._state.fields_cache["commune"] = (
        instance_from_row(Commune, "place__commune__", COMMUNE_COLUMNS, row)
        if row["place__commune_id"] is not None
        else None
    )
    return professional, place
