"""Named permission functions of `cpts` (STYLE.md 10): ``can_<verb>_<thing>(user, obj)``.

Territorial scoping of lists lives in :mod:`cpts.selectors`; these answer yes/no for one object.
"""

from __future__ import annotations

from sas_platform.enums import REGULATION_ROLES, Role
from sas_platform.permissions import can_act_in_territory, can_administer_territory, is_platform_admin
from sas_platform.selectors import territory_codes_for_user

#: Roles that search the directory of their territories (DOMAIN.md §3.1 orientation).
DIRECTORY_ROLES = frozenset({*REGULATION_ROLES, Role.ADMIN_SAS, Role.ADMIN_PLATEFORME})


def can_view_directory(user) -> bool:
    """ARM, régulateurs, OSNP and administrators search the directory of their territories."""
    if is_platform_admin(user):
        return True
    return (
        user.is_authenticated
        and user.has_role(*DIRECTORY_ROLES)
        and bool(territory_codes_for_user(user=user))
    )


def _professional_departements(professional) -> set[str]:
    codes = {
        place.commune.departement_id
        for place in professional.places.all()
        if place.is_active and place.commune_id is not None
    }
    return codes


def can_view_professional(user, professional) -> bool:
    """Directory roles see professionals practising in their territories; a doctor sees
    themself; a coordinator sees the members of their structures."""
    if not user.is_authenticated:
        return False
    if is_platform_admin(user):
        return True
    if professional.user_id is not None and professional.user_id == user.id:
        return True
    if can_view_directory(user) and _professional_departements(professional) & territory_codes_for_user(
        user=user
    ):
        return True
    if user.has_role(Role.COORDINATEUR_STRUCTURE):
        return professional.memberships.filter(
            end_date__isnull=True, structure__coordinators__user=user
        ).exists()
    return False


def can_manage_structure(user, structure) -> bool:
    """A structure's coordinators manage it (members, participations, contact details); SAS
    administrators manage the structures of their territories; platform administrators all.

    A coordinator never touches another structure's members (issue 3, "Bad input").
    """
    if not user.is_authenticated or structure is None:
        return False
    if is_platform_admin(user):
        return True
    if structure.departement_id and can_administer_territory(user, structure.departement_id):
        return True
    return user.has_role(Role.COORDINATEUR_STRUCTURE) and structure.coordinators.filter(user=user).exists()


def can_view_structure(user, structure) -> bool:
    """Managers, and the directory roles of the structure's territory (for second-level orientation)."""
    if can_manage_structure(user, structure):
        return True
    return (
        can_view_directory(user)
        and structure.departement_id is not None
        and can_act_in_territory(user, structure.departement_id)
    )


def can_declare_participation(user, professional, structure=None) -> bool:
    """ "Je participe au SAS": the doctor themself (effecteur linked to the professional), a
    coordinator of the structure it goes through (with the doctor's consent, checked by the
    service), or an administrator of the doctor's territory (DOMAIN.md §4)."""
    if not user.is_authenticated:
        return False
    if is_platform_admin(user):
        return True
    if user.has_role(Role.EFFECTEUR) and professional.user_id is not None and professional.user_id == user.id:
        return True
    if structure is not None and can_manage_structure(user, structure):
        return True
    if user.has_role(Role.ADMIN_SAS):
        return any(can_act_in_territory(user, code) for code in _professional_departements(professional))
    return False


def can_manage_membership(user, membership) -> bool:
    return can_manage_structure(user, membership.structure)


def can_close_participation(user, participation) -> bool:
    return can_declare_participation(user, participation.professional, participation.structure)


def can_import_directory(user) -> bool:
    """Directory imports (RPPS, FHIR) are run by SAS and platform administrators."""
    return user.is_authenticated and user.has_role(Role.ADMIN_SAS, Role.ADMIN_PLATEFORME)
