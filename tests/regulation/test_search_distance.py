"""Issue 9 point 10: the distance column and the rank's reason say the same distance (one rounding
helper), and the page says which radius was used (and widened) and how many results show at most."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from sas_platform.geo import haversine_km, km_label, km_rounded
from tests.regulation import factories

pytestmark = pytest.mark.django_db


def test_km_rounding_half_up_once():
    assert km_rounded(8.15) == Decimal("8.2")
    assert km_rounded(8.149) == Decimal("8.1")
    assert km_rounded(0.05) == Decimal("0.1")
    assert km_label(12.0) == "12,0 km"


def _place_at(dossier, km: float, prof_place):
    """Move the practice place (and so its slot) ``km`` north of the patient, to the metre."""
    _, place = prof_place
    step = km / 111.0
    for _ in range(30):  # tune the latitude until the distance is exactly the one wanted
        got = haversine_km(dossier.latitude, dossier.longitude, dossier.latitude + step, dossier.longitude)
        step *= km / got
    place.latitude, place.longitude = dossier.latitude + step, dossier.longitude
    place.save(update_fields=["latitude", "longitude"])
    return place


def test_column_and_reason_agree_on_a_rounding_edge(client, osnp, regulated_dossier, territory):
    doctor = factories.professional(last_name="Bord")
    _place_at(regulated_dossier, 8.1496, doctor)  # 8.15 to 2 decimals, 8.1 to 1: the old disagreement
    slot = factories.slot(*doctor)
    client.force_login(osnp)
    html = client.get(
        reverse("regulation-orientation-results", args=[regulated_dossier.pk]), {"radius_km": 20}
    ).content.decode()
    row = html.split(f'data-slot="{slot.pk}"')[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    column = next(c.strip() for c in cells if c.strip().endswith("km"))
    reason = re.search(r"à (\d+,\d) km", row).group(1)
    assert column == f"{reason} km"


def test_scope_of_the_search_is_said_above_the_results(client, osnp, regulated_dossier, territory):
    doctor = factories.professional(last_name="Près")
    factories.slot(*doctor)
    client.force_login(osnp)
    html = client.get(
        reverse("regulation-orientation-results", args=[regulated_dossier.pk]), {"radius_km": 15}
    ).content.decode()
    scope = re.search(r'data-testid="search-scope">(.*?)</p>', html, re.S).group(1)
    scope = " ".join(scope.split())
    assert scope == "1 créneau dans un rayon de 15 km ; 30 au plus sont affichés."
    assert html.index('data-testid="search-scope"') < html.index("<table")
