"""What the desk roles' home sections say, read from the pages' own selectors.

Each count is the one the linked page shows, with the same user scoping: the queue page
(``selectors.open_dossier_count`` reads the queue's queryset) and the structure's requests
(``selectors.structure_requests``). DOMAIN.md §3.1: the ARM opens and routes (state *ouvert*),
the régulateur decides (*médecine générale*), the OSNP orients (*régulé*, *orientation en cours*).
"""

from __future__ import annotations

from regulation import permissions, selectors
from regulation.enums import DossierState
from sas_platform.navigation import HomeStatus

#: Queue states waiting for each desk role (DOMAIN.md §3.1 steps 1-3).
WAITING_FOR = {
    "arm": (DossierState.OPENED,),
    "regulateur": (DossierState.GENERAL_PRACTICE,),
    "osnp": (DossierState.REGULATED, DossierState.ORIENTING),
}

_MESSAGES = {
    "arm": ("appel ouvert attend d'être orienté", "appels ouverts attendent d'être orientés"),
    "regulateur": ("dossier attend une décision médicale", "dossiers attendent une décision médicale"),
    "osnp": ("dossier régulé attend son orientation", "dossiers régulés attendent leur orientation"),
}


def _queue_status(role: str, user) -> HomeStatus | None:
    if not permissions.can_view_queue(user):
        return None
    counts = selectors.open_dossier_count(user=user)
    waiting = sum(counts[state] for state in WAITING_FOR[role])
    total = sum(counts.values())
    one, many = _MESSAGES[role]
    message = f"{one if waiting == 1 else many} dans la file d'attente"
    if total != waiting:
        message += f" ({total} dossier{'s' if total > 1 else ''} en cours en tout)"
    return HomeStatus(message=message + ".", count=waiting, level="warning" if waiting else "info")


def arm_status(*, user) -> HomeStatus | None:
    return _queue_status("arm", user)


def regulateur_status(*, user) -> HomeStatus | None:
    return _queue_status("regulateur", user)


def osnp_status(*, user) -> HomeStatus | None:
    return _queue_status("osnp", user)


def coordinator_status(*, user) -> HomeStatus | None:
    """Pending surnuméraire requests of the coordinator's structures (the « Demandes du SAS » page)."""
    from cpts.selectors import structures_coordinated_by

    if not permissions.can_view_structure_requests(user):
        return None
    structure_ids = list(structures_coordinated_by(user=user).values_list("pk", flat=True))
    pending = selectors.structure_requests(structure_ids=structure_ids, pending_only=True)
    n = len(pending)
    message = (
        "demande de surnuméraire du SAS attend votre réponse."
        if n == 1
        else "demandes de surnuméraire du SAS attendent votre réponse."
    )
    return HomeStatus(message=message, count=n, level="warning" if n else "info")
