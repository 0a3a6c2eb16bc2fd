"""The baseline of ``bench_slots_search``: ``slots_search`` as it was before the one-query rewrite
(commit 7e033d9), kept verbatim so that before and after are measured in the same run. Imported
after ``setup_django()``."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import ExpressionWrapper, F, FloatField, Max, Q, Value
from django.utils import timezone

from planning import selectors
from planning.enums import SlotStatus
from planning.models import AgendaSource, Slot
from planning.search_settings import radius_settings
from sas_platform.geo import bounding_box, haversine_km


def _before_usable_source_ids(now):
    sources = {s.pk: s for s in AgendaSource.objects.filter(is_active=True)}
    usable = {
        pk
        for pk, s in sources.items()
        if s.last_success_at is not None
        and (now - s.last_success_at).total_seconds() <= s.exclude_after_seconds
    }
    return sources, usable


def _before_candidates(
    *, latitude, longitude, radius_km, start, end, modality_masks, specialty_code, usable_ids, now, fetch
):
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    cos_lat = math.cos(math.radians(latitude))
    d_lat = (F("latitude") - Value(latitude)) * Value(selectors.KM_PER_DEGREE)
    d_lon = (F("longitude") - Value(longitude)) * Value(selectors.KM_PER_DEGREE * cos_lat)
    qs = Slot.objects.filter(
        status__in=[SlotStatus.FREE, SlotStatus.HELD],
        start__gte=start,
        start__lt=end,
        latitude__gte=min_lat,
        latitude__lte=max_lat,
        longitude__gte=min_lon,
        longitude__lte=max_lon,
    ).filter(Q(status=SlotStatus.FREE) | Q(held_until__lte=now))
    qs = qs.filter(Q(source__isnull=True) | Q(source_id__in=sorted(usable_ids)))
    if modality_masks is not None:
        qs = qs.filter(modality_mask__in=modality_masks)
    if specialty_code:
        qs = qs.filter(specialty_codes__contains=f"|{specialty_code}|")
    qs = qs.annotate(d2=ExpressionWrapper(d_lat * d_lat + d_lon * d_lon, output_field=FloatField()))
    qs = qs.filter(d2__lte=radius_km * radius_km)
    return list(
        qs.order_by("start", "d2", "id").values("id", "start", "professional_id", "latitude", "longitude")[
            :fetch
        ]
    )


def slots_search_before(*, latitude, longitude, departement=None, specialty_code="SM54", limit=50):
    """The selector of commit 7e033d9 (default window, radius and modalities), for the ratio."""
    now = timezone.now()
    start, end = now, now + dt.timedelta(hours=48)
    radii = radius_settings(departement=departement, latitude=latitude, longitude=longitude).radii()
    sources, usable_ids = _before_usable_source_ids(now)
    rows, used_radius = [], radii[0]
    for radius in radii:
        found = _before_candidates(
            latitude=latitude,
            longitude=longitude,
            radius_km=radius,
            start=start,
            end=end,
            modality_masks=None,
            specialty_code=specialty_code,
            usable_ids=usable_ids,
            now=now,
            fetch=limit * 2,
        )
        if len(found) > len(rows):
            rows, used_radius = found, radius
        if len(found) >= min(selectors.MIN_RESULTS, limit):
            break
    widened = used_radius != radii[0]
    recent = dict(
        Slot.objects.filter(
            status=SlotStatus.BOOKED,
            booked_at__gte=now - dt.timedelta(days=selectors.ROTATION_DAYS),
            professional_id__in={row["professional_id"] for row in rows},
        )
        .values("professional_id")
        .annotate(last=Max("booked_at"))
        .values_list("professional_id", "last")
    )
    today = timezone.localdate(now)
    for row in rows:
        row["distance"] = haversine_km(latitude, longitude, row["latitude"], row["longitude"])
        row["recent"] = recent.get(row["professional_id"])
        row["key"] = (
            row["start"],
            round(row["distance"], 1),
            row["recent"] is not None,
            row["recent"] or now,
            selectors.rotation_salt(row["professional_id"], today),
        )
    rows.sort(key=lambda row: row["key"])
    rows = rows[:limit]
    slots = Slot.objects.select_related("professional", "place", "place__commune").in_bulk(
        [row["id"] for row in rows]
    )
    results = []
    for row in rows:
        slot = slots[row["id"]]
        source = sources.get(slot.source_id) if slot.source_id else None
        if source is not None:
            slot.source = source
        freshness = source.freshness_seconds(now) if source else None
        local = timezone.localtime(slot.start)
        reason = f"début {local:%d/%m %H:%M} ; à {row['distance']:.1f} km" + (" ; élargi" if widened else "")
        results.append((slot, freshness, reason))
    return results
