"""Read selectors of `regulation`, scoped by territory (STYLE.md 10).

Reading a dossier's patient data goes through :func:`dossier_read`, which logs the read
(DOMAIN.md §8). The queue shows no patient identity (reference, priority, commune, age, waiting
time, who holds it), so listing it is not a read of patient data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from regulation import policies
from regulation.enums import PRIORITY_RANK, DossierState, RequestStatus
from regulation.events import EVENT_LABELS
from regulation.models import Dossier, PdsaCalendar, RegulatorShift, SurnumeraireRequest
from regulation.permissions import can_view_dossier
from sas_platform.enums import AccessPurpose
from sas_platform.events import patient_data_access_write
from sas_platform.exceptions import NotFoundError, PermissionDeniedError
from sas_platform.models import AuditEvent
from sas_platform.permissions import can_work_regulation_desk
from sas_platform.selectors import territory_codes_for_user


def pdsa_schedule_for(*, territory_code: str) -> policies.PdsaSchedule:
    """The territory's PDSA calendar, or the regulatory defaults (DOMAIN.md §3.4)."""
    calendar = PdsaCalendar.objects.filter(territory_id=territory_code).first()
    if calendar is not None:
        return calendar.schedule()
    return policies.PdsaSchedule(alsace_moselle=territory_code in policies.ALSACE_MOSELLE)


@dataclass(frozen=True)
class HoursStatus:
    pdsa: bool
    next_opening: dt.datetime | None


def pdsa_schedule_of(*, dossier: Dossier) -> policies.PdsaSchedule:
    """The dossier's territory calendar, without a query when ``dossier_read`` joined it."""
    territory = dossier.territory if Dossier.territory.is_cached(dossier) else None
    if territory is None or not _calendar_cached(territory):
        return pdsa_schedule_for(territory_code=dossier.territory_id)
    try:
        return territory.pdsa_calendar.schedule()
    except PdsaCalendar.DoesNotExist:
        return policies.PdsaSchedule(alsace_moselle=dossier.territory_id in policies.ALSACE_MOSELLE)


def _calendar_cached(territory) -> bool:
    return "pdsa_calendar" in territory._state.fields_cache


def hours_status(
    *, territory_code: str, now: dt.datetime | None = None, schedule: policies.PdsaSchedule | None = None
) -> HoursStatus:
    """Is it PDSA time in this territory, and when do SAS hours resume?"""
    now = now or timezone.now()
    schedule = schedule or pdsa_schedule_for(territory_code=territory_code)
    pdsa = policies.is_pdsa_time(now, schedule)
    return HoursStatus(pdsa=pdsa, next_opening=policies.next_sas_opening(now, schedule) if pdsa else None)


def dossiers_for_user(*, user) -> QuerySet[Dossier]:
    """Dossiers of the user's territories (nothing for anyone else: DOMAIN.md §2)."""
    return Dossier.objects.filter(territory_id__in=territory_codes_for_user(user=user))


_PRIORITY_ORDER = Case(
    *[When(priority=code, then=Value(rank)) for code, rank in PRIORITY_RANK.items()],
    default=Value(9),
    output_field=IntegerField(),
)


def _queue_queryset(*, user, territory_code: str | None = None) -> QuerySet[Dossier]:
    """The dossiers of the queue page, scoped as the page scopes them (home counts read the same)."""
    qs = dossiers_for_user(user=user).filter(state__in=policies.QUEUE_STATES)
    if territory_code:
        qs = qs.filter(territory_id=territory_code)
    return qs


def queue_for_user(*, user, territory_code: str | None = None, limit: int = 200) -> list[Dossier]:
    """The live queue (DOMAIN.md §3.1): dossiers still to work, most urgent then longest waiting."""
    qs = _queue_queryset(user=user, territory_code=territory_code)
    qs = qs.select_related("commune", "holder").annotate(priority_rank=_PRIORITY_ORDER)
    return list(qs.order_by("priority_rank", "picked_up_at", "pk")[:limit])


