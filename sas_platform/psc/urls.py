from django.urls import path

from sas_platform.psc import views

urlpatterns = [
    path("psc/connexion/", views.PscStartView.as_view(), name="psc-start"),
    path("psc/retour/", views.PscCallbackView.as_view(), name="psc-callback"),
]
