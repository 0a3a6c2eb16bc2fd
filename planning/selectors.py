"""Read selectors of `planning`, scoped by territory (STYLE.md 10).

The 48 h search (DOMAIN.md §3.2): neutral ranking, soonest start, then nearest, then fair rotation
between professionals; default radius and widening per département; explained to the regulator.
"""

from __future__ import annotations

import hashlib
import json
import math
import time as time_module
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.base import ModelState
from django.utils import timezone

from cpts.models import PracticePlace, Professional
from planning.enums import MODALITY_BITS, AvailabilityKind, Modality, SlotStatus, SourceKind
from planning.exceptions import SearchInputError
from planning.models import AgendaSource, DeclaredAvailability, Slot, SourceRun
from planning.search_settings import radius_settings
from sas_platform.enums import Role
from sas_platform.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from sas_platform.models import Commune
from sas_platform.selectors import territory_codes_for_user

KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
MIN_RESULTS = 5  # DOMAIN.md §3.2: the national platform widens until 5 results show
MAX_WINDOW = timedelta(days=7)
MAX_RADIUS_KM = 200
ROTATION_DAYS = 7
DECLARED_SOURCE_NAME = "Disponibilités déclarées sur la plateforme"
WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


@dataclass(frozen=True)
class SlotSearchResult:
    """One ranked slot of :func:`slots_search` and why it ranks there (DOMAIN.md §3.2: "the regulator
    sees why a slot ranks where it does (time, distance, source, freshness)")."""

    slot: Slot
    distance_km: float
    source_name: str
    freshness_seconds: int | None
    rank_reason: str
    stale: bool = False
    radius_km: float = 0.0
    widened: bool = False


def _validate(*, latitude, longitude, radius_km, start, end, modalities, limit) -> None:
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (latitude, longitude)) or not (
        -90 <= latitude <= 90 and -180 <= longitude <= 180
    ):
        raise SearchInputError(
            "Coordonnées invalides : latitude entre -90 et 90, longitude entre -180 et 180."
        )
    if radius_km is not None and not (0 < radius_km <= MAX_RADIUS_KM):
        raise SearchInputError(f"Le rayon doit être compris entre 1 et {MAX_RADIUS_KM} km.")
    if end <= start:
        raise SearchInputError("La fin de la fenêtre de recherche doit suivre son début.")
    if end - start > MAX_WINDOW:
        raise SearchInputError("La fenêtre de recherche ne peut pas dépasser 7 jours.")
    unknown = set(modalities or ()) - set(Modality.values)
    if unknown:
        raise SearchInputError(f"Modalité inconnue : {', '.join(sorted(unknown))} (AMB, VR ou HH).")
    if not (1 <= limit <= 200):
        raise SearchInputError("Le nombre de résultats doit être compris entre 1 et 200.")


# --- Source metadata, cached a few seconds per process -------------------------------------------
_sources_cache: tuple[float, dict[int, AgendaSource]] = (-math.inf, {})


def sources_cache_clear() -> None:
    """Forget the cached source metadata (services call it when they change a source)."""
    global _sources_cache
    _sources_cache = (-math.inf, {})


def _sources_metadata(*, refresh: bool = False) -> dict[int, AgendaSource]:
    """Every source (a handful), read at most every ``PLANNING_SEARCH_SOURCES_CACHE_SECONDS`` per
    process. A source unknown to the copy (created meanwhile) makes the search reload it at once;
    freshness is always computed against the current time from ``last_success_at``."""
    global _sources_cache
    loaded_at, sources = _sources_cache
    ttl = settings.PLANNING_SEARCH_SOURCES_CACHE_SECONDS
    if refresh or ttl <= 0 or time_module.monotonic() - loaded_at > ttl:
        sources = {
            s.pk: s
            for s in AgendaSource.objects.only(
                "pk",
                "name",
                "label",
                "is_active",
                "last_success_at",
                "stale_after_seconds",
                "exclude_after_seconds",
            )
        }
        _sources_cache = (time_module.monotonic(), sources)
    return sources


def _excluded_source_ids(sources: dict[int, AgendaSource], now: datetime) -> list[int]:
    """Sources whose slots are left out: inactive, never successful, or older than their
    ``exclude_after_seconds`` (stale but younger ones are searched and flagged)."""
    return sorted(
        pk
        for pk, s in sources.items()
        if not s.is_active
        or s.last_success_at is None
        or (now - s.last_success_at).total_seconds() > s.exclude_after_seconds
    )


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
)
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


