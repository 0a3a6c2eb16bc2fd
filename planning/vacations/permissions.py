"""Named permission functions of the vacation planning (``can_<verb>_<thing>(user, obj)``)."""

from __future__ import annotations

from django.utils import timezone

from cpts.selectors import vacations as directory
from sas_platform.enums import Role
from sas_platform.permissions import is_platform_admin


def can_manage_planning(user, planning) -> bool:
    """The structure's coordinators (and platform administrators) administer its plannings."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_admin(user):
        return True
    return user.has_role(Role.COORDINATEUR_STRUCTURE) and directory.structure_is_coordinated_by(
        structure_id=planning.structure_id, user=user
    )


def can_create_planning(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        is_platform_admin(user) or bool(directory.structure_ids_coordinated_by(user=user))
    )


def professional_in_planning(user, planning):
    """The user's professional when they are a member of the planning's structure today, else None."""
    professional = directory.professional_of_user(user=user)
    if professional is None:
        return None
    members = directory.structure_ids_of_professional(
        professional_id=professional.pk, on=timezone.localdate()
    )
    return professional if planning.structure_id in members else None


def can_view_planning(user, planning) -> bool:
    return can_manage_planning(user, planning) or professional_in_planning(user, planning) is not None


def can_use_my_vacations(user) -> bool:
    """A professional linked to their directory entry (effecteur) sees and changes their vacations."""
    return getattr(user, "is_authenticated", False) and directory.professional_of_user(user=user) is not None


def can_manage_leave_of(user, professional_id: int) -> bool:
    """The professional themselves, a coordinator of a structure they belong to today, or a
    platform administrator may declare or delete their leave."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_admin(user):
        return True
    own = directory.professional_of_user(user=user)
    if own is not None and own.pk == professional_id:
        return True
    coordinated = set(directory.structure_ids_coordinated_by(user=user))
    return bool(
        coordinated
        and coordinated
        & set(
            directory.structure_ids_of_professional(professional_id=professional_id, on=timezone.localdate())
        )
    )
