from django.urls import path

from cpts.web import views

app_name = "cpts"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("professionnels/<int:pk>/", views.professional_detail, name="professional"),
    path("mes-structures/", views.my_structures, name="my-structures"),
    path("structures/<int:pk>/", views.structure_detail, name="structure"),
    path("structures/<int:pk>/membres/", views.structure_member_add, name="structure-member-add"),
    path(
        "structures/<int:pk>/membres/<int:membership_pk>/fin/",
        views.structure_member_end,
        name="structure-member-end",
    ),
    path(
        "structures/<int:pk>/participations/",
        views.structure_participation_declare,
        name="structure-participation-declare",
    ),
    path("structures/<int:pk>/coordonnees/", views.structure_contact, name="structure-contact"),
    path("je-participe/", views.my_participation, name="my-participation"),
    path("je-participe/<int:pk>/clore/", views.my_participation_close, name="my-participation-close"),
]
