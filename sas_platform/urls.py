"""URL root of the platform."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sas_platform.api.exceptions import api_not_found
from sas_platform.fhir_http import fhir_not_found
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
    path("fhir/r4/", include("regulation.fhir.urls")),
    path("fhir/r4/", include("planning.fhir.urls")),
    re_path(r"^fhir/r4/.*$", fhir_not_found),  # an OperationOutcome, never an HTML page
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI offline (sidecar assets). The split view serves its init script from a URL, so
    # the strict CSP (script-src 'self') lets it run. The page's own styles are in
    # static/css/swagger-a11y.css (templates/drf_spectacular/swagger_ui.html, issue 15); the
    # style-src relaxation stays for the styles Swagger UI's script writes.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="swagger-ui",
    ),
    re_path(r"^api/.*$", api_not_found),
]

handler404 = "sas_platform.web.errors.page_not_found"
handler500 = "sas_platform.web.errors.server_error"
handler403 = "sas_platform.web.errors.permission_denied"
