from django.urls import path

from remuneration.web import views

app_name = "remuneration"

urlpatterns = [
    path("", views.bordereau_list, name="bordereaux"),
    path("bordereaux/<int:pk>/", views.bordereau_detail, name="bordereau"),
    path("bordereaux/<int:pk>/<str:action>/", views.bordereau_action, name="bordereau-action"),
    path("bordereaux/<int:pk>/export.<str:fmt>", views.bordereau_export, name="bordereau-export"),
    path("preparer/", views.prepare, name="prepare"),
    path("preparer/progression/", views.prepare_progress, name="prepare-progress"),
    path("aci/", views.aci_envelopes, name="aci"),
    path("aci/simulateur/", views.aci_simulate, name="aci-simulate"),
    path("protocoles/", views.protocol_structures, name="protocols"),
    path("protocoles/<int:pk>/", views.protocol_acts, name="protocol-acts"),
    path("protocoles/<int:pk>/declaration.csv", views.protocol_report, name="protocol-report"),
    path("mes-remunerations/", views.my_remuneration, name="mine"),
    path("mes-remunerations/preuve.csv", views.my_proof, name="mine-proof"),
]
