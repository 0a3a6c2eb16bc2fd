"""Line builders, one per kind of bordereau: facts (through other apps' selectors) → rules → lines.

Each returns a :class:`Draft` (lines, anomalies) and raises :class:`BaremeGapError` before anything
is written when a barème row is missing.
"""

from __future__ import annotations

from remuneration.enums import BordereauKind
from remuneration.services.builders._common import Draft, LineData
from remuneration.services.builders.aci import build_aci
from remuneration.services.builders.acts import build_indicator9, build_snp_mrt
from remuneration.services.builders.indicator8 import build_indicator8
from remuneration.services.builders.protocols import build_protocols
from remuneration.services.builders.regulators import build_regulators

BUILDERS = {
    BordereauKind.REGULATORS: build_regulators,
    BordereauKind.SNP_MRT: build_snp_mrt,
    BordereauKind.INDICATOR_9: build_indicator9,
    BordereauKind.INDICATOR_8: build_indicator8,
    BordereauKind.ACI: build_aci,
    BordereauKind.PROTOCOLS: build_protocols,
}

__all__ = ["BUILDERS", "Draft", "LineData"]
