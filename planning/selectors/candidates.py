"""Candidate slots of the 48 h search: one SQL query, rows turned into model instances."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, OuterRef, Q, Subquery, Value

from cpts.selectors import DISPLAY_NAMES, display_objects, display_sql
from planning.enums import SlotStatus
from planning.models import AgendaSource, Slot
from sas_platform.geo import EARTH_RADIUS_KM, bounding_box
from sas_platform.sql import instance_from_row

KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
ROTATION_DAYS = 7


#: What a result shows (the regulation desk's table, the API): one query, no second fetch.
SLOT_COLUMNS = (
    "id",
    "source_id",
    "external_id",
    "professional_id",
    "place_id",
    "start",
    "end",
    "slot_types",
    "modalities",
    "specialty_code",
    "bookable",
    "booking_url",
    "address",
    "latitude",
    "longitude",
    "status",
    "held_until",
    "structures",  # the CPTS of a vacation slot: its source name on the desk (issue 11)
)


def candidates_queryset(
    *,
    latitude,
    longitude,
    radius_km,
    start,
    end,
    modality_masks,
    specialty_code,
    excluded_source_ids,
    now,
    fetch,
    display: bool = True,
):
    """One SQL query: the partial index ``slot_search_idx`` (start, latitude, longitude) gives the
    window and the bounding box, the equirectangular distance (exact enough below 100 km, any
    database) cuts the circle and orders equal starts by distance. With ``display``, the same query
    returns what a result shows (professional, place, commune: joins on primary keys of the rows
    kept) and the professional's last SAS booking of the past 7 days (fair rotation; a subquery on
    ``slot_booked_recent_idx``, evaluated by PostgreSQL after the sort and the limit)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    cos_lat = math.cos(math.radians(latitude))
    d_lat = (F("latitude") - Value(latitude)) * Value(KM_PER_DEGREE)
    d_lon = (F("longitude") - Value(longitude)) * Value(KM_PER_DEGREE * cos_lat)
    qs = Slot.objects.filter(
        status__in=[SlotStatus.FREE, SlotStatus.HELD],
        start__gte=start,
        start__lt=end,
        latitude__gte=min_lat,
        latitude__lte=max_lat,
        longitude__gte=min_lon,
        longitude__lte=max_lon,
    ).filter(Q(status=SlotStatus.FREE) | Q(held_until__lte=now))
    if excluded_source_ids:
        qs = qs.exclude(source_id__in=excluded_source_ids)
    if modality_masks is not None:
        qs = qs.filter(modality_mask__in=modality_masks)
    if specialty_code:
        qs = qs.filter(specialty_codes__contains=f"|{specialty_code}|")
    qs = qs.annotate(d2=ExpressionWrapper(d_lat * d_lat + d_lon * d_lon, output_field=FloatField()))
    qs = qs.filter(d2__lte=radius_km * radius_km)
    columns = ["id", "start", "professional_id", "latitude", "longitude"]
    if display:
        recent = (
            Slot.objects.filter(
                status=SlotStatus.BOOKED,
                professional_id=OuterRef("professional_id"),
                booked_at__gte=now - timedelta(days=ROTATION_DAYS),
            )
            .order_by("-booked_at")
            .values("booked_at")[:1]
        )
        qs = qs.annotate(recent_booked_at=Subquery(recent))
        columns = [
            *SLOT_COLUMNS,
            *DISPLAY_NAMES,
            "recent_booked_at",
            "d2",
        ]
    return qs.order_by("start", "d2", "id").values(*columns)[:fetch]


CANDIDATES_SQL = """
SELECT {slot_columns}, {display_columns},
       (SELECT b.booked_at FROM {slot} b
         WHERE b.status = 'booked' AND b.professional_id = s.professional_id AND b.booked_at >= %(since)s
         ORDER BY b.booked_at DESC LIMIT 1) AS recent_booked_at,
       {d2} AS d2
  FROM {slot} s
  {display_joins}
 WHERE s.status IN ('free', 'held')
   AND s.start >= %(start)s AND s.start < %(end)s
   AND s.latitude >= %(min_lat)s AND s.latitude <= %(max_lat)s
   AND s.longitude >= %(min_lon)s AND s.longitude <= %(max_lon)s
   AND (s.status = 'free' OR s.held_until <= %(now)s)
   AND {d2} <= %(r2)s{extra}
 ORDER BY s.start, d2, s.id
 LIMIT %(fetch)s
"""