def _candidates_queryset(
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
            *(f"professional__{c}" for c in PROFESSIONAL_COLUMNS),
            *(f"place__{c}" for c in PLACE_COLUMNS),
            *(f"place__commune__{c}" for c in COMMUNE_COLUMNS),
            "recent_booked_at",
            "d2",
        ]
    return qs.order_by("start", "d2", "id").values(*columns)[:fetch]


_SQL_TEMPLATE = """
SELECT {slot_columns}, {professional_columns}, {place_columns}, {commune_columns},
       (SELECT b.booked_at FROM {slot} b
         WHERE b.status = 'booked' AND b.professional_id = s.professional_id AND b.booked_at >= %(since)s
         ORDER BY b.booked_at DESC LIMIT 1) AS recent_booked_at,
       {d2} AS d2
  FROM {slot} s
  JOIN {professional} p ON p.id = s.professional_id
  LEFT JOIN {place} pl ON pl.id = s.place_id
  LEFT JOIN {commune} c ON c.insee_code = pl.commune_id
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
def _candidates_sql(*, excluded: bool, masks: bool, specialty: bool) -> tuple[str, tuple[str, ...]]:
    """The PostgreSQL text of :func:`_candidates_queryset` (display variant) for one shape of filters,
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
    sql = _SQL_TEMPLATE.format(
        slot=Slot._meta.db_table,
        professional=Professional._meta.db_table,
        place=PracticePlace._meta.db_table,
        commune=Commune._meta.db_table,
        slot_columns=", ".join(f's."{c}"' for c in SLOT_COLUMNS),
        professional_columns=", ".join(f'p."{c}"' for c in PROFESSIONAL_COLUMNS),
        place_columns=", ".join(f'pl."{c}"' for c in PLACE_COLUMNS),
        commune_columns=", ".join(f'c."{c}"' for c in COMMUNE_COLUMNS),
        d2=d2,
        extra=extra,
    )
    names = (
        *SLOT_COLUMNS,
        *(f"professional__{c}" for c in PROFESSIONAL_COLUMNS),
        *(f"place__{c}" for c in PLACE_COLUMNS),
        *(f"place__commune__{c}" for c in COMMUNE_COLUMNS),
        "recent_booked_at",
        "d2",
    )
    return sql, names


_JSON_COLUMNS = ("slot_types", "modalities")


