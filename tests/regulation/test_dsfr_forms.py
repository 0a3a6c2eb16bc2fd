"""Issue 9 point 12: forms render with DSFR markup (radios, checkboxes, error messages), an error
summary links to each field in error, inputs in error point to their message; tables scroll on a phone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sas_platform.enums import Role
from tests.regulation import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def effecteur_client(client, make_user):
    user = make_user(Role.EFFECTEUR)
    prof, _ = factories.professional()
    prof.user = user
    prof.save(update_fields=["user"])
    client.force_login(user)
    return client


def test_radios_and_checkboxes_use_dsfr_groups(effecteur_client):
    html = effecteur_client.get(reverse("cpts:my-participation")).content.decode()
    # Each radio in its DSFR group, input before its fr-label (not Django's <label><input> bullets).
    assert re.search(r'<div class="fr-radio-group">\s*<input type="radio" name="mode"', html)
    assert re.search(r'<label class="fr-label"\s+for="id_mode_0">', html)
    assert '<label for="id_mode_0"><input' not in html
    assert 'class="fr-checkbox-group' in html


def test_errors_summarised_at_top_with_links_and_accessible_fields(effecteur_client):
    response = effecteur_client.post(reverse("cpts:my-participation"), {"mode": "nimporte", "start_date": ""})
    html = response.content.decode()
    summary = re.search(
        r'<div class="fr-alert fr-alert--error[^"]*"[^>]*data-testid="error-summary">(.*?)</div>', html, re.S
    )
    assert summary, "no error summary"
    assert html.index('data-testid="error-summary"') < html.index('name="mode"')  # at the top of the form
    links = re.findall(r'<a href="#([^"]+)">', summary.group(1))
    assert {"id_mode_0", "id_visibility_0", "id_start_date"} <= set(links)
    assert "Le formulaire contient 3 erreurs" in summary.group(1)
    for anchor in links:
        assert f'id="{anchor}"' in html  # every link lands on a field
    # The input in error says so and points to its message, which exists and is a DSFR message.
    field = re.search(r"<input[^>]*name=\"start_date\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    message = re.search(rf'id="{described}"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert 'class="fr-message fr-message--error"' in message and "obligatoire" in message
    # No plain bulleted error list anywhere.
    assert not re.search(r'<ul class="errorlist"(?! fr-raw-list)', html)


def test_queue_table_in_dsfr_responsive_wrapper(client, make_user, open_dossier):
    open_dossier()
    client.force_login(make_user(Role.ARM))
    html = client.get(reverse("regulation-queue")).content.decode()
    assert re.search(
        r'<div class="fr-table[^"]*">\s*<div class="fr-table__wrapper">\s*<div class="fr-table__container"[^>]*>'
        r'\s*<div class="fr-table__content">\s*<table',
        html,
    )
