"""Issue 9 point 9: a commune is labelled with its postal code(s), never its INSEE code dressed as
one; digits match postal codes before INSEE codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sas_platform.enums import Role
from sas_platform.models import Commune
from sas_platform.selectors import communes_search

pytestmark = pytest.mark.django_db


def test_label_shows_postal_code_not_insee():
    aubagne = Commune.objects.get(insee_code="13005")
    assert str(aubagne) == "Aubagne (13400)"
    assert "13005" not in aubagne.label


def test_label_lists_every_postal_code_sorted():
    aix = Commune.objects.get(insee_code="13001")
    codes = aix.postal_codes_list
    assert "13100" in codes and codes == sorted(codes)
    expected = ", ".join(codes) if len(codes) <= 3 else f"{codes[0]}, {codes[1]}… {len(codes)} codes postaux"
    assert aix.label == f"Aix-en-Provence ({expected})"


def test_postal_code_matches_before_insee_code():
    # 13100 is Aix-en-Provence's postal code and Saint-Rémy-de-Provence's INSEE code.
    assert Commune.objects.get(insee_code="13100").name == "Saint-Rémy-de-Provence"
    results = communes_search(query="13100")
    assert results[0].name == "Aix-en-Provence"
    names = [c.name for c in results]
    assert names.index("Aix-en-Provence") < names.index("Saint-Rémy-de-Provence")


def test_postal_prefix_before_insee_prefix():
    results = communes_search(query="1340")
    first = results[0]
    assert any(code.startswith("1340") for code in first.postal_codes_list), first.label
    ranks = [any(code.startswith("1340") for code in c.postal_codes_list) for c in results]
    assert ranks == sorted(ranks, reverse=True)  # every postal match before any INSEE-only match


def test_autocomplete_options_show_postal_codes(client, make_user, django_assert_max_num_queries):
    client.force_login(make_user(Role.ARM))
    url = reverse("commune-autocomplete")
    with django_assert_max_num_queries(8):
        html = client.get(url, {"q": "aubagne"}).content.decode()
    assert "13400" in html and "Aubagne" in html
    assert "(13005," not in html
