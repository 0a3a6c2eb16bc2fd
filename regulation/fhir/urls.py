from django.urls import path

from regulation.fhir import views

urlpatterns = [
    path("Appointment", views.appointment, name="fhir-appointment"),
    path("Appointment/<int:pk>", views.appointment_read, name="fhir-appointment-read"),
]
