from django.urls import path

from planning.fhir import views

urlpatterns = [
    path("Slot", views.slot_search, name="fhir-slot-search"),
]
