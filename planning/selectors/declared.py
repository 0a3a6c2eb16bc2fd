"""Declared availability and the 2 h/week rule (DOMAIN.md §4)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from planning import policies
from planning.enums import AvailabilityKind, SourceKind
from planning.models import AgendaSource, DeclaredAvailability


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


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    begin = timezone.make_aware(datetime.combine(week_start, time.min))
    return begin, timezone.make_aware(datetime.combine(week_start + timedelta(days=7), time.min))


def declared_hours(blocks, week_start: date) -> Decimal:
    """The union of the week's occurrences: overlapping blocks (Monday 18–20 and 19–21, declared
    before overlaps were refused) count once, 3 h (``policies.union_seconds``)."""
    begin, finish = week_bounds(week_start)
    occurrences = [
        occurrence
        for block in blocks
        for occurrence in availability_occurrences(availability=block, start=begin, end=finish)
    ]
    seconds = policies.union_seconds(occurrences)
    return (Decimal(int(seconds)) / Decimal(3600)).quantize(Decimal("0.01"))


def declared_hours_per_week(*, professional, week_start: date) -> Decimal:
    """Hours of availability the professional declared on the platform for the week beginning
    ``week_start`` (DOMAIN.md §4: condition 1, "at least 2 hours of availability per week")."""
    blocks = DeclaredAvailability.objects.filter(professional=professional, is_active=True)
    return declared_hours(blocks, week_start)


def declared_hours_by_professional(*, professional_ids, week_starts: list[date]) -> dict[int, list[Decimal]]:
    """``declared_hours_per_week`` for many professionals and weeks in one query: ``{professional id:
    [hours of each week of week_starts]}`` (0 for a professional without declared blocks)."""
    ids = list(professional_ids)
    blocks: dict[int, list[DeclaredAvailability]] = {pk: [] for pk in ids}
    for block in DeclaredAvailability.objects.filter(professional_id__in=ids, is_active=True):
        blocks[block.professional_id].append(block)
    return {pk: [declared_hours(own, week) for week in week_starts] for pk, own in blocks.items()}


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
