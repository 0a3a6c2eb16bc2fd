"""Named permission functions of `regulation` (``can_<verb>_<thing>(user, obj)``).

Everyone works within their SAS territories (DOMAIN.md §2: nobody sees another territory's
patients). ARM pick up and route, régulateurs decide, OSNP orient (DOMAIN.md §3.1).
"""

from __future__ import annotations

from sas_platform.enums import Role
from sas_platform.permissions import can_act_in_territory, can_work_regulation_desk


def _desk_in(user, territory_code: str, *roles: Role) -> bool:
    return (
        can_work_regulation_desk(user)
        and user.has_role(*roles)
        and can_act_in_territory(user, territory_code)
    )


def can_view_queue(user) -> bool:
    return can_work_regulation_desk(user)


def can_create_dossier(user, territory_code: str) -> bool:
    return _desk_in(user, territory_code, Role.ARM, Role.REGULATEUR)


def can_view_dossier(user, dossier) -> bool:
    return _desk_in(user, dossier.territory_id, Role.ARM, Role.REGULATEUR, Role.OSNP)


def can_claim_dossier(user, dossier) -> bool:
    return can_view_dossier(user, dossier)


def can_route_dossier(user, dossier) -> bool:
    """ARM route; a régulateur may send back to the AMU at any time (DOMAIN.md §3.1 step 2)."""
    return _desk_in(user, dossier.territory_id, Role.ARM, Role.REGULATEUR)


def can_decide_dossier(user, dossier) -> bool:
    return _desk_in(user, dossier.territory_id, Role.REGULATEUR)


def can_orient_dossier(user, dossier) -> bool:
    return _desk_in(user, dossier.territory_id, Role.OSNP, Role.REGULATEUR)


def can_answer_structure_request(user, request) -> bool:
    """A structure's coordinator answers the requests addressed to it (second-level loop, seed 004);
    the OSNP records the answer a doctor or structure gave on the phone."""
    if (
        request.structure_id is not None
        and user.is_authenticated
        and user.has_role(Role.COORDINATEUR_STRUCTURE)
    ):
        from cpts.permissions import can_manage_structure

        if can_manage_structure(user, request.structure):
            return True
    return can_orient_dossier(user, request.dossier)


def can_view_structure_requests(user) -> bool:
    return user.is_authenticated and user.has_role(Role.COORDINATEUR_STRUCTURE)