def _candidates(**kwargs) -> list[dict]:
    """Candidate rows with their display columns: written SQL on PostgreSQL, the ORM elsewhere."""
    if connection.vendor != "postgresql":
        return list(_candidates_queryset(**kwargs))
    latitude, longitude, radius_km = kwargs["latitude"], kwargs["longitude"], kwargs["radius_km"]
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    specialty = kwargs["specialty_code"]
    sql, names = _candidates_sql(
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


def _instance(model, prefix: str, columns: tuple[str, ...], row: dict):
    """A model instance from a row, as if fetched (other fields deferred, loaded on access).

    Built as unpickling does (``__new__`` and ``__dict__``): ``Model.__init__`` for 200 objects cost
    more than the search's SQL."""
    obj = model.__new__(model)
    obj._state = ModelState()
    obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
    obj.__dict__.update({name: row[f"{prefix}{name}"] for name in columns})
    return obj


def _slot_from_row(row: dict, sources: dict[int, AgendaSource]) -> Slot:
    slot = _instance(Slot, "", SLOT_COLUMNS, row)
    cache = slot._state.fields_cache
    cache["professional"] = _instance(Professional, "professional__", PROFESSIONAL_COLUMNS, row)
    if row["place_id"] is None:
        cache["place"] = None
    else:
        place = cache["place"] = _instance(PracticePlace, "place__", PLACE_COLUMNS, row)
        place._state.fields_cache["commune"] = (
            _instance(Commune, "place__commune__", COMMUNE_COLUMNS, row)
            if row["place__commune_id"] is not None
            else None
        )
    if slot.source_id in sources:
        cache["source"] = sources[slot.source_id]  # already loaded: no join, no second copy
    return slot


def _rotation_salt(professional_id: int, day: date) -> str:
    """Daily salted order among equals: no professional is favoured by their id or name."""
    return hashlib.md5(f"{day.isoformat()}:{professional_id}".encode(), usedforsecurity=False).hexdigest()


def _km(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " km"


def slots_search(
    *,
    latitude: float,
    longitude: float,
    radius_km: float | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    modalities: set[str] | None = None,
    specialty_code: str | None = "SM54",
    departement: str | None = None,
    limit: int = 50,
) -> list[SlotSearchResult]:
    """Free slots near a patient within 48 h, ranked neutrally (DOMAIN.md §3.2).

    - Window: ``start`` → ``end``, default now → now + 48 h (at most 7 days).
    - Radius: ``radius_km``, or the département's default (13: 10 km), widened by its step
      (13: +5 km) while fewer than 5 slots show; each result says so (``widened``, ``rank_reason``).
    - Ranking: soonest start, then distance (to 0.1 km), then fair rotation: a professional
      booked by the SAS in the last 7 days comes after an equal one who was not, then a daily
      salted order. No source, editor or structure is favoured.
    - Never HELD (unexpired), BOOKED or GONE slots. Slots of stale sources are kept and flagged
      (``stale``, ``freshness_seconds``); past the source's ``exclude_after_seconds`` they are left out.
    Raises :class:`~planning.exceptions.SearchInputError` (400, French) on out-of-range input.

    One SQL query per radius tried (usually one): candidates, display columns and the rotation's
    last bookings together; the sources' metadata comes from a copy a few seconds old at most.
    """
    now = timezone.now()
    start = start or now
    end = end or start + timedelta(hours=48)
    _validate(
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        start=start,
        end=end,
        modalities=modalities,
        limit=limit,
    )
    modality_masks = None
    if modalities:
        wanted = sum(MODALITY_BITS[Modality(code)] for code in modalities)
        modality_masks = [mask for mask in range(1, 8) if mask & wanted]
    settings_ = radius_settings(departement=departement, latitude=latitude, longitude=longitude)
    radii = [radius_km] if radius_km is not None else settings_.radii()
    sources = _sources_metadata()

    def search() -> tuple[list[dict], float]:
        # Widen while fewer than 5 slots show; keep the smallest radius that gave the most slots.
        excluded = _excluded_source_ids(sources, now)
        rows: list[dict] = []
        used = radii[0]
        for radius in radii:
            found = _candidates(
                latitude=latitude,
                longitude=longitude,
                radius_km=radius,
                start=start,
                end=end,
                modality_masks=modality_masks,
                specialty_code=specialty_code,
                excluded_source_ids=excluded,
                now=now,
                fetch=limit * 2,
            )
            if len(found) > len(rows):
                rows, used = found, radius
            if len(found) >= min(MIN_RESULTS, limit):
                break
        return rows, used

    rows, used_radius = search()
    if any(row["source_id"] is not None and row["source_id"] not in sources for row in rows):
        sources = _sources_metadata(refresh=True)  # a source created since the copy was made
        rows, used_radius = search()
    widened = used_radius != radii[0]

    today = timezone.localdate(now)
    for row in rows:
        row["distance"] = haversine_km(latitude, longitude, row["latitude"], row["longitude"])
        row["key"] = (
            row["start"],
            round(row["distance"], 1),
            row["recent_booked_at"] is not None,
            row["recent_booked_at"] or now,
            _rotation_salt(row["professional_id"], today),
        )
    rows.sort(key=lambda row: row["key"])
    rows = rows[:limit]
    results = []
    for index, row in enumerate(rows):
        slot = _slot_from_row(row, sources)
        source = slot.source
        freshness = source.freshness_seconds(now) if source else None
        stale = bool(source and source.is_stale(now))
        local = timezone.localtime(slot.start)
        reasons = [
            f"début {WEEKDAYS_SHORT[local.weekday()]} {local.day}/{local.month:02d} à {local:%H:%M}",
            f"à {_km(row['distance'])}",
        ]
        tied = [
            other
            for other in rows[max(0, index - 1) : index + 2]
            if other is not row and other["key"][:2] == row["key"][:2]
        ]
        if tied:
            reasons.append(
                "à égalité : médecin sollicité par le SAS ces 7 derniers jours, placé après"
                if row["recent_booked_at"]
                else "à égalité : rotation équitable entre médecins"
            )
        if stale:
            minutes = (freshness or 0) // 60
            reasons.append(
                f"source « {source.label} » non mise à jour depuis {minutes} min"
                if freshness is not None
                else f"source « {source.label} » jamais mise à jour"
            )
        if widened:
            reasons.append(
                f"rayon élargi à {used_radius:g} km (moins de {MIN_RESULTS} créneaux à {radii[0]:g} km)"
            )
        reason = " ; ".join(reasons)
        results.append(
            SlotSearchResult(
                slot=slot,
                distance_km=round(row["distance"], 2),
                source_name=source.label if source else DECLARED_SOURCE_NAME,
                freshness_seconds=freshness,
                rank_reason=reason[:1].upper() + reason[1:],
                stale=stale,
                radius_km=used_radius,
                widened=widened,
            )
        )
    return results


def _rpps_of(value: str) -> str:
    value = (value or "").strip()
    return value[1:] if len(value) == 12 and value.startswith("8") else value


def slot_find_for_appointment(*, rpps: str, start: datetime, reference: str | None = None) -> Slot | None:
    """The slot an editor's Appointment feedback (INT_R03, DOMAIN.md §3.3) is about: same professional
    (RPPS, with or without its ``8`` prefix) and same start. Prefers the slot held or booked with
    ``reference``, then any held slot, then a free one, then a gone one."""
    candidates = list(
        Slot.objects.select_related("source", "professional").filter(
            professional__identifier_type="8", professional__identifier=_rpps_of(rpps), start=start
        )
    )
    if not candidates:
        return None

    def preference(slot: Slot) -> tuple[int, int]:
        mine = bool(reference) and reference in (slot.hold_reference, slot.booking_reference)
        order = {SlotStatus.HELD: 1, SlotStatus.FREE: 2, SlotStatus.GONE: 3, SlotStatus.BOOKED: 4}
        return (0 if mine else order[slot.status], slot.pk)

    return min(candidates, key=preference)


def agenda_source_authenticate(*, token: str) -> AgendaSource | None:
    """The active source whose feedback token this is (editors POST Appointment feedback with it,
    DOMAIN.md §3.3); only the token's SHA-256 is stored."""
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return AgendaSource.objects.filter(feedback_token_hash=digest, is_active=True).first()


# --- Declared availability and the 2 h/week rule (DOMAIN.md §4) ------------------------------------
def availability_occurrences(
    *, availability: DeclaredAvailability, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Aware (start, end) of each occurrence of a block beginning in [start, end), Paris time."""
    first, last = timezone.localdate(start), timezone.localdate(end)
    if availability.kind == AvailabilityKind.ONE_OFF:
        days = [availability.date] if availability.date and first <= availability.date <= last else []
    else:
        days = [
            first + timedelta(days=n)
            for n in range((last - first).days + 1)
            if (first + timedelta(days=n)).weekday() == availability.weekday
        ]
    occurrences = []
    for day in days:
        if day < availability.valid_from or (availability.valid_until and day > availability.valid_until):
            continue
        begin = timezone.make_aware(datetime.combine(day, availability.start_time))
        finish = timezone.make_aware(datetime.combine(day, availability.end_time))
        if start <= begin < end:
            occurrences.append((begin, finish))
    return occurrences


#: DOMAIN.md §4, condition 1: "at least 2 hours of availability per week".
TWO_HOURS = Decimal(2)


def _week_bounds(week_start: date) -> tuple[datetime, datetime]:
    begin = timezone.make_aware(datetime.combine(week_start, time.min))
    return begin, timezone.make_aware(datetime.combine(week_start + timedelta(days=7), time.min))


def _declared_hours(blocks, week_start: date) -> Decimal:
    begin, finish = _week_bounds(week_start)
    seconds = 0.0
    for block in blocks:
        for occurrence_start, occurrence_end in availability_occurrences(
            availability=block, start=begin, end=finish
        ):
            seconds += (occurrence_end - occurrence_start).total_seconds()
    return (Decimal(int(seconds)) / Decimal(3600)).quantize(Decimal("0.01"))


def declared_hours_per_week(*, professional, week_start: date) -> Decimal:
    """Hours of availability the professional declared on the platform for the week beginning
    ``week_start`` (DOMAIN.md §4: condition 1, "at least 2 hours of availability per week")."""
    blocks = DeclaredAvailability.objects.filter(professional=professional, is_active=True)
    return _declared_hours(blocks, week_start)


def declared_hours_by_professional(*, professional_ids, week_starts: list[date]) -> dict[int, list[Decimal]]:
    """``declared_hours_per_week`` for many professionals and weeks in one query: ``{professional id:
    [hours of each week of week_starts]}`` (0 for a professional without declared blocks)."""
    ids = list(professional_ids)
    blocks: dict[int, list[DeclaredAvailability]] = {pk: [] for pk in ids}
    for block in DeclaredAvailability.objects.filter(professional_id__in=ids, is_active=True):
        blocks[block.professional_id].append(block)
    return {pk: [_declared_hours(own, week) for week in week_starts] for pk, own in blocks.items()}


def meets_two_hours_rule(*, professional, week_start: date) -> bool:
    """DOMAIN.md §4: a doctor without an interfaced agenda participates by declaring ≥ 2 h per week."""
    return declared_hours_per_week(professional=professional, week_start=week_start) >= TWO_HOURS


def interfaced_rpps() -> set[str]:
    """RPPS covered by an active agenda editor source (their availability comes from their agenda)."""
    covered: set[str] = set()
    for rpps_list in AgendaSource.objects.filter(is_active=True, kind=SourceKind.FHIR_SAS_IG).values_list(
        "rpps_list", flat=True
    ):
        covered.update(rpps_list or [])
    return covered


def declared_availabilities_of(*, professional) -> QuerySet[DeclaredAvailability]:
    return DeclaredAvailability.objects.filter(professional=professional, is_active=True).select_related(
        "place"
    )


# --- Sources page ---------------------------------------------------------------------------------
def sources_visible_to(*, user) -> QuerySet[AgendaSource]:
    """Platform administrators see every source; SAS administrators and coordinators those of their
    territories and the national ones (no département)."""
    qs = AgendaSource.objects.select_related("departement").order_by("label")
    if user.has_role(Role.ADMIN_PLATEFORME):
        return qs
    return qs.filter(Q(departement__isnull=True) | Q(departement_id__in=territory_codes_for_user(user=user)))


def source_last_runs(*, sources) -> dict[int, SourceRun]:
    """The latest run of each source, in one query (``DISTINCT ON`` on PostgreSQL, a scan elsewhere)."""
    ids = [source.pk for source in sources]
    if not ids:
        return {}
    runs = SourceRun.objects.filter(source_id__in=ids)
    if connection.vendor == "postgresql":
        return {
            run.source_id: run
            for run in runs.order_by("source_id", "-created_at", "-id").distinct("source_id")
        }
    latest: dict[int, SourceRun] = {}
    for run in runs.order_by("-created_at", "-id"):
        latest.setdefault(run.source_id, run)
    return latest


def source_runs_of(*, source: AgendaSource) -> QuerySet[SourceRun]:
    """A source's runs, newest first (paginated by the API)."""
    return SourceRun.objects.filter(source=source).order_by("-created_at", "-id")


# --- Geography of a search ------------------------------------------------------------------------
def commune_nearest(*, latitude: float, longitude: float, within_km: float = 30.0) -> Commune | None:
    """The commune whose centre is nearest to the point (its département scopes a search made from
    coordinates); None beyond ``within_km`` (at sea, abroad)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, within_km)
    candidates = Commune.objects.filter(
        latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon
    ).only("insee_code", "name", "latitude", "longitude", "departement_id")
    best, best_km = None, within_km
    for commune in candidates:
        km = haversine_km(latitude, longitude, commune.latitude, commune.longitude)
        if km <= best_km:
            best, best_km = commune, km
    return best


# --- FHIR R4 Slot search of the slots the platform owns (issue 4 §7, INT_R01 / INT_R04) ------------
def fhir_consumer_authenticate(*, token: str):
    """The active user behind a DRF token (``Authorization: Bearer <key>`` or ``Token <key>``) who may
    read the platform's slots over FHIR (permission ``planning.view_slot``, e.g. a machine user of
    the national platform or of another aggregator); None otherwise."""
    from rest_framework.authtoken.models import Token

    if not token:
        return None
    found = Token.objects.select_related("user").filter(key=token).first()
    if found is None or not found.user.is_active:
        return None
    return found.user


def owned_slots_for_fhir(
    *,
    national_ids: list[tuple[str, str]],
    start: datetime,
    end: datetime,
    after: tuple[datetime, int] | None = None,
    count: int = 100,
) -> tuple[list[Slot], int]:
    """Free slots the platform owns (declared availability, ``source`` null) of these professionals
    (``(identifier_type, identifier)``), starting in [start, end], ordered by (start, id); keyset page
    after ``after`` (the ``next`` link's cursor). Returns the page (``count`` + 1 rows at most: one
    more tells there is a next page) and the total of matches."""
    condition = Q()
    for identifier_type, identifier in national_ids:
        condition |= Q(professional__identifier_type=identifier_type, professional__identifier=identifier)
    now = timezone.now()
    qs = Slot.objects.filter(
        condition,
        source__isnull=True,
        start__gte=start,
        start__lte=end,
    ).filter(Q(status=SlotStatus.FREE) | Q(status=SlotStatus.HELD, held_until__lte=now))
    total = qs.count()
    if after is not None:
        qs = qs.filter(Q(start__gt=after[0]) | Q(start=after[0], pk__gt=after[1]))
    page = list(
        qs.select_related("professional", "place", "place__commune").order_by("start", "pk")[: count + 1]
    )
    return page, total
