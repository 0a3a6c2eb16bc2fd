"""Dossiers as each user may see them: the queue, a logged read, the timeline, counts (DOMAIN.md §3.1, §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from regulation import policies
from regulation.enums import PRIORITY_RANK, DossierState
from regulation.events import EVENT_LABELS
from regulation.models import Dossier, SurnumeraireRequest
from regulation.permissions import can_create_dossier, can_view_dossier
from sas_platform.enums import AccessPurpose
from sas_platform.events import patient_data_access_write
from sas_platform.exceptions import NotFoundError, PermissionDeniedError
from sas_platform.models import AuditEvent, Commune
from sas_platform.selectors import territory_codes_for_user


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


def dossier_territory_for(*, user, commune_code: str) -> str | None:
    """The SAS territory a new dossier belongs to (DOMAIN.md §2, §3.1 step 1): the département of the
    patient's commune, provided the user may open dossiers there; ``None`` otherwise (unknown
    commune, or another territory's patient: nobody opens a dossier outside their territories).
    One rule for the pick-up page and the API."""
    departement = (
        Commune.objects.filter(insee_code=commune_code).values_list("departement_id", flat=True).first()
    )
    if departement is None or not can_create_dossier(user, departement):
        return None
    return departement