def recent_for_user(*, user, limit: int = 20) -> list[Dossier]:
    qs = dossiers_for_user(user=user).exclude(state__in=policies.QUEUE_STATES)
    return list(qs.select_related("commune").order_by("-updated_at", "-pk")[:limit])


def dossier_read(
    *,
    user,
    dossier_id: int,
    path: str = "",
    purpose: AccessPurpose = AccessPurpose.VIEW,
    also_allowed=None,
) -> Dossier:
    """The dossier with its patient data, for ``user``; the read is logged (DOMAIN.md §8).

    Refused (nothing logged): unknown dossier (404), another territory or role (403), or a page's
    own permission ``also_allowed(user, dossier)`` refused (403). One query, the territory's PDSA
    calendar joined.
    """
    dossier = (
        Dossier.objects.select_related(
            "commune", "territory__pdsa_calendar", "holder", "created_by", "decided_by"
        )
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise NotFoundError("Dossier introuvable.", code="dossier_not_found")
    if not can_view_dossier(user, dossier) or (also_allowed is not None and not also_allowed(user, dossier)):
        raise PermissionDeniedError("Ce dossier n'est pas dans vos territoires.", code="permission_denied")
    patient_data_access_write(actor=user, obj=dossier, purpose=purpose, path=path)
    return dossier


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    label: str
    actor: str
    params: dict


def dossier_timeline(*, dossier: Dossier) -> list[TimelineEntry]:
    """Every step of the dossier with actor and time, oldest first (DOMAIN.md §3.1 step 4)."""
    events = AuditEvent.objects.filter(
        object_type=Dossier._meta.label_lower, object_id=str(dossier.pk)
    ).order_by("occurred_at", "id")
    return [
        TimelineEntry(
            at=event.occurred_at,
            label=EVENT_LABELS.get(event.event_type, event.event_type),
            actor=event.actor_label,
            params=event.params,
        )
        for event in events
    ]


def dossier_bookings(*, dossier: Dossier) -> list:
    return list(dossier.bookings.select_related("professional", "structure").order_by("-created_at", "-pk"))


def dossier_requests(*, dossier: Dossier) -> list[SurnumeraireRequest]:
    return list(
        dossier.surnumeraire_requests.select_related("professional", "structure", "asked_by").order_by(
            "-asked_at"
        )
    )


def last_asked_at(*, professional_ids=(), structure_ids=()) -> tuple[dict, dict]:
    """When each doctor / structure was last asked for a surnuméraire (fair rotation)."""
    by_professional = dict(
        SurnumeraireRequest.objects.filter(professional_id__in=list(professional_ids))
        .values("professional_id")
        .annotate(last=Max("asked_at"))
        .values_list("professional_id", "last")
    )
    by_structure = dict(
        SurnumeraireRequest.objects.filter(structure_id__in=list(structure_ids))
        .values("structure_id")
        .annotate(last=Max("asked_at"))
        .values_list("structure_id", "last")
    )
    return by_professional, by_structure


def structure_requests(*, structure_ids, pending_only: bool = False) -> list[SurnumeraireRequest]:
    """Requests addressed to these structures (their coordinators' page), newest first."""
    qs = SurnumeraireRequest.objects.filter(structure_id__in=list(structure_ids)).select_related(
        "dossier", "dossier__commune", "structure", "accepting_professional"
    )
    if pending_only:
        qs = qs.filter(status=RequestStatus.PENDING)
    return list(qs.order_by("status", "-asked_at")[:200])


def open_dossier_count(*, user, territory_code: str | None = None) -> dict[str, int]:
    """How many dossiers of the user's queue page are in each queue state (0 for the others)."""
    counts = dict.fromkeys(policies.QUEUE_STATES, 0)
    rows = (
        _queue_queryset(user=user, territory_code=territory_code)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    for state, n in rows:
        counts[DossierState(state)] = n
    return counts


@dataclass(frozen=True)
class SurnumeraireCandidate:
    """A doctor to call directly, or a structure to call for its members (DOMAIN.md §3.1 step 3, §4)."""

    kind: str  # "doctor" | "structure"
    pk: int
    label: str
    phone: str
    distance_km: float
    last_asked_at: dt.datetime | None
    detail: str


def surnumeraire_candidates(
    *, dossier: Dossier, on: dt.date | None = None, radius_km: float = 20, limit: int = 10
) -> tuple[list[SurnumeraireCandidate], list[SurnumeraireCandidate]]:
    """Participating doctors accepting surnuméraire near the patient, in fair rotation (least
    recently asked first, then nearest), and the structures to call for doctors who participate
    through a CPTS / MSP / SOS / CDS (seed 004: "le régulateur appelle la CPTS"). Bounded queries."""
    from cpts import selectors as cpts_selectors
    from cpts.enums import ParticipationMode
    from cpts.models import SasParticipation

    if dossier.latitude is None or dossier.longitude is None:
        return [], []
    on = on or timezone.localdate()
    near = cpts_selectors.professionals_near(
        latitude=dossier.latitude,
        longitude=dossier.longitude,
        radius_km=radius_km,
        on=on,
        participating_only=True,
        accepts_surnumeraire=True,
    )
    # One query for the declarations in force (mode, structure) of these doctors.
    declarations = {
        p.professional_id: p
        for p in SasParticipation.objects.select_related("structure")
        .filter(professional_id__in=[prof.pk for prof, _, _ in near], start_date__lte=on)
        .exclude(end_date__lt=on)
    }
    doctors: dict[int, tuple] = {}
    structures: dict[int, tuple] = {}
    for professional, place, distance in near:
        declaration = declarations.get(professional.pk)
        if declaration is None:
            continue
        if declaration.mode == ParticipationMode.INDIVIDUAL:
            doctors[professional.pk] = (professional, place, distance)
        elif declaration.structure_id and declaration.structure_id not in structures:
            structures[declaration.structure_id] = (declaration.structure, distance)
    by_professional, by_structure = last_asked_at(professional_ids=doctors, structure_ids=structures)
    doctor_rows = [
        SurnumeraireCandidate(
            kind="doctor",
            pk=pk,
            label=f"Dr {doctors[pk][0]}",
            phone=doctors[pk][1].phone,
            distance_km=distance,
            last_asked_at=last,
            detail=doctors[pk][1].commune.name if doctors[pk][1].commune_id else doctors[pk][1].address,
        )
        for pk, distance, last in policies.rotation_order(
            [(pk, row[2]) for pk, row in doctors.items()], by_professional
        )[:limit]
    ]
    structure_rows = [
        SurnumeraireCandidate(
            kind="structure",
            pk=pk,
            label=str(structures[pk][0]),
            phone=structures[pk][0].phone,
            distance_km=distance,
            last_asked_at=last,
            detail="membre le plus proche",
        )
        for pk, distance, last in policies.rotation_order(
            [(pk, row[1]) for pk, row in structures.items()], by_structure
        )[:limit]
    ]
    return doctor_rows, structure_rows


# --- Regulators' shifts (DOMAIN.md §7.5) -------------------------------------------------------


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


def surnumeraire_requests_for_user(
    *, user, dossier_id: int | None = None, status: str | None = None, limit: int = 200
) -> list[SurnumeraireRequest]:
    """Requests a user may see: the desk's of their territories, a coordinator's of their structures."""
    from sas_platform.enums import Role

    scope = Q(pk__in=[])
    if can_work_regulation_desk(user):
        scope |= Q(dossier__territory_id__in=territory_codes_for_user(user=user))
    if user.has_role(Role.COORDINATEUR_STRUCTURE):
        from cpts.selectors import structures_coordinated_by

        scope |= Q(structure__in=structures_coordinated_by(user=user))
    qs = SurnumeraireRequest.objects.filter(scope)
    if dossier_id is not None:
        qs = qs.filter(dossier_id=dossier_id)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-asked_at", "-pk")[:limit])
