from django.urls import include, path

from planning.web import views

urlpatterns = [
    path("sources/", views.sources, name="planning-sources"),
    path("sources/<int:pk>/", views.source_detail, name="planning-source"),
    path("sources/<int:pk>/lancer/", views.source_run, name="planning-source-run"),
    path("sources/executions/<int:pk>/", views.run_progress, name="planning-run-progress"),
    path("creneaux/<int:pk>/", views.owned_slot, name="planning-slot"),
    path("structures/", views.structures, name="planning-structures"),
    path("structures/<int:pk>/regle-2h/", views.structure_rule, name="planning-structure-rule"),
    path("disponibilites/", views.availability, name="planning-availability"),
    path("disponibilites/<int:pk>/retirer/", views.availability_remove, name="planning-availability-remove"),
    path("vacations/", include("planning.vacations.web.urls")),
]
