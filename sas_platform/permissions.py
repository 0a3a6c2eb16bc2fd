"""Named permission functions of the shared kernel (STYLE.md 10).

Each answers one question about one user (and optionally one object). Apps build theirs on
these; views and APIs call them, never test roles inline.
"""

from __future__ import annotations

from sas_platform.enums import REGULATION_ROLES, Role
from sas_platform.models import Departement, User
from sas_platform.selectors import territory_codes_for_user


def is_platform_admin(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN_PLATEFORME)


def can_act_in_territory(user: User, departement: Departement | str) -> bool:
    """True when the département is one of the user's SAS territories."""
    if not user.is_authenticated:
        return False
    code = departement if isinstance(departement, str) else departement.code
    return code in territory_codes_for_user(user=user)


def can_work_regulation_desk(user: User) -> bool:
    """ARM, régulateurs and OSNP work the desk of their territories (DOMAIN.md §3.1)."""
    return (
        user.is_authenticated
        and user.has_role(*REGULATION_ROLES)
        and bool(territory_codes_for_user(user=user))
    )


def can_administer_territory(user: User, departement: Departement | str) -> bool:
    """SAS administrators in their territories; platform administrators everywhere."""
    if is_platform_admin(user):
        return True
    return user.is_authenticated and user.has_role(Role.ADMIN_SAS) and can_act_in_territory(user, departement)


def can_view_audit_trail(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN_SAS, Role.ADMIN_PLATEFORME)


def can_use_admin_site(user: User) -> bool:
    """The Django admin is for platform administrators only (issue 13, finding 3).

    Its pages are not scoped by territory (dossiers, audit trail, read log, pay facts, shifts,
    slots...): a SAS administrator works in the platform's own pages, which are (DOMAIN.md §2).
    """
    return user.is_authenticated and user.is_active and user.has_role(Role.ADMIN_PLATEFORME)
