"""Named permission functions of `remuneration` (``can_<verb>_<thing>(user, obj)``)."""

from __future__ import annotations

from sas_platform.enums import Role


def can_view_remuneration(user) -> bool:
    """CPAM and ARS agents, and SAS administrators, see payment facts (DOMAIN.md §7)."""
    return user.is_authenticated and user.has_role(
        Role.AGENT_CPAM, Role.AGENT_ARS, Role.ADMIN_SAS, Role.ADMIN_PLATEFORME
    )
