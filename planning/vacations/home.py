"""What the effecteur's and the coordinator's home sections say about vacations, read from the
selectors of the pages they link to (``planning.vacations.inbox``): "mes vacations" and the
plannings list."""

from __future__ import annotations

from planning.vacations import inbox, selectors
from sas_platform.navigation import HomeStatus


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def effecteur_status(*, user) -> HomeStatus | None:
    from cpts.selectors import vacations as directory

    professional = directory.professional_of_user(user=user)
    if professional is None:
        return None
    answer = inbox.requests_to_answer(professional_id=professional.pk).count()
    confirm = inbox.vacations_to_confirm(professional_id=professional.pk).count()
    parts = []
    if answer:
        parts.append(
            _plural(
                answer,
                "demande de changement de vacation attend votre réponse",
                "demandes de changement de vacation attendent votre réponse",
            )
        )
    if confirm:
        parts.append(_plural(confirm, "vacation passée à confirmer", "vacations passées à confirmer"))
    message = " ; ".join(parts) + " (Mes vacations)." if parts else ""
    return HomeStatus(message, count=answer + confirm, level="warning")


def coordinator_status(*, user) -> HomeStatus | None:
    planning_ids = list(selectors.plannings_managed_by(user=user).values_list("pk", flat=True))
    if not planning_ids:
        return None
    n = inbox.requests_awaiting_approval(planning_ids=planning_ids).count()
    # Counted by the badge (and numbered by the home when another app speaks for the role too).
    label = "changement de vacation à valider" if n == 1 else "changements de vacation à valider"
    message = f"{label} (Plannings de vacations)."
    return HomeStatus(message if n else "", count=n, level="warning")
