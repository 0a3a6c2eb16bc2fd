from django.urls import include, path

from planning.api import apis

urlpatterns = [
    path("slots/search/", apis.SlotSearchApi.as_view(), name="api-planning-slots-search"),
    path("agenda-sources/", apis.AgendaSourceListApi.as_view(), name="api-planning-sources"),
    path(
        "agenda-sources/<int:pk>/runs/",
        apis.AgendaSourceRunListApi.as_view(),
        name="api-planning-source-runs",
    ),
    path("agenda-sources/<int:pk>/run/", apis.AgendaSourceRunApi.as_view(), name="api-planning-source-run"),
    path(
        "declared-availabilities/",
        apis.DeclaredAvailabilityListApi.as_view(),
        name="api-planning-availabilities",
    ),
    path(
        "declared-availabilities/create/",
        apis.DeclaredAvailabilityCreateApi.as_view(),
        name="api-planning-availability-create",
    ),
    path(
        "declared-availabilities/<int:pk>/",
        apis.DeclaredAvailabilityDetailApi.as_view(),
        name="api-planning-availability",
    ),
    path(
        "declared-availabilities/<int:pk>/update/",
        apis.DeclaredAvailabilityUpdateApi.as_view(),
        name="api-planning-availability-update",
    ),
    path(
        "declared-availabilities/<int:pk>/delete/",
        apis.DeclaredAvailabilityDeleteApi.as_view(),
        name="api-planning-availability-delete",
    ),
    path("planning/", include("planning.vacations.api_urls")),
]
