"""Write services of `remuneration`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9)."""

from remuneration.services.aci import aci_target_delete, aci_target_save
from remuneration.services.baremes import bareme_confirm, bareme_save
from remuneration.services.compute import ComputeResult, bordereau_compute
from remuneration.services.protocols import protocol_act_record
from remuneration.services.workflow import (
    bordereau_lock,
    bordereau_mark_paid,
    bordereau_send_back,
    bordereau_validate,
)

__all__ = [
    "ComputeResult",
    "aci_target_delete",
    "aci_target_save",
    "bareme_confirm",
    "bareme_save",
    "bordereau_compute",
    "bordereau_lock",
    "bordereau_mark_paid",
    "bordereau_send_back",
    "bordereau_validate",
    "protocol_act_record",
]
