"""Offers of the vacation planning and who may take them (issue 11 §5-6; DOMAIN.md §5 "remise au
pot commun").

An offer is a vacation released to the pool (a pending ``pool`` request) or an open, published
vacation of a planning whose self-assignment window is open. Its eligible members are exactly
those the claim would accept: members of the planning's structure on the vacation's day (not the
giver), breaking no rule (``planning.vacations.policies.assignment_problems``: profession,
group, unavailability, overlap in every planning, rest, caps, shares), computed here for all the
members at once instead of one claim at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.vacations import selectors
from planning.vacations.enums import TransferKind, TransferStatus, VacationState
from planning.vacations.models import TransferRequest, Vacation, VacationPlanning
from planning.vacations.policies import assignment_problems

#: Open vacations (self-assignment) count as offers this many days ahead.
OPEN_OFFER_DAYS = 14
#: Rules look at most a quarter around a vacation (caps and shares per quarter).
RULES_MARGIN = timedelta(days=93)


@dataclass(frozen=True)
class Offer:
    vacation: Vacation
    request: TransferRequest | None = None  # None: an open vacation (self-assignment window)

    @property
    def giver_id(self) -> int | None:
        return self.request.from_professional_id if self.request else None

    @property
    def ref(self) -> str:
        """A stable reference for delivery keys: the pool request, or the open vacation's version."""
        if self.request is not None:
            return f"pool{self.request.pk}"
        return f"open{self.vacation.pk}v{self.vacation.version}"


def current_offers(*, now: datetime | None = None, limit: int = 300) -> list[Offer]:
    """Pool vacations not yet taken, then open vacations of plannings in self-assignment (the
    next ``OPEN_OFFER_DAYS`` days), all starting after ``now``, soonest first."""
    now = now or timezone.now()
    pooled = (
        TransferRequest.objects.filter(
            kind=TransferKind.POOL,
            status=TransferStatus.PENDING,
            deadline__gt=now,
            vacation__state=VacationState.ASSIGNED,
            vacation__starts_at__gt=now,
            vacation__planning__is_active=True,
        )
        .select_related("vacation__planning", "vacation__vacation_type", "vacation__group")
        .order_by("vacation__starts_at", "pk")[:limit]
    )
    offers = [Offer(vacation=r.vacation, request=r) for r in pooled]
    windows = [p.pk for p in VacationPlanning.objects.filter(is_active=True) if p.self_assignment_open(now)]
    if windows and len(offers) < limit:
        open_vacations = (
            Vacation.objects.filter(
                planning_id__in=windows,
                state=VacationState.OPEN,
                published=True,
                starts_at__gt=now,
                starts_at__lte=now + timedelta(days=OPEN_OFFER_DAYS),
            )
            .select_related("planning", "vacation_type", "group")
            .order_by("starts_at", "pk")[: limit - len(offers)]
        )
        offers += [Offer(vacation=v) for v in open_vacations]
    return offers


def eligible_ids(*, offer: Offer) -> set[int]:
    """Members who could take the offer now (the claim's own checks, for everyone at once)."""
    vacation = offer.vacation
    planning = vacation.planning
    on = timezone.localtime(vacation.starts_at).date()
    members = set(directory.structure_member_ids(structure_id=planning.structure_id, on=on))
    members.discard(offer.giver_id)
    if not members:
        return set()
    rules = selectors.rules_of(planning_id=planning.pk)
    low, high = vacation.starts_at - RULES_MARGIN, vacation.ends_at + RULES_MARGIN
    people = selectors.people_of(planning=planning, professional_ids=members, start=low, end=high)
    shifts = selectors.shifts_of_people(professional_ids=members, start=low, end=high)
    ctx = selectors.context_of(planning=planning, rules=rules, start=vacation.starts_at, end=vacation.ends_at)
    shift = selectors.shift_of(vacation)
    return {
        pid
        for pid, person in people.items()
        if not assignment_problems(person, shift, shifts.get(pid, []), rules, ctx)
    }
