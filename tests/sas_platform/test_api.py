"""REST API: authentication, one error shape, pagination, OpenAPI schema, offline docs (item 9)."""

import re

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import include, path
from openapi_spec_validator import validate
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from sas_platform.api.pagination import PageNumberPagination
from sas_platform.enums import Role
from sas_platform.exceptions import ConflictError, NotFoundError
from sas_platform.models import Departement
from tests.factories import DEFAULT_PASSWORD


def _error(message, code, fields=None):
    return {"message": message, "code": code, "extra": {"fields": fields or {}}}


# --- Test-only endpoints mounted before the real URLs (``pytest.mark.urls``) -----------------
class _Never(BasePermission):
    def has_permission(self, request, view):
        return False


class _DeniedApi(APIView):
    permission_classes = [_Never]

    def get(self, request):  # pragma: no cover - never reached
        return Response({})


class _RaisesApi(APIView):
    def get(self, request, kind):
        if kind == "django-validation":
            raise DjangoValidationError({"rpps": ["Le numéro RPPS doit comporter 11 chiffres."]})
        if kind == "django-permission":
            raise PermissionDenied
        if kind == "http404":
            raise Http404
        if kind == "conflict":
            raise ConflictError("Ce créneau vient d'être réservé.", code="slot_taken")
        if kind == "not-found":
            raise NotFoundError("Dossier introuvable.")
        raise AssertionError(kind)


class _EchoApi(APIView):
    class InputSerializer(serializers.Serializer):
        count = serializers.IntegerField(min_value=1)
        nested = serializers.DictField(child=serializers.IntegerField())

    def post(self, request):
        self.InputSerializer(data=request.data).is_valid(raise_exception=True)
        return Response({})


class _DepartementListApi(generics.ListAPIView):
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Departement
            fields = ["code", "name"]

    serializer_class = OutputSerializer
    queryset = Departement.objects.order_by("code")


urlpatterns = [
    path("api/v1/test/denied/", _DeniedApi.as_view()),
    path("api/v1/test/raises/<str:kind>/", _RaisesApi.as_view()),
    path("api/v1/test/echo/", _EchoApi.as_view()),
    path("api/v1/test/departements/", _DepartementListApi.as_view()),
    path("", include("sas_platform.urls")),
]
handler404 = "sas_platform.web.errors.page_not_found"
handler500 = "sas_platform.web.errors.server_error"
with_test_urls = pytest.mark.urls("tests.sas_platform.test_api")


# --- /api/v1/me/ ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_me_shape(api_client, make_user):
    user = make_user(Role.OSNP, Role.ARM, territories=["13", "84"], first_name="Léa", last_name="Fabre")
    api_client.force_authenticate(user)
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "email": user.email,
        "first_name": "Léa",
        "last_name": "Fabre",
        "roles": ["arm", "osnp"],
        "territories": [
            {"code": "13", "name": "Bouches-du-Rhône"},
            {"code": "84", "name": "Vaucluse"},
        ],
    }


@pytest.mark.django_db
def test_me_anonymous_is_401_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == _error("Authentification requise.", "not_authenticated")


@pytest.mark.django_db
def test_session_authentication_works(client, make_user):
    client.force_login(make_user(Role.OSNP))
    assert client.get("/api/v1/me/").json()["roles"] == ["osnp"]


# --- Token ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_token_obtain_then_token_auth(api_client, make_user):
    user = make_user(Role.OSNP, email="cpam13@exemple.fr")
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "CPAM13@exemple.fr", "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=user).key
    assert re.fullmatch(r"[0-9a-f]{40}", token)

    machine = type(api_client)()
    machine.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = machine.get("/api/v1/me/")
    assert (me.status_code, me.json()["email"]) == (200, "cpam13@exemple.fr")

    again = api_client.post(
        "/api/v1/auth/token/", {"email": "cpam13@exemple.fr", "password": DEFAULT_PASSWORD}, format="json"
    )
    assert again.json()["token"] != token  # rotated (issue 13): one live token per user
    assert Token.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_token_wrong_password_and_unknown_account_same_error(api_client, make_user):
    make_user(Role.OSNP, email="cpam13@exemple.fr")
    for email in ("cpam13@exemple.fr", "personne@exemple.fr"):
        response = api_client.post("/api/v1/auth/token/", {"email": email, "password": "faux"}, format="json")
        assert response.status_code == 400
        assert response.json() == _error(
            "Adresse électronique ou mot de passe incorrect.", "invalid_credentials"
        )
    assert Token.objects.count() == 0


