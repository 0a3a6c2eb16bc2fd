from django.urls import include, path

from sas_platform.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("compte/", views.account, name="account"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/modifie/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("sas_platform.otp.urls")),
    path("", include("sas_platform.psc.urls")),
    path("accessibilite/", views.accessibility_statement, name="accessibility"),
    path("communes/recherche/", views.commune_autocomplete, name="commune-autocomplete"),
]
