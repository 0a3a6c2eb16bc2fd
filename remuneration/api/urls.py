from django.urls import path

from remuneration.api import apis

urlpatterns = [
    path(
        "remuneration/bordereaux/", apis.BordereauListComputeApi.as_view(), name="api-remuneration-bordereaux"
    ),
    path(
        "remuneration/bordereaux/<int:pk>/",
        apis.BordereauDetailApi.as_view(),
        name="api-remuneration-bordereau",
    ),
    *[
        path(
            f"remuneration/bordereaux/<int:pk>/{action}/",
            apis.BordereauActionApi.as_view(action=action),
            name=f"api-remuneration-bordereau-{action}",
        )
        for action in ("validate", "send-back", "lock", "mark-paid")
    ],
    path(
        "remuneration/bordereaux/<int:pk>/export.<str:fmt>",
        apis.BordereauExportApi.as_view(),
        name="api-remuneration-bordereau-export",
    ),
    path("remuneration/baremes/", apis.BaremeListApi.as_view(), name="api-remuneration-baremes"),
    path(
        "remuneration/simulations/aci/",
        apis.AciSimulationApi.as_view(),
        name="api-remuneration-simulation-aci",
    ),
    path(
        "remuneration/simulations/indicator9/",
        apis.Indicator9SimulationApi.as_view(),
        name="api-remuneration-simulation-indicator9",
    ),
]
