"""Demo step of the vacation planning (order 25, after the directory and the agenda source): each
demo CPTS gets a planning with groups, types, weekly templates and rules; the current and next month
generated, filled by the fair auto-fill and published (their slots appear in the OSNP's search),
some vacations left free, two in the pool, a pending swap and a pending cession; and the two past
months done (with patients), for the statistics.

Idempotent: a structure that already has its demo planning is left alone.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, time, timedelta

from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.vacations.enums import VacationState
from planning.vacations.models import (
    DistributionRule,
    Vacation,
    VacationGroup,
    VacationPlanning,
    VacationTemplate,
    VacationType,
)

PLANNING_NAME = "Vacations SNP"


def _month_start(day: date, shift: int) -> date:
    month = day.month - 1 + shift
    return date(day.year + month // 12, month % 12 + 1, 1)


def _month_end(first: date) -> date:
    return _month_start(first, 1) - timedelta(days=1)


def _setup(structure, members: list[int], rng: random.Random) -> VacationPlanning:
    planning = VacationPlanning.objects.create(
        structure_id=structure.pk,
        name=f"{PLANNING_NAME} – {structure.name}",
        change_deadline_hours=24,
        reminder_hours=[48, 2],
        followup_hours=[48, 24],
    )
    groups = [
        VacationGroup.objects.create(planning=planning, name="Secteur nord"),
        VacationGroup.objects.create(planning=planning, name="Secteur sud"),
    ]
    for n, pk in enumerate(members):
        groups[n % 2].members.add(pk)
    cabinet = VacationType.objects.create(
        planning=planning, name="SNP cabinet 14 h–18 h", default_start=time(14), default_end=time(18),
        modality="AMB", capacity=4, profession_codes=["10"], indicative_rate="200.00",
    )  # fmt: skip
    tele = VacationType.objects.create(
        planning=planning, name="Téléconsultation 18 h–20 h", default_start=time(18), default_end=time(20),
        modality="VR", capacity=3, profession_codes=["10"], indicative_rate="100.00",
    )  # fmt: skip
    place = directory.places_of_structure(structure_id=structure.pk).first()
    for weekday in range(5):
        for group in groups:
            VacationTemplate.objects.create(
                planning=planning, vacation_type=cabinet, group=group, weekday=weekday,
                start_time=time(14), end_time=time(18), place_id=place.pk if place and group == groups[0] else None,
            )  # fmt: skip
        VacationTemplate.objects.create(
            planning=planning,
            vacation_type=tele,
            group=None,
            weekday=weekday,
            start_time=time(18),
            end_time=time(20),
        )
    DistributionRule.objects.create(
        planning=planning, name="Deux par semaine", kind="cap", period="week", max_count=2
    )
    DistributionRule.objects.create(
        planning=planning, name="Repos de 11 h", kind="min_rest", min_rest_hours=11
    )
    return planning


def _past_months(planning, today: date, rng: random.Random) -> int:
    """Two past months generated, filled and confirmed done (a few not done), with patients."""
    from planning.vacations.services import vacations_generate
    from planning.vacations.services.autofill import autofill_apply, autofill_propose

    first = _month_start(today, -2)
    last = _month_start(today, 0) - timedelta(days=1)
    vacations_generate(planning=planning, start=first, end=last, actor=None)
    proposal = autofill_propose(planning=planning, start=first, end=last, actor=None, time_limit=0.5)
    autofill_apply(proposal_id=proposal.pk, actor=None)
    done = 0
    for vacation in Vacation.objects.filter(
        planning=planning, state=VacationState.ASSIGNED, ends_at__lt=timezone.now()
    ):
        vacation.state = VacationState.DONE if rng.random() < 0.93 else VacationState.NOT_DONE
        seen = rng.randint(2, vacation.capacity + 2) if vacation.state == VacationState.DONE else 0
        vacation.patients_seen, vacation.patients_from_sas = seen, min(seen, rng.randint(0, 2))
        vacation.confirmed_at = vacation.ends_at + timedelta(hours=1)
        vacation.published = True
        vacation.save(
            update_fields=["state", "patients_seen", "patients_from_sas", "confirmed_at", "published"]
        )
        done += 1
    return done


def _current_months(planning, today: date, rng: random.Random) -> dict:
    from planning.vacations.services import (
        transfer_create,
        vacation_unassign,
        vacations_generate,
        vacations_publish,
    )
    from planning.vacations.services.autofill import autofill_apply, autofill_propose

    first, last = _month_start(today, 0), _month_end(_month_start(today, 1))
    vacations_generate(planning=planning, start=first, end=last, actor=None)
    proposal = autofill_propose(planning=planning, start=first, end=last, actor=None, time_limit=0.5)
    autofill_apply(proposal_id=proposal.pk, actor=None)
    future = list(
        Vacation.objects.filter(planning=planning, state=VacationState.ASSIGNED, starts_at__gt=timezone.now() + timedelta(days=3))
        .order_by("starts_at")
    )  # fmt: skip
    for vacation in future[-6:]:  # a few free vacations at the end of next month
        vacation_unassign(vacation_id=vacation.pk, actor=None, note="Démo : laissée libre")
    start, end = (timezone.now() - timedelta(days=40)), timezone.now() + timedelta(days=70)
    vacations_publish(planning=planning, start=start, end=end, actor=None)
    planning.self_assignment_opens_at = timezone.now() - timedelta(days=1)
    planning.save(update_fields=["self_assignment_opens_at"])
    # Past vacations of the current month: done.
    Vacation.objects.filter(
        planning=planning, state=VacationState.ASSIGNED, ends_at__lt=timezone.now()
    ).update(state=VacationState.DONE, patients_seen=3, patients_from_sas=1, confirmed_at=timezone.now())
    assigned = [v for v in future[:-6] if v.assignee_id]
    requests = 0
    for vacation in assigned[:2]:
        transfer_create(
            vacation_id=vacation.pk, kind="pool", from_professional_id=vacation.assignee_id, actor=None
        )
        requests += 1
    pairs = [(a, b) for a, b in itertools.pairwise(assigned[2:13]) if a.assignee_id != b.assignee_id]
    if pairs:
        a, b = pairs[0]
        transfer_create(
            vacation_id=a.pk,
            kind="exchange",
            from_professional_id=a.assignee_id,
            counter_vacation_id=b.pk,
            actor=None,
        )
        requests += 1
    if len(pairs) > 2:
        c, d = pairs[2]
        transfer_create(
            vacation_id=c.pk, kind="cession", from_professional_id=c.assignee_id, to_professional_id=d.assignee_id,
            actor=None,
        )  # fmt: skip
        requests += 1
    return {"requests": requests}


def seed_vacations_demo(rng: random.Random) -> dict:
    today = timezone.localdate()
    made = 0
    for structure in directory.cpts_structures()[:3]:
        if VacationPlanning.objects.filter(
            structure_id=structure.pk, name__startswith=PLANNING_NAME
        ).exists():
            continue
        members = directory.structure_member_ids(structure_id=structure.pk, on=today)
        if len(members) < 3:
            continue
        planning = _setup(structure, members, rng)
        _past_months(planning, today, rng)
        _current_months(planning, today, rng)
        made += 1
    return {"plannings": made}
