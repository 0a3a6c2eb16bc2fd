"""What waits for someone in the vacation planning (issue 11 §5, §9): requests a professional must
answer, past vacations they must confirm, changes a coordinator must approve.

The pages that list them ("mes vacations", the plannings list) and the home sections that count
them read these same selectors, so a home page never contradicts the page it links to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from planning.vacations.enums import TransferKind, TransferStatus, VacationState
from planning.vacations.models import TransferRequest, Vacation

#: How far back "mes vacations" shows past vacations (to confirm them).
CONFIRM_WINDOW = timedelta(days=30)


def my_vacations(*, professional_id: int, now: datetime | None = None) -> QuerySet[Vacation]:
    """The professional's assigned vacations, coming and of the last 30 days (still to confirm)."""
    now = now or timezone.now()
    return (
        Vacation.objects.filter(
            assignee_id=professional_id, state=VacationState.ASSIGNED, ends_at__gte=now - CONFIRM_WINDOW
        )
        .select_related("vacation_type", "planning", "group")
        .order_by("starts_at")
    )


def vacations_to_confirm(*, professional_id: int, now: datetime | None = None) -> QuerySet[Vacation]:
    """Of :func:`my_vacations`, those already started: done or not, the professional says so (§9)."""
    now = now or timezone.now()
    return my_vacations(professional_id=professional_id, now=now).filter(starts_at__lte=now)


def requests_to_answer(*, professional_id: int, now: datetime | None = None) -> QuerySet[TransferRequest]:
    """Cessions and swaps addressed to the professional, pending and before their deadline."""
    now = now or timezone.now()
    return (
        TransferRequest.objects.filter(
            to_professional_id=professional_id, status=TransferStatus.PENDING, deadline__gt=now
        )
        .select_related("vacation__vacation_type", "from_professional", "counter_vacation__vacation_type")
        .order_by("deadline")
    )


def requests_awaiting_approval(*, planning_ids: Iterable[int]) -> QuerySet[TransferRequest]:
    """Changes taken by a colleague that wait for the coordinator (plannings asking for approval)."""
    return TransferRequest.objects.filter(
        vacation__planning_id__in=list(planning_ids), status=TransferStatus.AWAITING_APPROVAL
    )


def awaiting_approval_by_planning(*, planning_ids: Iterable[int]) -> dict[int, int]:
    """Planning id → number of changes waiting for its coordinator (one query)."""
    rows = (
        requests_awaiting_approval(planning_ids=planning_ids)
        .values("vacation__planning_id")
        .annotate(n=Count("id"))
    )
    return {row["vacation__planning_id"]: row["n"] for row in rows}


# --- The pool page: what a professional may take, and why not ---------------------------------
def pool_offers(*, professional_id: int, plannings, now: datetime | None = None) -> list[TransferRequest]:
    """Vacations released to the pool of the professional's plannings, by others, still open."""
    now = now or timezone.now()
    return list(
        TransferRequest.objects.filter(
            kind=TransferKind.POOL,
            status=TransferStatus.PENDING,
            deadline__gt=now,
            vacation__planning__in=list(plannings),
        )
        .exclude(from_professional_id=professional_id)
        .select_related("vacation__vacation_type", "vacation__planning", "from_professional")
        .order_by("vacation__starts_at")[:200]
    )


def self_assignable(*, plannings, now: datetime | None = None) -> list[Vacation]:
    """Open, published, coming vacations of the plannings whose self-assignment window is open."""
    now = now or timezone.now()
    window = [p.pk for p in plannings if p.self_assignment_open(now)]
    return list(
        Vacation.objects.filter(
            planning_id__in=window, state=VacationState.OPEN, published=True, starts_at__gt=now
        )
        .select_related("vacation_type", "planning", "group")
        .order_by("starts_at")[:200]
    )


def blocking_problems(*, vacations: list[Vacation], professional_id: int) -> dict[int, list[str]]:
    """Vacation id → the rules the professional would break by taking it (issue 11 §3: the same
    checks as the claim), every offer at once in a fixed number of queries
    (``selectors.problems_for_many``)."""
    from planning.vacations.selectors import problems_for_many

    return problems_for_many(vacations=vacations, professional_id=professional_id)
