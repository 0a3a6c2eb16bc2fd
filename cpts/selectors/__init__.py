"""Read selectors of `cpts`: the contract other apps build on (ARCHITECTURE.md).

``planning``, ``regulation`` and ``remuneration`` call these and never re-derive their rules, nor
read ``cpts.models`` themselves (the import contract, ``.importlinter``): the effective SAS
participation on a date (DOMAIN.md §4), who is near a patient, a CPTS's population and size
(DOMAIN.md §6), what each user may see (DOMAIN.md §2), and the look-ups other apps need (a
professional by id or national identifier, a structure by id, a professional's active places, the
display columns of a slot's professional and place for written SQL).

A package split by theme: ``participation``, ``professionals``, ``places``, ``structures``,
``territories``, ``display``. :func:`can_manage_structure` is the one permission other apps ask
(``planning``'s 2 h/week page, ``regulation``'s structure answers).
"""

from __future__ import annotations

from cpts.permissions import can_manage_structure
from cpts.selectors.display import DISPLAY_NAMES, display_objects, display_sql
from cpts.selectors.participation import (
    in_force_on,
    participating_professionals,
    participation_history,
    participation_on,
    participation_status_on,
    participations_in_force,
)
from cpts.selectors.places import PLACE_MATCH_FIELDS, place_coordinates, places_active_by_professional
from cpts.selectors.professionals import (
    professional_detail,
    professional_for_email_or_rpps,
    professional_for_user,
    professional_get,
    professional_get_by_rpps,
    professional_ids_by_rpps,
    professional_is_rpps,
    professionals_by_national_id,
    professionals_declared_open,
    professionals_near,
    professionals_practising_in,
    professionals_search,
    professionals_visible_to,
    rpps_practising_in,
)
from cpts.selectors.structures import (
    is_member_on,
    memberships_current,
    structure_get,
    structure_member_doctors,
    structure_members,
    structures_coordinated_by,
    structures_for_user,
    structures_in,
    structures_with_participants,
)
from cpts.selectors.territories import (
    ACI_AVENANT_2_DATE,
    cpts_computed_size,
    cpts_contract_case,
    cpts_list,
    cpts_population,
    cpts_size,
    cpts_size_for_population,
    territory_communes_deduplicated,
)

__all__ = [
    "ACI_AVENANT_2_DATE",
    "DISPLAY_NAMES",
    "PLACE_MATCH_FIELDS",
    "can_manage_structure",
    "cpts_computed_size",
    "cpts_contract_case",
    "cpts_list",
    "cpts_population",
    "cpts_size",
    "cpts_size_for_population",
    "display_objects",
    "display_sql",
    "in_force_on",
    "is_member_on",
    "memberships_current",
    "participating_professionals",
    "participation_history",
    "participation_on",
    "participation_status_on",
    "participations_in_force",
    "place_coordinates",
    "places_active_by_professional",
    "professional_detail",
    "professional_for_email_or_rpps",
    "professional_for_user",
    "professional_get",
    "professional_get_by_rpps",
    "professional_ids_by_rpps",
    "professional_is_rpps",
    "professionals_by_national_id",
    "professionals_declared_open",
    "professionals_near",
    "professionals_practising_in",
    "professionals_search",
    "professionals_visible_to",
    "rpps_practising_in",
    "structure_get",
    "structure_member_doctors",
    "structure_members",
    "structures_coordinated_by",
    "structures_for_user",
    "structures_in",
    "structures_with_participants",
    "territory_communes_deduplicated",
]
