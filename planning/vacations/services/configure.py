"""Set-up of a planning: a vacation type with its weekly template(s), groups, rules (issue 11 §1, §3)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from cpts.selectors import vacations as directory
from planning.vacations.models import DistributionRule, VacationGroup, VacationTemplate, VacationType
from sas_platform.exceptions import ApplicationError


@transaction.atomic
def template_add(
    *,
    planning,
    actor,
    name: str,
    start_time,
    end_time,
    weekdays,
    modality="AMB",
    capacity=0,
    count=1,
    group="",
) -> list[VacationTemplate]:
    """A vacation type (reused when the name exists) and one weekly template per chosen day. A new
    group takes every current member of the structure."""
    if not weekdays:
        raise ApplicationError("Choisissez au moins un jour.", code="invalid")
    if start_time == end_time:
        raise ApplicationError("La fin doit différer du début.", code="invalid")
    vacation_type, _ = VacationType.objects.get_or_create(
        planning=planning,
        name=name.strip(),
        defaults={
            "default_start": start_time,
            "default_end": end_time,
            "modality": modality,
            "capacity": capacity,
        },
    )
    group_obj = None
    if group and group.strip():
        group_obj, created = VacationGroup.objects.get_or_create(planning=planning, name=group.strip())
        if created:
            from django.utils import timezone

            group_obj.members.set(
                directory.structure_member_ids(structure_id=planning.structure_id, on=timezone.localdate())
            )
    created = []
    for day in sorted({int(d) for d in weekdays}):
        created.append(
            VacationTemplate.objects.create(
                planning=planning,
                vacation_type=vacation_type,
                group=group_obj,
                weekday=day,
                start_time=start_time,
                end_time=end_time,
                count=count,
            )
        )
    return created


@transaction.atomic
def rule_add(*, planning, actor, name: str, kind: str, period: str, value: Decimal) -> DistributionRule:
    fields = {"cap": "max_count", "share": "share_percent", "min_rest": "min_rest_hours"}
    if kind not in fields:
        raise ApplicationError("Type de règle inconnu.", code="invalid")
    if kind == "share" and value > 100:
        raise ApplicationError("Une part ne peut pas dépasser 100 %.", code="invalid")
    amount = value if kind == "share" else int(value)
    return DistributionRule.objects.create(
        planning=planning, name=name.strip(), kind=kind, period=period, **{fields[kind]: amount}
    )
