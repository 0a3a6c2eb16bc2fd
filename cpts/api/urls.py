from django.urls import path

from cpts.api import apis

urlpatterns = [
    path("professionals/", apis.ProfessionalSearchApi.as_view(), name="api-cpts-professionals"),
    path("professionals/<int:pk>/", apis.ProfessionalDetailApi.as_view(), name="api-cpts-professional"),
    path("structures/", apis.StructureListApi.as_view(), name="api-cpts-structures"),
    path("cpts/", apis.CptsListApi.as_view(), name="api-cpts-list"),
    path("cpts/<int:pk>/", apis.CptsDetailApi.as_view(), name="api-cpts-detail"),
    path("participations/", apis.ParticipationCreateApi.as_view(), name="api-cpts-participation-create"),
    path(
        "participations/<int:pk>/close/",
        apis.ParticipationCloseApi.as_view(),
        name="api-cpts-participation-close",
    ),
    path("import-runs/", apis.ImportRunListApi.as_view(), name="api-cpts-import-runs"),
    path("import-runs/create/", apis.ImportRunCreateApi.as_view(), name="api-cpts-import-run-create"),
    path("import-runs/<int:pk>/", apis.ImportRunDetailApi.as_view(), name="api-cpts-import-run"),
]