@lru_cache(maxsize=16)
def candidates_sql(*, excluded: bool, masks: bool, specialty: bool) -> tuple[str, tuple[str, ...]]:
    """The PostgreSQL text of :func:`candidates_queryset` (display variant) for one shape of filters,
    built once: the ORM's query building and compiling cost more than the query itself. Returns the
    SQL and the names of its columns (``values()`` keys). ``tests/planning`` checks both agree."""
    d_lat, d_lon = "((s.latitude - %(lat)s) * %(k_lat)s)", "((s.longitude - %(lon)s) * %(k_lon)s)"
    d2 = f"({d_lat} * {d_lat} + {d_lon} * {d_lon})"  # as the ORM writes it: same ties, same order
    extra = ""
    if excluded:
        extra += "\n   AND (s.source_id IS NULL OR NOT (s.source_id = ANY(%(excluded)s)))"
    if masks:
        extra += "\n   AND s.modality_mask = ANY(%(masks)s)"
    if specialty:
        extra += "\n   AND s.specialty_codes LIKE %(specialty)s"
    display_columns, display_joins = display_sql(
        professional_id="s.professional_id", place_id="s.place_id"
    )  # the directory's tables, named by cpts
    sql = CANDIDATES_SQL.format(
        slot=Slot._meta.db_table,
        slot_columns=", ".join(f's."{c}"' for c in SLOT_COLUMNS),
        display_columns=display_columns,
        display_joins=display_joins,
        d2=d2,
        extra=extra,
    )
    names = (*SLOT_COLUMNS, *DISPLAY_NAMES, "recent_booked_at", "d2")
    return sql, names


_JSON_COLUMNS = ("slot_types", "modalities", "structures")


def candidate_rows(**kwargs) -> list[dict]:
    """Candidate rows with their display columns: written SQL on PostgreSQL, the ORM elsewhere."""
    if connection.vendor != "postgresql":
        return list(candidates_queryset(**kwargs))
    latitude, longitude, radius_km = kwargs["latitude"], kwargs["longitude"], kwargs["radius_km"]
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    specialty = kwargs["specialty_code"]
    sql, names = candidates_sql(
        excluded=bool(kwargs["excluded_source_ids"]),
        masks=kwargs["modality_masks"] is not None,
        specialty=bool(specialty),
    )
    params = {
        "lat": latitude,
        "lon": longitude,
        "k_lat": KM_PER_DEGREE,
        "k_lon": KM_PER_DEGREE * math.cos(math.radians(latitude)),
        "min_lat": min_lat,
        "max_lat": max_lat,
        "min_lon": min_lon,
        "max_lon": max_lon,
        "r2": radius_km * radius_km,
        "start": kwargs["start"],
        "end": kwargs["end"],
        "now": kwargs["now"],
        "since": kwargs["now"] - timedelta(days=ROTATION_DAYS),
        "excluded": list(kwargs["excluded_source_ids"]),
        "masks": list(kwargs["modality_masks"] or ()),
        "specialty": f"%|{specialty}|%",
        "fetch": kwargs["fetch"],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        for column in _JSON_COLUMNS:
            if isinstance(row[column], str):
                row[column] = json.loads(row[column])
    return rows


def slot_from_row(row: dict, sources: dict[int, AgendaSource]) -> Slot:
    slot = instance_from_row(Slot, "", SLOT_COLUMNS, row)
    cache = slot._state.fields_cache
    cache["professional"], cache["place"] = display_objects(row)
    if slot.source_id in sources:
        cache["source"] = sources[slot.source_id]  # already loaded: no join, no second copy
    return slot
