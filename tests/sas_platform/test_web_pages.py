"""Pages: home by role, navigation by role, base template, admin access, errors, autocomplete (item 8)."""

import re

import pytest
from django.test import Client

from sas_platform import navigation
from sas_platform.enums import Role
from sas_platform.web.home import SECTIONS

ADMIN_ROLES = {Role.ADMIN_PLATEFORME}  # issue 13: the admin is closed to SAS administrators


def _html(response) -> str:
    assert "INVALID_TEMPLATE_VARIABLE" not in response.content.decode()
    return response.content.decode()


# --- Home by role ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_home_redirects_anonymous_to_login(client):
    response = client.get("/")
    assert (response.status_code, response.url) == (302, "/connexion/?next=/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_home_shows_the_role_section_and_its_empty_state(client, make_user, role):
    client.force_login(make_user(role, first_name="Camille"))
    response = client.get("/")
    assert response.status_code == 200
    html = _html(response)
    section = SECTIONS[role]
    assert re.findall(r'data-role="([a-z_]+)"', html) == [role.value]
    assert (
        f'<h2 class="fr-card__title" id="section-{role.value}">{section.title}</h2>'.replace("'", "&#x27;")
        in html
    )
    assert section.empty_state.replace("'", "&#x27;") in html
    assert "<h1>Bonjour Camille</h1>" in html
    if role == Role.ADMIN_PLATEFORME:
        assert "Territoires : tous (101 départements)." in html
    else:
        assert '<span class="fr-tag fr-mr-1v">13 – Bouches-du-Rhône</span>' in html


@pytest.mark.django_db
def test_home_with_two_roles_shows_two_sections_in_role_order(client, make_user):
    client.force_login(make_user(Role.EFFECTEUR, Role.REGULATEUR))
    html = _html(client.get("/"))
    assert re.findall(r'data-role="([a-z_]+)"', html) == ["regulateur", "effecteur"]


@pytest.mark.django_db
def test_home_without_role_or_territory_says_what_to_do(client, make_user):
    client.force_login(make_user(territories=[]))
    html = _html(client.get("/"))
    assert "Aucun territoire" in html
    assert "Aucun rôle" in html
    assert "data-role=" not in html


@pytest.mark.django_db
def test_platform_admin_home_links(client, make_user):
    client.force_login(make_user(Role.ADMIN_PLATEFORME))
    html = _html(client.get("/"))
    assert 'href="/admin/"' in html
    assert 'href="/admin/django_celery_beat/periodictask/"' in html
    assert 'href="/api/docs/"' in html
    assert "Territoires : tous (101 départements)." in html
    assert "fr-tag" not in html


@pytest.mark.django_db
def test_home_query_count_is_bounded(client, make_user, django_assert_max_num_queries):
    client.force_login(make_user(Role.OSNP, Role.ARM, territories=["13", "84"]))
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


# --- Navigation by role ---------------------------------------------------------------------
@pytest.fixture
def nav_registry(monkeypatch):
    monkeypatch.setattr(navigation, "_REGISTRY", [])
    navigation.register("Pour tous", "home")
    navigation.register("Documentation", "swagger-ui", {Role.ADMIN_PLATEFORME, Role.ADMIN_SAS})
    navigation.register("Santé", "healthz", {Role.OSNP})
    navigation.register("Cassé", "n-existe-pas", {Role.OSNP})
    navigation.register("Pour tous", "home")  # registering twice changes nothing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "labels"),
    [
        (Role.OSNP, ["Pour tous", "Santé"]),
        (Role.ADMIN_SAS, ["Pour tous", "Documentation"]),
        (Role.EFFECTEUR, ["Pour tous"]),
    ],
)
def test_navigation_items_by_role(client, make_user, nav_registry, role, labels):
    user = make_user(role)
    assert [item["label"] for item in navigation.items_for(user)] == labels
    client.force_login(user)
    html = _html(client.get("/"))
    nav = re.search(r'<nav class="fr-nav" id="navigation".*?</nav>', html, re.S).group(0)
    assert re.findall(r'class="fr-nav__link" href="[^"]+"[^>]*>([^<]+)</a>', nav) == labels
    assert 'aria-current="page">Pour tous</a>' in nav


@pytest.mark.django_db
def test_navigation_is_empty_for_anonymous(client, nav_registry):
    from django.contrib.auth.models import AnonymousUser

    assert navigation.items_for(AnonymousUser()) == []
    assert 'id="navigation"' not in _html(client.get("/connexion/"))


# --- Base template --------------------------------------------------------------------------
@pytest.mark.django_db
def test_base_template_landmarks(client, make_user):
    client.force_login(make_user(Role.OSNP, first_name="Léa", last_name="Fabre"))
    html = _html(client.get("/"))
    assert '<html lang="fr" data-fr-scheme="light">' in html
    assert "<title>Accueil — Plateforme SAS &amp; CPTS</title>" in html
    skip = re.search(r'<div class="fr-skiplinks">.*?</div>', html, re.S).group(0)
    assert re.findall(r'href="(#[a-z-]+)"', skip)[:1] == ["#contenu"]
    assert 'href="#pied-de-page"' in skip
    assert '<header role="banner" class="fr-header">' in html
    assert '<p class="fr-header__service-title">Plateforme SAS &amp; CPTS' in html
    assert '<main id="contenu" role="main" tabindex="-1">' in html
    assert '<footer class="fr-footer" role="contentinfo" id="pied-de-page">' in html
    assert '<div id="messages" aria-live="polite">' in html
    assert 'data-testid="current-user">Léa Fabre</a>' in html
    assert '<form method="post" action="/deconnexion/">' in html
    assert '<script src="/static/vendor/htmx/htmx-2.0.4.min.js"></script>' in html
    assert "/static/dsfr/dist/dsfr/dsfr.min.css" in html
    assert "<script>" not in html  # CSP: no inline script


