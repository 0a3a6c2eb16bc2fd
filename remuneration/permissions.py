"""Named permission functions of `remuneration` (``can_<verb>_<thing>(user, obj)``; STYLE.md 10).

Who does what on a bordereau (DOMAIN.md §7.5; issue 12): the SAS administrator prepares (computes
a draft), the ARS agent of the territory validates or sends back, the CPAM agent of the territory
exports, locks and marks paid; platform administrators may prepare anywhere. Effecteurs and
régulateurs see their own amounts; CPTS coordinators see their structures' ACI envelope.
"""

from __future__ import annotations

from sas_platform.enums import Role
from sas_platform.permissions import can_act_in_territory, is_platform_admin


def _territory(obj) -> str:
    return obj if isinstance(obj, str) else obj.territory_id


def can_view_remuneration(user) -> bool:
    """CPAM and ARS agents, SAS and platform administrators see bordereaux (DOMAIN.md §7)."""
    return user.is_authenticated and user.has_role(
        Role.AGENT_CPAM, Role.AGENT_ARS, Role.ADMIN_SAS, Role.ADMIN_PLATEFORME
    )


def can_view_bordereau(user, bordereau) -> bool:
    if not can_view_remuneration(user):
        return False
    return is_platform_admin(user) or can_act_in_territory(user, _territory(bordereau))


def can_compute_bordereau(user, territory) -> bool:
    """SAS administrators of the territory, and platform administrators, prepare drafts."""
    if is_platform_admin(user):
        return True
    return (
        user.is_authenticated
        and user.has_role(Role.ADMIN_SAS)
        and can_act_in_territory(user, _territory(territory))
    )


def can_validate_bordereau(user, bordereau) -> bool:
    """The ARS agent of the bordereau's territory validates or sends back (DOMAIN.md §7.5)."""
    return (
        user.is_authenticated
        and user.has_role(Role.AGENT_ARS)
        and can_act_in_territory(user, _territory(bordereau))
    )


def can_pay_bordereau(user, bordereau) -> bool:
    """The CPAM agent of the territory exports, locks and marks paid (DOMAIN.md §7.5)."""
    return (
        user.is_authenticated
        and user.has_role(Role.AGENT_CPAM)
        and can_act_in_territory(user, _territory(bordereau))
    )


def can_view_own_remuneration(user) -> bool:
    """Effecteurs and régulateurs see « mes rémunérations » (their RPPS's lines)."""
    return user.is_authenticated and user.has_role(Role.EFFECTEUR, Role.REGULATEUR)


def can_view_aci(user) -> bool:
    """CPTS coordinators see their structures' envelope and simulator; payers and admins too."""
    return user.is_authenticated and (
        user.has_role(Role.COORDINATEUR_STRUCTURE) or can_view_remuneration(user)
    )


def can_simulate(user) -> bool:
    return can_view_aci(user)
