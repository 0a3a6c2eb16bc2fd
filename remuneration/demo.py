"""Demo of `remuneration` (DOMAIN.md §7; issue 12): the demo territory's last three months of
regulators' bordereaux (the oldest paid, the next validated and locked, last month a draft with an
anomaly), last quarter's indicator 9 and this year's ACI envelopes of the demo CPTS.

Facts go through regulation's public services (shifts scheduled by the administrator); bordereaux
through this app's services, by the demo ARS and CPAM agents. Idempotent: a second run finds the
shifts and the bordereaux and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from cpts.selectors.pay import cpts_of_territory
from regulation import services as regulation_services
from regulation.selectors.pay import shift_pay_facts
from remuneration.enums import BordereauKind, BordereauStatus
from remuneration.models import AciIndicatorTarget, Bordereau
from remuneration.rules.periods import PARIS, period_parse, previous_period
from remuneration.services import (
    bordereau_compute,
    bordereau_lock,
    bordereau_mark_paid,
    bordereau_validate,
)
from sas_platform.demo import DEMO_DEPARTEMENT
from sas_platform.exceptions import ApplicationError
from sas_platform.models import User

#: Shifts of the demo régulateur in each past month: (day of month, start hour, end hour).
MONTH_SHIFTS = [
    (3, 8, 14),
    (5, 9, 13),
    (10, 13, 19),
    (12, 8, 14),
    (17, 9, 13),
    (19, 13, 19),
    (24, 8, 14),
    (26, 9, 13),
]


def _months_back(today: dt.date, count: int) -> list[str]:
    months, first = [], today.replace(day=1)
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(f"{first.year}-{first.month:02d}")
    return list(reversed(months))


def _schedule_month(period: str, regulateur, admin, *, with_anomaly: bool) -> int:
    month = period_parse(BordereauKind.REGULATORS, period)
    if shift_pay_facts(territory_code=DEMO_DEPARTEMENT, start=month.start, end=month.end):
        return 0
    created = 0
    for day, start_hour, end_hour in MONTH_SHIFTS:
        start = dt.datetime(month.first_day.year, month.first_day.month, day, start_hour, tzinfo=PARIS)
        if start.weekday() == 6:
            start -= dt.timedelta(days=1)
        end = start.replace(hour=end_hour)
        regulation_services.shift_schedule(
            actor=admin, territory_code=DEMO_DEPARTEMENT, regulator=regulateur, start=start, end=end
        )
        created += 1
    if with_anomaly:  # a 13-hour shift (confirmed as long): still listed as an anomaly to check on the draft
        start = dt.datetime(month.first_day.year, month.first_day.month, 28, 7, tzinfo=PARIS)
        if start.weekday() == 6:
            start += dt.timedelta(days=1)
        regulation_services.shift_schedule(
            actor=admin,
            territory_code=DEMO_DEPARTEMENT,
            regulator=regulateur,
            start=start,
            end=start.replace(hour=20),
            confirm_long=True,
        )
        created += 1
    return created


def _advance(bordereau: Bordereau, target: str, ars, cpam) -> None:
    order = [BordereauStatus.DRAFT, BordereauStatus.VALIDATED, BordereauStatus.LOCKED, BordereauStatus.PAID]
    while order.index(bordereau.status if bordereau.status in order else BordereauStatus.DRAFT) < order.index(
        target
    ):
        if bordereau.status in (BordereauStatus.DRAFT, BordereauStatus.SENT_BACK):
            bordereau = bordereau_validate(actor=ars, bordereau_id=bordereau.pk)
        elif bordereau.status == BordereauStatus.VALIDATED:
            bordereau = bordereau_lock(actor=cpam, bordereau_id=bordereau.pk)
        else:
            bordereau = bordereau_mark_paid(actor=cpam, bordereau_id=bordereau.pk)


def _compute(kind: str, period: str, admin) -> Bordereau | None:
    existing = Bordereau.objects.filter(kind=kind, territory_id=DEMO_DEPARTEMENT, period=period).first()
    if existing is not None and existing.status not in (BordereauStatus.DRAFT, BordereauStatus.SENT_BACK):
        return existing
    try:
        return bordereau_compute(
            actor=admin, kind=kind, territory_code=DEMO_DEPARTEMENT, period=period
        ).bordereau
    except ApplicationError:
        return None  # e.g. a barème ended: the demo shows what can be computed


#: The demo contracts' variable-part indicators (DOMAIN.md §7.6): (indicator, weight %, target).
DEMO_CONTRACT = (
    ("vacations_done", Decimal(40), Decimal(20)),
    ("sas_requests_with_appointment", Decimal(35), Decimal(10)),
    ("participating_doctors", Decimal(25), Decimal(5)),
)


def _contract_targets(year: int, admin) -> int:
    """The demo CPTS's contract indicators for ``year`` (idempotent: existing rows are kept)."""
    created = 0
    for cpts in cpts_of_territory(departement=DEMO_DEPARTEMENT, on=dt.date(year, 12, 31)):
        for indicator, weight, target in DEMO_CONTRACT:
            _, new = AciIndicatorTarget.objects.get_or_create(
                structure_id=cpts.id,
                mission="access",
                year=year,
                indicator=indicator,
                defaults={
                    "weight": weight,
                    "target": target,
                    "source": "Contrat ACI (démo)",
                    "updated_by": admin,
                },
            )
            created += new
    return created


def seed_remuneration_demo(rng: random.Random) -> dict:
    from remuneration.migrations._bareme_seed import seed
    from remuneration.models import Bareme

    seed(Bareme)  # the default barèmes (idempotent): a flushed test database has lost the migration's rows
    users = {
        u.email: u
        for u in User.objects.filter(
            email__in=["regulateur@demo.sas", "admin@demo.sas", "ars@demo.sas", "cpam@demo.sas"]
        )
    }
    regulateur, admin = users["regulateur@demo.sas"], users["admin@demo.sas"]
    ars, cpam = users["ars@demo.sas"], users["cpam@demo.sas"]
    today = timezone.localdate()
    months = _months_back(today, 3)
    shifts = sum(
        _schedule_month(period, regulateur, admin, with_anomaly=(index == 2))
        for index, period in enumerate(months)
    )
    statuses = {}
    for period, target in zip(
        months, (BordereauStatus.PAID, BordereauStatus.LOCKED, BordereauStatus.DRAFT), strict=True
    ):
        bordereau = _compute(BordereauKind.REGULATORS, period, admin)
        if bordereau is not None and target != BordereauStatus.DRAFT:
            _advance(bordereau, target, ars, cpam)
        statuses[period] = target.value
    quarter = previous_period(BordereauKind.INDICATOR_9, f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    ind9 = _compute(BordereauKind.INDICATOR_9, quarter, admin)
    _contract_targets(today.year, admin)
    aci = _compute(BordereauKind.ACI, str(today.year), admin)
    return {
        "remuneration_shifts": shifts,
        "regulators_bordereaux": statuses,
        "indicator9": quarter if ind9 else None,
        "aci_lines": aci.lines_count if aci else 0,
    }
