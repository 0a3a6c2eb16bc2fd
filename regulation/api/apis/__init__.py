"""API views of `regulation`: one class per operation, nested Input/Output serializers.

The same services as the desk's pages; every operation is scoped by territory and role
(``regulation.permissions``) and refused before anything is written.
"""

from __future__ import annotations

from regulation.api.apis._common import ROUTES, DossierOutputSerializer, QueueItemSerializer
from regulation.api.apis.bookings import BookingOutcomeApi, BookingOutputSerializer, DossierBookApi
from regulation.api.apis.dossiers import (
    DossierClaimApi,
    DossierCloseApi,
    DossierDecideApi,
    DossierDetailApi,
    DossierListCreateApi,
    DossierReleaseApi,
    DossierRouteApi,
)
from regulation.api.apis.facts import ACT_FACT_EXAMPLE, ActFactCorrectApi, ActFactOutputSerializer
from regulation.api.apis.orientation import (
    DossierBookingsApi,
    DossierTreatingDoctorApi,
    QueueApi,
    QueueItemOutputSerializer,
)
from regulation.api.apis.shifts import (
    SHIFT_EXAMPLE,
    ShiftCorrectApi,
    ShiftEndApi,
    ShiftHistoryApi,
    ShiftListCreateApi,
    ShiftOutputSerializer,
    ShiftStartApi,
)
from regulation.api.apis.surnumeraire import (
    SurnumeraireRequestAnswerApi,
    SurnumeraireRequestCreateApi,
    SurnumeraireRequestOutputSerializer,
)

__all__ = [
    "ACT_FACT_EXAMPLE",
    "ROUTES",
    "SHIFT_EXAMPLE",
    "ActFactCorrectApi",
    "ActFactOutputSerializer",
    "BookingOutcomeApi",
    "BookingOutputSerializer",
    "DossierBookApi",
    "DossierBookingsApi",
    "DossierClaimApi",
    "DossierCloseApi",
    "DossierDecideApi",
    "DossierDetailApi",
    "DossierListCreateApi",
    "DossierOutputSerializer",
    "DossierReleaseApi",
    "DossierRouteApi",
    "DossierTreatingDoctorApi",
    "QueueApi",
    "QueueItemOutputSerializer",
    "QueueItemSerializer",
    "ShiftCorrectApi",
    "ShiftEndApi",
    "ShiftHistoryApi",
    "ShiftListCreateApi",
    "ShiftOutputSerializer",
    "ShiftStartApi",
    "SurnumeraireRequestAnswerApi",
    "SurnumeraireRequestCreateApi",
    "SurnumeraireRequestOutputSerializer",
]
