from django.urls import path

from planning.vacations import api, api_more

urlpatterns = [
    path("plannings/", api.PlanningListApi.as_view(), name="api-vacations-plannings"),
    path("plannings/<int:pk>/vacations/", api.VacationListApi.as_view(), name="api-vacations-list"),
    path("plannings/<int:pk>/statistics/", api.StatisticsApi.as_view(), name="api-vacations-statistics"),
    path(
        "plannings/<int:pk>/closure-days/",
        api_more.ClosureDaysApi.as_view(),
        name="api-vacations-closure-days",
    ),
    path("plannings/<int:pk>/load/", api_more.LoadApi.as_view(), name="api-vacations-load"),
    path("vacations/<int:pk>/assign/", api.AssignApi.as_view(), name="api-vacations-assign"),
    path("vacations/<int:pk>/claim/", api.ClaimApi.as_view(), name="api-vacations-claim"),
    path("vacations/<int:pk>/release/", api.ReleaseApi.as_view(), name="api-vacations-release"),
    path("vacations/<int:pk>/confirm/", api.ConfirmApi.as_view(), name="api-vacations-confirm"),
    path("transfer-requests/", api.TransferCreateApi.as_view(), name="api-vacations-transfer-create"),
    *[
        path(
            f"transfer-requests/<int:pk>/{action}/",
            api.TransferActionApi.as_view(action=action),
            name=f"api-vacations-transfer-{action}",
        )
        for action in ("accept", "refuse", "approve", "cancel")
    ],
    path(
        "unavailabilities/", api_more.UnavailabilityListApi.as_view(), name="api-vacations-unavailabilities"
    ),
    path(
        "unavailabilities/<int:pk>/",
        api_more.UnavailabilityDetailApi.as_view(),
        name="api-vacations-unavailability",
    ),
    path(
        "notification-preferences/",
        api_more.NotificationPreferencesApi.as_view(),
        name="api-vacations-notification-preferences",
    ),
]
