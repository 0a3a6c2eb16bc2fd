"""Issue 15: the accessibility statement (public, linked from every page's footer), the pick-up
form's commune field in error, no empty table header, the API documentation page's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from sas_platform.enums import Role

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_statement_is_public_and_follows_the_dsfr_model(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    for part in [
        "<h1>Déclaration d'accessibilité</h1>",
        "<strong>partiellement conforme</strong>",
        "Résultats des tests",
        "Non-conformités",
        "Swagger UI",
        "Retour d'information et contact",
        "Voies de recours",
        "Défenseur des droits",
        "Établie le",
    ]:
        assert part in html, part


def test_statement_refuses_post(client):
    assert client.post(reverse("accessibility")).status_code == 405


def test_every_page_footer_links_to_the_statement(client):
    html = client.get(reverse("login")).content.decode()
    footer = html[html.index('id="pied-de-page"') :]
    assert f'href="{reverse("accessibility")}">Accessibilité : partiellement conforme</a>' in footer
    assert "js/form-errors.js" in html  # focus on the error summary after a failed submit


def test_pickup_commune_in_error_is_invalid_and_described(client, make_user):
    client.force_login(make_user(Role.ARM))
    html = client.post(reverse("regulation-pickup"), {"reason": "Fièvre"}).content.decode()
    field = re.search(r'<input[^>]*id="commune-search"[^>]*>', html, re.S).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="commune-search-error"' in field
    message = re.search(r'id="commune-search-error"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "fr-message--error" in message and "Choisissez la commune." in message
    assert '<a href="#commune-search">Commune : Choisissez la commune.</a>' in html  # summary → visible field


def test_pickup_commune_without_error_is_not_invalid(client, make_user):
    client.force_login(make_user(Role.ARM))
    html = client.get(reverse("regulation-pickup")).content.decode()
    field = re.search(r'<input[^>]*id="commune-search"[^>]*>', html, re.S).group(0)
    assert "aria-invalid" not in field and "aria-describedby" not in field


def test_no_empty_table_header_in_templates():
    empty = [
        f"{path.relative_to(TEMPLATES)}: {m.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for m in re.finditer(r"<th(\s[^>]*)?>\s*</th>", path.read_text())
    ]
    assert empty == []


def test_api_docs_page_has_a_language_and_no_inline_style(client, make_user):
    client.force_login(make_user(Role.ADMIN_PLATEFORME, territories=[]))
    html = client.get(reverse("swagger-ui")).content.decode()
    assert '<html lang="fr">' in html
    assert "css/swagger-a11y.css" in html and "<style>" not in html
