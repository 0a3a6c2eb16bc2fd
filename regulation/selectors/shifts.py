"""Regulators' shifts: the open one, a month's, totals, history (DOMAIN.md §7.5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from regulation.models import RegulatorShift
from sas_platform.selectors import territory_codes_for_user


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``month`` and of the next one, in Paris time."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_default_timezone()
    return (
        dt.datetime.combine(first, dt.time(0, 0), tzinfo=tz),
        dt.datetime.combine(following, dt.time(0, 0), tzinfo=tz),
    )


def shift_open_for(*, user) -> RegulatorShift | None:
    return (
        RegulatorShift.objects.select_related("territory")
        .filter(regulator=user, is_current=True, end__isnull=True, cancelled=False)
        .first()
    )


def shifts_visible_to(*, user) -> QuerySet[RegulatorShift]:
    """Current versions a user may see: their own, and their territories' when they manage shifts."""
    from sas_platform.enums import Role

    qs = RegulatorShift.objects.filter(is_current=True)
    if user.has_role(Role.ADMIN_PLATEFORME):
        return qs
    managed = territory_codes_for_user(user=user) if user.has_role(Role.ADMIN_SAS) else set()
    return qs.filter(Q(regulator=user) | Q(territory_id__in=managed))


def shifts_of_month(
    *, user, month: dt.date, territory_code: str | None = None, regulator_id: int | None = None
) -> list[RegulatorShift]:
    start, end = month_bounds(month)
    qs = shifts_visible_to(user=user).filter(start__gte=start, start__lt=end)
    if territory_code:
        qs = qs.filter(territory_id=territory_code)
    if regulator_id:
        qs = qs.filter(regulator_id=regulator_id)
    return list(qs.select_related("regulator", "recorded_by").order_by("start", "pk")[:1000])


@dataclass(frozen=True)
class ShiftTotal:
    regulator_id: int
    regulator: str
    rpps: str
    shifts: int
    sas_minutes: int
    pdsa_minutes: int


def shift_totals_of_month(*, user, month: dt.date, territory_code: str | None = None) -> list[ShiftTotal]:
    """Hours per regulator for the month (SAS hours are the paid ones: DOMAIN.md §7.5), in SQL."""
    start, end = month_bounds(month)
    qs = shifts_visible_to(user=user).filter(start__gte=start, start__lt=end, cancelled=False)
    if territory_code:
        qs = qs.filter(territory_id=territory_code)
    rows = (
        qs.values("regulator_id", "regulator__first_name", "regulator__last_name", "regulator__email")
        .annotate(n=Count("pk"), sas=Sum("sas_minutes", default=0), pdsa=Sum("pdsa_minutes", default=0))
        .order_by("regulator__last_name", "regulator_id")
    )
    rpps = dict(
        RegulatorShift.regulator.field.related_model.objects.filter(
            pk__in=[r["regulator_id"] for r in rows]
        ).values_list("pk", "rpps")
    )
    return [
        ShiftTotal(
            regulator_id=r["regulator_id"],
            regulator=f"{r['regulator__first_name']} {r['regulator__last_name']}".strip()
            or r["regulator__email"],
            rpps=rpps.get(r["regulator_id"], ""),
            shifts=r["n"],
            sas_minutes=r["sas"],
            pdsa_minutes=r["pdsa"],
        )
        for r in rows
    ]


def shift_history(*, shift: RegulatorShift) -> list[RegulatorShift]:
    """Every version of a shift, oldest first (corrections keep history)."""
    return list(
        RegulatorShift.objects.filter(lineage=shift.lineage)
        .select_related("recorded_by", "regulator")
        .order_by("version")
    )


def regulators_of(*, territory_code: str) -> QuerySet:
    """Régulateurs acting in the territory (the schedule's choices)."""
    from sas_platform.enums import Role
    from sas_platform.models import User

    return (
        User.objects.filter(groups__name=Role.REGULATEUR, territories__code=territory_code, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )
