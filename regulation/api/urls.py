from django.urls import path

from regulation.api import apis

urlpatterns = [
    path("regulation/dossiers/", apis.DossierListCreateApi.as_view(), name="api-regulation-dossiers"),
    path("regulation/dossiers/<int:pk>/", apis.DossierDetailApi.as_view(), name="api-regulation-dossier"),
    path(
        "regulation/dossiers/<int:pk>/route/",
        apis.DossierRouteApi.as_view(),
        name="api-regulation-dossier-route",
    ),
    path(
        "regulation/dossiers/<int:pk>/claim/",
        apis.DossierClaimApi.as_view(),
        name="api-regulation-dossier-claim",
    ),
    path(
        "regulation/dossiers/<int:pk>/release/",
        apis.DossierReleaseApi.as_view(),
        name="api-regulation-dossier-release",
    ),
    path(
        "regulation/dossiers/<int:pk>/decide/",
        apis.DossierDecideApi.as_view(),
        name="api-regulation-dossier-decide",
    ),
    path(
        "regulation/dossiers/<int:pk>/book/",
        apis.DossierBookApi.as_view(),
        name="api-regulation-dossier-book",
    ),
    path(
        "regulation/dossiers/<int:pk>/close/",
        apis.DossierCloseApi.as_view(),
        name="api-regulation-dossier-close",
    ),
    path(
        "regulation/bookings/<int:pk>/outcome/",
        apis.BookingOutcomeApi.as_view(),
        name="api-regulation-booking-outcome",
    ),
    path(
        "regulation/surnumeraire-requests/",
        apis.SurnumeraireRequestCreateApi.as_view(),
        name="api-regulation-surnumeraire-requests",
    ),
    path(
        "regulation/surnumeraire-requests/<int:pk>/answer/",
        apis.SurnumeraireRequestAnswerApi.as_view(),
        name="api-regulation-surnumeraire-answer",
    ),
    path("regulation/shifts/", apis.ShiftListCreateApi.as_view(), name="api-regulation-shifts"),
    path("regulation/shifts/start/", apis.ShiftStartApi.as_view(), name="api-regulation-shift-start"),
    path("regulation/shifts/end/", apis.ShiftEndApi.as_view(), name="api-regulation-shift-end"),
    path(
        "regulation/shifts/<int:pk>/correct/",
        apis.ShiftCorrectApi.as_view(),
        name="api-regulation-shift-correct",
    ),
    path(
        "regulation/shifts/<int:pk>/history/",
        apis.ShiftHistoryApi.as_view(),
        name="api-regulation-shift-history",
    ),
    path(
        "regulation/act-facts/<int:pk>/correct/",
        apis.ActFactCorrectApi.as_view(),
        name="api-regulation-act-fact-correct",
    ),
    path("regulation/queue/", apis.QueueApi.as_view(), name="api-regulation-queue"),
    path(
        "regulation/dossiers/<int:pk>/treating-doctor/",
        apis.DossierTreatingDoctorApi.as_view(),
        name="api-regulation-dossier-treating-doctor",
    ),
    path(
        "regulation/dossiers/<int:pk>/bookings/",
        apis.DossierBookingsApi.as_view(),
        name="api-regulation-dossier-bookings",
    ),
]
