"""Protocol acts of a structure by semester, and its semestrial reporting (DOMAIN.md §7.7)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from cpts.selectors import structures_coordinated_by, structures_for_user
from remuneration.models import ProtocolAct
from remuneration.money import ZERO
from remuneration.rules.periods import Period
from remuneration.rules.protocols import protocol_act_pay
from remuneration.selectors.baremes import bareme_rows, gap_error
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError

PROTOCOL_KINDS = ("cpts", "msp", "cds")


def protocol_structures_for(*, user):
    """Structures whose protocol acts the user records: the MSP, centres de santé and CPTS they
    coordinate; a SAS administrator's territories' ones; all for a platform administrator."""
    if user.has_role(Role.ADMIN_SAS, Role.ADMIN_PLATEFORME):
        qs = structures_for_user(user=user)
    else:
        qs = structures_coordinated_by(user=user)
    return qs.filter(kind__in=PROTOCOL_KINDS).order_by("name", "pk")


def protocol_acts_of(*, structure_id: int, period: Period) -> QuerySet[ProtocolAct]:
    """The structure's acts of the period, newest first (with the professional)."""
    return (
        ProtocolAct.objects.filter(
            structure_id=structure_id, act_date__gte=period.first_day, act_date__lte=period.last_day
        )
        .select_related("professional")
        .order_by("-act_date", "-id")
    )


@dataclass(frozen=True)
class ReportRow:
    act: ProtocolAct
    amount: Decimal | None
    reason: str


def protocol_report_rows(*, structure_id: int, period: Period) -> tuple[list[ReportRow], Decimal]:
    """Every act of the semester with what it is paid and why (the barème in force on its date; a
    barème gap gives its French message instead of an amount), and the total."""
    first, second = bareme_rows("protocol_first"), bareme_rows("protocol_second")
    rows, total = [], ZERO
    for act in protocol_acts_of(structure_id=structure_id, period=period).order_by("act_date", "id"):
        try:
            decision = protocol_act_pay(act, first_rows=first, second_rows=second, gap_error=gap_error)
        except ApplicationError as error:
            rows.append(ReportRow(act, None, error.message))
            continue
        rows.append(ReportRow(act, decision.amount, decision.reason))
        total += decision.amount
    return rows, total
