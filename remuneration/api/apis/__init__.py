"""API views of `remuneration`: one class per operation, nested Input/Output serializers."""

from remuneration.api.apis.bordereaux import (
    BordereauActionApi,
    BordereauDetailApi,
    BordereauExportApi,
    BordereauListComputeApi,
)
from remuneration.api.apis.simulations import AciSimulationApi, BaremeListApi, Indicator9SimulationApi

__all__ = [
    "AciSimulationApi",
    "BaremeListApi",
    "BordereauActionApi",
    "BordereauDetailApi",
    "BordereauExportApi",
    "BordereauListComputeApi",
    "Indicator9SimulationApi",
]
