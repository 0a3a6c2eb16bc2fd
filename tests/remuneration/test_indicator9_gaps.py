"""Indicator 9: when the surnuméraire acts the platform recorded differ from what the tiers pay on
(DOMAIN.md §7.2), the doctor and the payers see the count and, per excluded act, why."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from regulation.models import ActFact
from remuneration.rules.indicator9_gaps import indicator9_gaps
from remuneration.selectors.indicator9 import indicator9_gaps_for_doctor, recent_quarters
from remuneration.services import bordereau_compute
from tests.regulation import factories
from tests.remuneration.conftest import make_acts, paris

pytestmark = pytest.mark.django_db
RPPS = "10101010105"  # the effecteur's (conftest)


@pytest.fixture
def acts(people, territory):
    prof, _ = factories.professional(rpps=RPPS, last_name="Martin")
    actor = people["admin_sas"]
    specs = [{"start": paris(2026, 7, 6 + i, 10), "surnumeraire": True} for i in range(5)]
    specs += [
        {"start": paris(2026, 8, 3, 10), "surnumeraire": True, "outcome": "noshow"},
        {"start": paris(2026, 8, 4, 10), "surnumeraire": True, "rpps": ""},  # the directory id only
        {"start": paris(2026, 10, 1, 0, 30), "surnumeraire": True},  # 30/09 22:30 UTC
        {"start": paris(2026, 10, 1, 10), "regulated": paris(2026, 9, 30, 18), "surnumeraire": True},
        {"start": paris(2026, 10, 10, 10), "surnumeraire": True},  # another quarter: not listed
        {"start": paris(2026, 8, 5, 10)},  # not surnuméraire: not indicator 9's
    ]
    facts = make_acts(specs, actor=actor)
    ActFact.objects.filter(pk=facts[6].pk).update(professional_id=prof.pk)
    return {"prof": prof, "facts": facts}


def test_counted_and_excluded_with_reasons(acts):
    gaps = indicator9_gaps_for_doctor(rpps=RPPS, professional_id=acts["prof"].pk, quarter="2026-Q3")
    assert (gaps.recorded, gaps.counted, len(gaps.excluded)) == (9, 5, 4)
    reasons = [e.reason for e in gaps.excluded]
    assert "Patient absent" in reasons[0] and "sans RPPS" in reasons[1]
    assert "01/10/2026 à 00:30 (heure de Paris)" in reasons[2] and "compté au trimestre 2026-Q4" in reasons[2]
    assert "01/10/2026 à 10:00" in reasons[3]
    q4 = indicator9_gaps_for_doctor(rpps=RPPS, professional_id=None, quarter="2026-Q4")
    assert (q4.counted, q4.excluded) == (3, ())
    assert not q4.differs and gaps.differs


def test_nothing_excluded_when_all_count():
    assert (
        indicator9_gaps([], start=paris(2026, 7, 1), end=paris(2026, 10, 1), quarter="2026-Q3").recorded == 0
    )
    assert recent_quarters(paris(2026, 1, 5).date()) == ["2026-Q1", "2025-Q4"]


def test_mine_and_bordereau_detail_show_the_excluded_acts(people, acts):
    client = Client()
    client.force_login(people["effecteur"])
    with time_machine.travel(paris(2026, 11, 2, 10), tick=False):
        page = client.get("/remuneration/mes-remunerations/").content.decode()
    assert "Trimestre 2026-Q3" in page and "<strong>5 retenus</strong>" in page
    assert 'data-testid="ind9-excluded-count">4 non comptés' in page and "Patient absent" in page
    bordereau = bordereau_compute(
        actor=people["admin_sas"], kind="indicator9", territory_code="13", period="2026-Q3"
    ).bordereau
    client.force_login(people["cpam"])
    detail = client.get(f"/remuneration/bordereaux/{bordereau.pk}/").content.decode()
    assert "Actes en surnuméraire non comptés (4)" in detail and "sans RPPS" in detail
    client.force_login(people["cpam83"])
    assert client.get(f"/remuneration/bordereaux/{bordereau.pk}/").status_code == 404
