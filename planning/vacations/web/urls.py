from django.urls import path

from planning.vacations.web import coordinator, leave, pages, professional, setup

urlpatterns = [
    path("", coordinator.plannings, name="vacations-plannings"),
    path("<int:pk>/calendrier/", coordinator.calendar_page, name="vacations-calendar"),
    path("<int:pk>/semaine/", pages.week, name="vacations-week"),
    path("<int:pk>/charge/", pages.load, name="vacations-load"),
    path("<int:pk>/personnes/<int:professional_pk>/", pages.person, name="vacations-person"),
    path("<int:pk>/indisponibilites/", pages.leaves, name="vacations-leaves"),
    path("<int:pk>/fermetures/", pages.closures, name="vacations-closures"),
    path("<int:pk>/generer/", coordinator.generate, name="vacations-generate"),
    path("<int:pk>/parametrage/", setup.setup, name="vacations-setup"),
    path("<int:pk>/publier/", coordinator.publish, name="vacations-publish"),
    path("<int:pk>/remplissage/", coordinator.autofill, name="vacations-autofill"),
    path("<int:pk>/non-pourvues/", coordinator.unfilled, name="vacations-unfilled"),
    path("<int:pk>/demandes/", coordinator.requests_page, name="vacations-requests"),
    path("<int:pk>/auto-attribution/", coordinator.self_assignment, name="vacations-self-assignment"),
    path("<int:pk>/statistiques/", coordinator.statistics, name="vacations-statistics"),
    path("propositions/<int:pk>/", coordinator.proposal, name="vacations-proposal"),
    path("vacation/<int:pk>/", coordinator.vacation_detail, name="vacations-vacation"),
    path("demandes/<int:pk>/valider/", coordinator.approve, name="vacations-approve"),
    path("mes-vacations/", professional.mine, name="vacations-mine"),
    path("mes-indisponibilites/", leave.my_leaves, name="vacations-my-leaves"),
    path("indisponibilites/<int:pk>/supprimer/", leave.delete_leave, name="vacations-leave-delete"),
    path("pot-commun/", professional.pool, name="vacations-pool"),
    path("vacation/<int:pk>/prendre/", professional.claim, name="vacations-claim"),
    path("vacation/<int:pk>/changer/", professional.transfer, name="vacations-transfer"),
    path("vacation/<int:pk>/confirmer/", professional.confirm, name="vacations-confirm"),
    path("demandes/<int:pk>/repondre/", professional.answer, name="vacations-answer"),
    path("calendrier/<str:token>.ics", professional.ics_feed, name="vacations-ics"),
    path("calendrier/lien/", professional.ics_token, name="vacations-ics-token"),
]
