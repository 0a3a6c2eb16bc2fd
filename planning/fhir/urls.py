from django.urls import path

from planning.fhir import views

urlpatterns = [
    path("Slot", views.slot_search, name="fhir-slot-search"),
    # The guide's example writes ``GET [base]/Slot/?…``: the same search.
    path("Slot/", views.slot_search, name="fhir-slot-search-slash"),
]
