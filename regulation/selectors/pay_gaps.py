"""Surnuméraire acts around a quarter, for explaining indicator 9 (DOMAIN.md §7.2; issue 12).

What the tiers pay on is the seen surnuméraire acts with an RPPS whose appointment falls in the
quarter in Paris time (:func:`regulation.selectors.pay.surnumeraire_groups`). The doctor's own
record may hold more: acts without the RPPS (only the directory's professional), not seen, or just
across the quarter's boundary. This returns them all, with a margin, so ``remuneration`` can say per
act why it was not counted. Read-only, plain data.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from regulation.models import ActFact
from regulation.selectors.pay import ActPayFact

FIELDS = (
    "id", "territory_id", "rpps", "doctor_name", "professional_id", "structure_id", "regulated_at",
    "appointment_start", "outcome", "is_surnumeraire", "is_treating_doctor", "within_48h", "outside_pdsa",
)  # fmt: skip
MARGIN = dt.timedelta(days=1)


def surnumeraire_acts_around(
    *,
    start: dt.datetime,
    end: dt.datetime,
    territory_code: str | None = None,
    rpps: str | None = None,
    professional_id: int | None = None,
    uncounted_only: bool = False,
    limit: int = 2000,
) -> list[ActPayFact]:
    """Surnuméraire acts whose appointment starts in ``[start − 1 day, end + 1 day)`` or that were
    regulated in ``[start, end)``, of a territory and/or a doctor (by RPPS or directory id), oldest
    first; ``uncounted_only`` leaves out the seen acts with an RPPS inside ``[start, end)``."""
    qs = ActFact.objects.filter(is_surnumeraire=True).filter(
        Q(appointment_start__gte=start - MARGIN, appointment_start__lt=end + MARGIN)
        | Q(regulated_at__gte=start, regulated_at__lt=end, appointment_start__gte=end)
    )
    if uncounted_only:
        qs = qs.exclude(
            Q(appointment_start__gte=start, appointment_start__lt=end, outcome="fulfilled") & ~Q(rpps="")
        )
    if territory_code:
        qs = qs.filter(territory_id=territory_code)
    if rpps or professional_id:
        doctor = Q(pk__in=[])
        if rpps:
            doctor |= Q(rpps=rpps)
        if professional_id:
            doctor |= Q(professional_id=professional_id)
        qs = qs.filter(doctor)
    rows = qs.order_by("appointment_start", "id").values_list(*FIELDS)[:limit]
    return [ActPayFact(*row) for row in rows]
