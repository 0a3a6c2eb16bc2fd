"""Models of `remuneration` (WHO IS PAID WHAT, AND WHY): barèmes, bordereaux, protocol acts."""

from remuneration.models.aci import AciIndicatorTarget
from remuneration.models.baremes import Bareme
from remuneration.models.bordereaux import Bordereau, BordereauExport, BordereauLine
from remuneration.models.protocols import ProtocolAct

__all__ = ["AciIndicatorTarget", "Bareme", "Bordereau", "BordereauExport", "BordereauLine", "ProtocolAct"]
