"""URL root of the platform."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from sas_platform.api.exceptions import api_not_found
from sas_platform.web.views import healthz

admin.site.site_header = "Administration de la plateforme SAS & CPTS"
admin.site.site_title = "Plateforme SAS & CPTS"
admin.site.index_title = "Support et paramétrage"

api_v1 = [
    path("", include("sas_platform.api.urls")),
    path("", include("cpts.api.urls")),
    path("", include("planning.api.urls")),
    path("", include("regulation.api.urls")),
    path("", include("remuneration.api.urls")),
]

urlpatterns = [
    path("", include("sas_platform.web.urls")),
    path("annuaire/", include("cpts.web.urls")),
    path("planning/", include("planning.web.urls")),
    path("regulation/", include("regulation.web.urls")),
    path("remuneration/", include("remuneration.web.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="swagger-ui"),
    re_path(r"^api/.*$", api_not_found),
]

handler404 = "sas_platform.web.errors.page_not_found"
handler500 = "sas_platform.web.errors.server_error"
handler403 = "sas_platform.web.errors.permission_denied"
