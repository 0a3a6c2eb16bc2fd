"""Models of `remuneration` (WHO IS PAID WHAT, AND WHY): barèmes, bordereaux, protocol acts."""

from remuneration.models.baremes import Bareme
from remuneration.models.bordereaux import Bordereau, BordereauExport, BordereauLine
from remuneration.models.protocols import ProtocolAct

__all__ = ["Bareme", "Bordereau", "BordereauExport", "BordereauLine", "ProtocolAct"]
