"""Plannings, members and vacations for the vacation tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planning.vacations.enums import VacationState
from planning.vacations.models import (
    DistributionRule,
    Vacation,
    VacationGroup,
    VacationPlanning,
    VacationTemplate,
    VacationType,
)
from tests.cpts.factories import (
    CoordinatorFactory,
    MembershipFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
)
from tests.factories import UserFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(y, m, d, h=0, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=PARIS).astimezone(UTC)


def member(structure, *, with_account=False, **kwargs):
    professional = ProfessionalFactory(**kwargs)
    if with_account:
        from sas_platform.enums import Role

        professional.user = UserFactory(roles=[Role.EFFECTEUR], territories=["13"])
        professional.save(update_fields=["user"])
    PracticePlaceFactory(professional=professional)
    MembershipFactory(professional=professional, structure=structure, start_date=date(2020, 1, 1))
    return professional


def make_planning(*, members: int = 3, coordinator=True, accounts=False, **options) -> dict:
    """A CPTS with ``members`` doctors, a coordinator, one planning with a group, an afternoon
    type (14:00-18:00, 4 patients) and a Monday template."""
    from sas_platform.enums import Role

    structure = StructureFactory()
    coordinator_user = None
    if coordinator:
        coordinator_user = UserFactory(roles=[Role.COORDINATEUR_STRUCTURE], territories=["13"])
        CoordinatorFactory(user=coordinator_user, structure=structure)
    people = [member(structure, with_account=accounts) for _ in range(members)]
    planning = VacationPlanning.objects.create(structure=structure, name="Planning SNP", **options)
    group = VacationGroup.objects.create(planning=planning, name="Marseille centre")
    vtype = VacationType.objects.create(
        planning=planning,
        name="SNP cabinet 14 h–18 h",
        default_start=time(14),
        default_end=time(18),
        capacity=4,
        profession_codes=["10"],
    )
    template = VacationTemplate.objects.create(
        planning=planning, vacation_type=vtype, group=group, weekday=0, start_time=time(14), end_time=time(18)
    )
    return {
        "structure": structure,
        "coordinator": coordinator_user,
        "people": people,
        "planning": planning,
        "group": group,
        "type": vtype,
        "template": template,
    }


def make_vacation(
    setup: dict, start: datetime, hours: float = 4, *, assignee=None, published=True, **kw
) -> Vacation:
    return Vacation.objects.create(
        planning=kw.pop("planning", setup["planning"]),
        vacation_type=kw.pop("vacation_type", setup["type"]),
        group=kw.pop("group", setup["group"]),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        capacity=kw.pop("capacity", 4),
        state=VacationState.ASSIGNED if assignee else VacationState.OPEN,
        assignee=assignee,
        published=published,
        **kw,
    )


def rule(setup: dict, name: str, kind: str, **kw) -> DistributionRule:
    return DistributionRule.objects.create(planning=setup["planning"], name=name, kind=kind, **kw)
