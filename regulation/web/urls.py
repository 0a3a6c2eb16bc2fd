from django.urls import path

from regulation.web import dashboard, facts, shifts, views

urlpatterns = [
    path("", views.queue, name="regulation-queue"),
    path("file/lignes/", views.queue_rows, name="regulation-queue-rows"),
    path("appel/", views.pickup, name="regulation-pickup"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="regulation-dossier"),
    path("dossiers/<int:pk>/orienter/", views.dossier_route, name="regulation-dossier-route"),
    path("dossiers/<int:pk>/prendre/", views.dossier_claim, name="regulation-dossier-claim"),
    path("dossiers/<int:pk>/relacher/", views.dossier_release, name="regulation-dossier-release"),
    path("dossiers/<int:pk>/decision/", views.decision, name="regulation-decision"),
    path("dossiers/<int:pk>/orientation/", views.orientation, name="regulation-orientation"),
    path(
        "dossiers/<int:pk>/orientation/creneaux/",
        views.orientation_results,
        name="regulation-orientation-results",
    ),
    path(
        "dossiers/<int:pk>/orientation/medecin-traitant/",
        views.orientation_treating_doctor,
        name="regulation-orientation-mt",
    ),
    path(
        "dossiers/<int:pk>/orientation/reserver/", views.orientation_book, name="regulation-orientation-book"
    ),
    path(
        "dossiers/<int:pk>/orientation/retenir/", views.orientation_hold, name="regulation-orientation-hold"
    ),
    path(
        "dossiers/<int:pk>/orientation/retenues/<int:booking_pk>/liberer/",
        views.orientation_hold_release,
        name="regulation-orientation-hold-release",
    ),
    path(
        "dossiers/<int:pk>/orientation/surnumeraire/",
        views.orientation_surnumeraire,
        name="regulation-orientation-surnumeraire",
    ),
    path(
        "dossiers/<int:pk>/orientation/cloturer/",
        views.orientation_close,
        name="regulation-orientation-close",
    ),
    path("actes/", facts.act_facts_list, name="regulation-act-facts"),
    path("actes/<int:pk>/", facts.act_fact_detail, name="regulation-act-fact"),
    path("rendez-vous/<int:pk>/issue/", views.booking_outcome, name="regulation-booking-outcome"),
    path("demandes/<int:pk>/reponse/", views.request_answer, name="regulation-request-answer"),
    path("structures/demandes/", views.structure_requests, name="regulation-structure-requests"),
    path("tableau-de-bord/", dashboard.dashboard_page, name="regulation-dashboard"),
    path("gardes/", shifts.my_shifts, name="regulation-shifts-mine"),
    path("gardes/prendre/", shifts.shift_start, name="regulation-shift-start"),
    path("gardes/terminer/", shifts.shift_end, name="regulation-shift-end"),
    path("gardes/planning/", shifts.schedule, name="regulation-shifts-schedule"),
    path("gardes/<int:pk>/", shifts.shift_detail, name="regulation-shift"),
]
