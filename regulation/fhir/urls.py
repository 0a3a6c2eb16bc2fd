from django.urls import path

from regulation.fhir import capability, views

urlpatterns = [
    path("metadata", capability.metadata, name="fhir-metadata"),
    path("Appointment", views.appointment, name="fhir-appointment"),
    path("Appointment/<int:pk>", views.appointment_read, name="fhir-appointment-read"),
]
