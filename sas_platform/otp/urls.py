from django.urls import path

from sas_platform.otp import views

urlpatterns = [
    path("double-facteur/activer/", views.enrol, name="otp-enrol"),
    path("double-facteur/verifier/", views.verify, name="otp-verify"),
    path("double-facteur/codes-de-secours/", views.recovery_renew, name="otp-recovery-renew"),
]