@pytest.mark.django_db
def test_token_obtain_validation_error_in_french(api_client):
    response = api_client.post("/api/v1/auth/token/", {"email": "pas-une-adresse"}, format="json")
    assert response.status_code == 400
    assert response.json() == _error(
        "Les données envoyées sont invalides.",
        "invalid",
        {"email": ["Saisissez une adresse e-mail valide."], "password": ["Ce champ est obligatoire."]},
    )


@pytest.mark.django_db
def test_invalid_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == _error("Token non valide.", "authentication_failed")


@pytest.mark.django_db
def test_token_endpoint_locks_out_in_json(api_client, make_user, settings):
    make_user(Role.AGENT_CPAM, email="cpam13@exemple.fr")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        api_client.post(
            "/api/v1/auth/token/", {"email": "cpam13@exemple.fr", "password": "faux"}, format="json"
        )
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "cpam13@exemple.fr", "password": "faux"}, format="json"
    )
    assert response.status_code == 429
    assert response.json() == _error("Trop de tentatives : réessayez dans 15 minutes.", "locked_out")


# --- One error shape ------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/inconnu/", "/api/inconnu", "/api/v1/me/de-trop/", "/api/v2/me/"])
def test_unknown_api_route_is_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == _error("Ressource introuvable.", "not_found")


@pytest.mark.django_db
def test_wrong_method_is_405(api_client, make_user):
    api_client.force_authenticate(make_user(Role.OSNP))
    response = api_client.delete("/api/v1/me/")
    assert response.status_code == 405
    assert response.json() == _error("Méthode DELETE non autorisée.", "method_not_allowed")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?q=", "?q=a", "?q=%20a%20"])
def test_communes_query_too_short_is_400(api_client, make_user, query):
    api_client.force_authenticate(make_user(Role.OSNP))
    response = api_client.get(f"/api/v1/communes/{query}")
    assert response.status_code == 400
    assert response.json() == _error(
        "Saisissez au moins 2 caractères.", "invalid", {"q": ["Au moins 2 caractères."]}
    )


@pytest.mark.django_db
def test_communes_search(api_client, make_user, django_assert_max_num_queries):
    api_client.force_authenticate(make_user(Role.OSNP))
    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/communes/", {"q": "13001"})
    assert response.status_code == 200
    first = response.json()[0]
    assert first == {
        "insee_code": "13201",
        "name": "Marseille 1er Arrondissement",
        "name_with_article": "Marseille 1er Arrondissement",
        "type": "ARM",
        "departement": "13",
        "latitude": 43.30018,
        "longitude": 5.38276,
        "population_2021": 39436,
        "postal_codes": ["13001"],
    }


@pytest.mark.django_db
def test_communes_search_by_departement(api_client, make_user):
    api_client.force_authenticate(make_user(Role.OSNP))
    response = api_client.get("/api/v1/communes/", {"q": "marseille", "departement": "60"})
    assert [c["insee_code"] for c in response.json()] == ["60387"]


@pytest.mark.django_db
def test_communes_anonymous_401(api_client):
    assert api_client.get("/api/v1/communes/", {"q": "aix"}).status_code == 401


@with_test_urls
@pytest.mark.django_db
def test_permission_denied_is_403(api_client, make_user):
    api_client.force_authenticate(make_user(Role.OSNP))
    response = api_client.get("/api/v1/test/denied/")
    assert response.status_code == 403
    assert response.json() == _error(
        "Vous n'avez pas le droit d'effectuer cette action.", "permission_denied"
    )