@pytest.mark.django_db
def test_every_link_in_skip_links_has_a_target(client, make_user, nav_registry):
    client.force_login(make_user(Role.OSNP))
    html = _html(client.get("/"))
    skip = re.search(r'<div class="fr-skiplinks">.*?</div>', html, re.S).group(0)
    for anchor in re.findall(r'href="#([a-z-]+)"', skip):
        assert f'id="{anchor}"' in html, anchor


@pytest.mark.django_db
def test_csrf_token_sent_by_hx_headers_is_accepted(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.OSNP))
    html = _html(client.get("/"))
    token = re.search(r'<body hx-headers=\'\{"X-CSRFToken": "([A-Za-z0-9]{64})"\}\'>', html).group(1)
    response = client.post("/deconnexion/", HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_messages_area_shows_messages_with_dsfr_classes(rf, make_user):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = make_user(Role.OSNP)
    request.csp_nonce = ""
    levels = {
        constants.SUCCESS: "success",
        constants.ERROR: "error",
        constants.WARNING: "warning",
        constants.INFO: "info",
        constants.DEBUG: "info",
    }
    messages = [Message(level, f"Message {name} {level}") for level, name in levels.items()]
    html = render_to_string("sas_platform/home.html", {"messages": messages, "sections": []}, request)
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    area = re.search(r'<div id="messages" aria-live="polite">.*?</main>', html, re.S).group(0)
    found = re.findall(
        r'<div class="fr-alert fr-alert--([a-z]+) fr-alert--sm fr-mb-3w">\s*<p>([^<]+)</p>', area
    )
    assert found == [(name, f"Message {name} {level}") for level, name in levels.items()]


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/connexion/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


# --- Admin site: admin roles only -----------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_admin_site_only_for_admin_roles(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get("/admin/")
    if role in ADMIN_ROLES:
        assert response.status_code == 200
        assert "Administration de la plateforme SAS &amp; CPTS" in response.content.decode()
    else:
        assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


@pytest.mark.django_db
def test_admin_site_anonymous_redirects(client):
    response = client.get("/admin/")
    assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


@pytest.mark.django_db
def test_admin_sas_sees_only_users_of_their_territories(client, make_user):
    from sas_platform.admin import UserAdmin
    from sas_platform.models import User

    admin_13 = make_user(Role.ADMIN_SAS, territories=["13"])
    osnp_13 = make_user(Role.OSNP, territories=["13"])
    osnp_84 = make_user(Role.OSNP, territories=["84"])
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/sas_platform/user/")
    request.user = admin_13
    queryset = UserAdmin(User, site).get_queryset(request)
    assert set(queryset) == {admin_13, osnp_13}
    assert osnp_84 not in queryset


@pytest.mark.django_db
def test_platform_admin_can_open_user_pages(client, make_user):
    admin = make_user(Role.ADMIN_PLATEFORME)
    other = make_user(Role.OSNP, territories=["84"])
    client.force_login(admin)
    assert client.get("/admin/sas_platform/user/").status_code == 200
    assert client.get(f"/admin/sas_platform/user/{other.pk}/change/").status_code == 200
    assert client.get("/admin/sas_platform/user/add/").status_code == 200


# --- Error pages ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_unknown_page_is_a_french_404(client):
    response = client.get("/page-inconnue/")
    assert response.status_code == 404
    html = _html(response)
    assert "<h1>Page introuvable</h1>" in html
    assert '<footer class="fr-footer"' in html


@pytest.mark.django_db
def test_unknown_page_404_signed_in(client, make_user):
    client.force_login(make_user(Role.OSNP))
    response = client.get("/page-inconnue/")
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in _html(response)


@pytest.mark.django_db
def test_error_handlers_render_in_french(rf, make_user):
    from django.contrib.auth.models import AnonymousUser

    from sas_platform.web.errors import permission_denied, server_error

    request = rf.get("/regulation/")
    request.user = AnonymousUser()
    request.csp_nonce = ""
    denied = permission_denied(request)
    assert denied.status_code == 403
    assert "<h1>Accès refusé</h1>" in denied.content.decode()
    failed = server_error(rf.get("/"))
    assert failed.status_code == 500
    assert "<h1>Erreur interne</h1>" in failed.content.decode()
    api_failed = server_error(rf.get("/api/v1/me/"))
    assert api_failed.status_code == 500
    assert api_failed["Content-Type"] == "application/json"


# --- Commune autocomplete (HTMX partial) ----------------------------------------------------
@pytest.mark.django_db
def test_commune_autocomplete_needs_login(client):
    response = client.get("/communes/recherche/", {"q": "aix"})
    assert (response.status_code, response.url) == (302, "/connexion/?next=/communes/recherche/%3Fq%3Daix")


@pytest.mark.django_db
def test_commune_autocomplete_partial(client, make_user):
    client.force_login(make_user(Role.ARM))
    response = client.get("/communes/recherche/", {"q": "aix en prov"}, HTTP_HX_REQUEST="true")
    html = _html(response)
    assert response.status_code == 200
    assert "<html" not in html  # a partial, not a page
    assert re.findall(r'data-insee="([0-9AB]{5})"', html)[0] == "13001"
    assert 'data-label="Aix-en-Provence"' in html


@pytest.mark.django_db
def test_commune_autocomplete_empty_states(client, make_user):
    client.force_login(make_user(Role.ARM))
    assert _html(client.get("/communes/recherche/", {"q": "a"})).strip() == ""
    html = _html(client.get("/communes/recherche/", {"q": "xyzzyville"}))
    assert "Aucune commune ne correspond à « xyzzyville »." in html
