"""Pages of `remuneration` (DSFR + HTMX): thin views calling services and selectors."""

from remuneration.web.views.aci import aci_envelopes, aci_simulate
from remuneration.web.views.bordereaux import (
    bordereau_action,
    bordereau_detail,
    bordereau_export,
    bordereau_list,
)
from remuneration.web.views.mine import my_proof, my_remuneration
from remuneration.web.views.prepare import prepare, prepare_progress
from remuneration.web.views.protocols import protocol_acts, protocol_report, protocol_structures

__all__ = [
    "aci_envelopes",
    "aci_simulate",
    "bordereau_action",
    "bordereau_detail",
    "bordereau_export",
    "bordereau_list",
    "my_proof",
    "my_remuneration",
    "prepare",
    "prepare_progress",
    "protocol_acts",
    "protocol_report",
    "protocol_structures",
]