@with_test_urls
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [
        (
            "django-validation",
            400,
            _error(
                "Les données envoyées sont invalides.",
                "invalid",
                {"rpps": ["Le numéro RPPS doit comporter 11 chiffres."]},
            ),
        ),
        (
            "django-permission",
            403,
            _error("Vous n'avez pas le droit d'effectuer cette action.", "permission_denied"),
        ),
        ("http404", 404, _error("Ressource introuvable.", "not_found")),
        ("conflict", 409, _error("Ce créneau vient d'être réservé.", "slot_taken")),
        ("not-found", 404, _error("Dossier introuvable.", "not_found")),
    ],
)
def test_exceptions_become_the_error_shape(api_client, make_user, kind, status, body):
    api_client.force_authenticate(make_user(Role.OSNP))
    response = api_client.get(f"/api/v1/test/raises/{kind}/")
    assert response.status_code == status
    assert response.json() == body


@with_test_urls
@pytest.mark.django_db
def test_nested_validation_errors_keep_their_fields(api_client, make_user):
    api_client.force_authenticate(make_user(Role.OSNP))
    response = api_client.post("/api/v1/test/echo/", {"count": 0, "nested": {"a": "x"}}, format="json")
    assert response.status_code == 400
    assert response.json() == _error(
        "Les données envoyées sont invalides.",
        "invalid",
        {
            "count": ["Assurez-vous que cette valeur est supérieure ou égale à\xa01."],
            "nested": {"a": ["Un nombre entier valide est requis."]},
        },
    )


@with_test_urls
@pytest.mark.django_db
def test_malformed_json_is_400(api_client, make_user):
    api_client.force_authenticate(make_user(Role.OSNP))
    response = api_client.post("/api/v1/test/echo/", "{pas du json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == _error("Requête mal formée.", "parse_error")


# --- Pagination -----------------------------------------------------------------------------
def test_pagination_class_is_the_default():
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_PAGINATION_CLASS is PageNumberPagination
    assert api_settings.PAGE_SIZE == 50
    assert PageNumberPagination.page_size_query_param == "page_size"
    assert PageNumberPagination.max_page_size == 200


@with_test_urls
@pytest.mark.django_db
def test_pagination_pages_and_bounds(api_client, make_user):
    api_client.force_authenticate(make_user(Role.OSNP))
    first = api_client.get("/api/v1/test/departements/").json()
    assert first["count"] == 101
    assert len(first["results"]) == 50
    assert first["next"] == "http://testserver/api/v1/test/departements/?page=2"
    assert first["previous"] is None

    small = api_client.get("/api/v1/test/departements/", {"page_size": 5, "page": 3}).json()
    assert [d["code"] for d in small["results"]] == ["11", "12", "13", "14", "15"]

    capped = api_client.get("/api/v1/test/departements/", {"page_size": 10_000}).json()
    assert len(capped["results"]) == 101  # max_page_size (200) is above the total

    beyond = api_client.get("/api/v1/test/departements/", {"page": 99})
    assert beyond.status_code == 404
    assert beyond.json() == _error("Page invalide.", "not_found")


# --- Schema and docs ------------------------------------------------------------------------
@pytest.mark.django_db
def test_schema_validates_as_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "API de la plateforme SAS & CPTS"
    assert {"/api/v1/me/", "/api/v1/auth/token/", "/api/v1/communes/"} <= set(spec["paths"])
    assert {
        "MeOutput",
        "TokenObtainInputRequest",
        "TokenObtainOutput",
        "CommuneSearchOutput",
        "Error",
    } <= set(spec["components"]["schemas"])
    assert {"tokenAuth", "cookieAuth"} <= set(spec["components"]["securitySchemes"])


@pytest.mark.django_db
def test_schema_as_json(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    validate(response.json())


@pytest.mark.django_db
def test_docs_render_offline_with_local_assets_only(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div id="swagger-ui"></div>' in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    for url in urls:
        assert url.startswith("/static/") or url.startswith("/api/docs/"), url
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the init script is a file: the CSP (script-src 'self') lets it run


@pytest.mark.django_db
def test_docs_init_script_and_assets_are_served(client):
    html = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="(/api/docs/\?[^"]+)"', html).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        asset = client.get(url)
        asset.close()  # WhiteNoise streams files: close them
        assert asset.status_code == 200, url


@pytest.mark.django_db
def test_docs_csp_allows_only_self_scripts(client):
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
