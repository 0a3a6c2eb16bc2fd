"""Named permission functions of `regulation` (``can_<verb>_<thing>(user, obj)``).

Everyone works within their SAS territories (DOMAIN.md §2: nobody sees another territory's
patients). ARM pick up and route, régulateurs decide, OSNP orient (DOMAIN.md §3.1).
"""

from __future__ import annotations

from sas_platform.enums import Role
from sas_platform.permissions import (
    can_act_in_territory,
    can_administer_territory,
    can_work_regulation_desk,
    is_platform_admin,
)


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


def can_act_on_dossier(user, dossier, action) -> bool:
    """The table of ``policies.ACTION_ROLES``: may ``user`` do ``action`` on the dossier in its
    state (DOMAIN.md §3.1)? The pages ask it before showing a button; the services enforce it."""
    from regulation import policies

    return can_view_dossier(user, dossier) and policies.may_act(user.role_codes, dossier.state, action)


def can_claim_dossier(user, dossier) -> bool:
    """Seeing the dossier is not enough: nobody takes a closed one, an ARM never takes one
    waiting for the OSNP (``policies.ACTION_ROLES``)."""
    from regulation.policies import Action

    return can_act_on_dossier(user, dossier, Action.CLAIM)


def can_release_dossier(user, dossier) -> bool:
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
        from cpts.selectors import can_manage_structure

        if can_manage_structure(user, request.structure):
            return True
    return can_orient_dossier(user, request.dossier)


def can_view_structure_requests(user) -> bool:
    return user.is_authenticated and user.has_role(Role.COORDINATEUR_STRUCTURE)


# --- Regulators' shifts (DOMAIN.md §7.5) and the operational dashboard -------------------------


def can_take_shift(user, territory_code: str) -> bool:
    """A régulateur starts and ends their own shift on the desk of their territory."""
    return _desk_in(user, territory_code, Role.REGULATEUR)


def can_manage_shifts(user, territory_code: str) -> bool:
    """SAS administrators of the territory (and platform administrators) enter the monthly
    schedule and correct shifts."""
    return can_administer_territory(user, territory_code)


def can_correct_act_facts_of(user, territory_code: str) -> bool:
    """Who lists a territory's acts to correct them: the same people as :func:`can_correct_act_fact`."""
    return can_administer_territory(user, territory_code)


def can_correct_act_fact(user, fact) -> bool:
    """An act's pay facts (outcome, RPPS, MT flag: DOMAIN.md §7.2-§7.4) are corrected by the SAS
    administrators of its territory and platform administrators, as shifts are; never by the desk."""
    return can_administer_territory(user, fact.territory_id)


def can_view_shift(user, shift) -> bool:
    if not user.is_authenticated:
        return False
    return shift.regulator_id == user.pk or can_manage_shifts(user, shift.territory_id)


def can_view_shift_schedules(user) -> bool:
    return user.is_authenticated and (is_platform_admin(user) or user.has_role(Role.ADMIN_SAS))


def can_view_dashboard(user, territory_code: str | None = None) -> bool:
    """SAS administrators (ARM supervisors are SAS administrators here) of the territory, and
    platform administrators. The dashboard shows figures, never a patient."""
    if not user.is_authenticated:
        return False
    if territory_code is None:
        return is_platform_admin(user) or user.has_role(Role.ADMIN_SAS)
    return can_administer_territory(user, territory_code)
