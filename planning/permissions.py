"""Named permission functions of `planning` (``can_<verb>_<thing>(user, obj)``)."""

from __future__ import annotations

from sas_platform.enums import Role
from sas_platform.permissions import can_act_in_territory, is_platform_admin

SOURCE_VIEWERS = (Role.ADMIN_PLATEFORME, Role.ADMIN_SAS, Role.COORDINATEUR_STRUCTURE)


def can_view_sources(user) -> bool:
    """Administrators and structure coordinators watch the agenda sources' health (issue 4 §3)."""
    return user.is_authenticated and user.has_role(*SOURCE_VIEWERS)


def can_view_source(user, source) -> bool:
    if not can_view_sources(user):
        return False
    return (
        is_platform_admin(user)
        or source.departement_id is None
        or can_act_in_territory(user, source.departement_id)
    )


def can_run_source(user, source) -> bool:
    """Only administrators run a source now: platform administrators any, SAS administrators their
    territory's (a national source, without département, is the platform administrators')."""
    if is_platform_admin(user):
        return True
    return (
        user.is_authenticated
        and user.has_role(Role.ADMIN_SAS)
        and source.departement_id is not None
        and can_act_in_territory(user, source.departement_id)
    )


def can_declare_availability(user) -> bool:
    """An effecteur linked to their directory entry declares their own availability (DOMAIN.md §4)."""
    return (
        user.is_authenticated
        and user.has_role(Role.EFFECTEUR)
        and getattr(user, "professional", None) is not None
    )


#: Who searches the free slots of a territory (DOMAIN.md §3.1 step 3: the desk orients the patient).
SLOT_SEARCHERS = (Role.ARM, Role.REGULATEUR, Role.OSNP, Role.ADMIN_SAS)


def can_search_slots(user, departement_code: str) -> bool:
    """The regulation desk (and SAS administrators) search near a patient of their territories;
    platform administrators anywhere. ``departement_code`` is the patient's (commune or nearest)."""
    if is_platform_admin(user):
        return True
    return (
        user.is_authenticated
        and user.has_role(*SLOT_SEARCHERS)
        and bool(departement_code)
        and can_act_in_territory(user, departement_code)
    )


def can_consume_fhir_slots(user) -> bool:
    """A consumer of ``GET /fhir/r4/Slot`` (the national platform, another aggregator): an active
    (machine) user holding the dedicated ``planning.consume_fhir_slots`` permission, authenticated
    by its API token. The broad ``view_slot`` does not open the feed (issue 13, finding 3)."""
    return bool(user and user.is_active and user.has_perm("planning.consume_fhir_slots"))


def can_view_owned_slot(user, slot) -> bool:
    """The booking page of a platform-owned slot (the ``comment`` of its FHIR Slot): the regulation
    desk of the slot's territory, SAS administrators there, platform administrators."""
    return can_search_slots(user, slot.departement_code)


def can_view_structure_rule_index(user) -> bool:
    """Structure coordinators list the structures they coordinate (the 2 h/week rule page)."""
    return user.is_authenticated and user.has_role(Role.COORDINATEUR_STRUCTURE)


def can_view_structure_rule(user, structure) -> bool:
    """Who sees a structure's members against the 2 h/week rule: those who manage it (its
    coordinators, SAS administrators of its territory, platform administrators; issue 3). A
    coordinator never sees another structure's members."""
    from cpts.selectors import can_manage_structure

    return can_manage_structure(user, structure)
