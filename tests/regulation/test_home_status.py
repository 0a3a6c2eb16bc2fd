"""Issue 9 point 5: the home's sections never contradict the pages they link to.

Each count is read through the linked page's own selector; checked with data and with none, and
against the page itself (the queue / the structure's requests) for the same user.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse

from cpts.enums import ParticipationMode, VisibilityMode
from cpts.models import SasParticipation
from regulation import services
from regulation.enums import RequestChannel, Transition
from sas_platform.enums import Role
from tests.regulation import factories

pytestmark = pytest.mark.django_db


def _status(client, role: str) -> str:
    html = client.get(reverse("home")).content.decode()
    match = re.search(rf'data-testid="home-status-{role}">(.*?)</div>\s*</div>', html, re.S)
    assert match, f"no section for {role}"
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip())


def test_regulateur_home_counts_the_dossiers_waiting_for_a_decision(client, regulateur, open_dossier):
    client.force_login(regulateur)
    assert "Aucun dossier n'attend de décision" in _status(client, "regulateur")
    for _ in range(4):
        open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    open_dossier()  # still with the ARM: in the queue, not waiting for the régulateur
    text = _status(client, "regulateur")
    assert text.startswith("4 dossiers attendent une décision médicale dans la file d'attente")
    assert "(5 dossiers en cours en tout)" in text
    assert "Aucun dossier" not in text
    # The queue page the section links to lists those same 5 dossiers.
    queue = client.get(reverse("regulation-queue")).content.decode()
    assert queue.count("data-reference=") == 5


def test_arm_home_counts_open_calls_of_its_territories_only(
    client, arm, open_dossier, other_territory, toulon
):
    client.force_login(arm)
    assert "Aucun appel en cours" in _status(client, "arm")
    open_dossier()
    open_dossier(territory_code="83", commune=toulon)  # not the ARM's territory: not on their queue
    assert _status(client, "arm") == "1 appel ouvert attend d'être orienté dans la file d'attente."


def test_osnp_home_counts_regulated_dossiers(client, osnp, regulated_dossier):
    client.force_login(osnp)
    assert _status(client, "osnp").startswith("1 dossier régulé attend son orientation")


def test_coordinator_home_counts_pending_requests_of_own_structures(
    client, make_user, regulated_dossier, osnp
):
    coordinator = make_user(Role.COORDINATEUR_STRUCTURE)
    client.force_login(coordinator)
    assert "Aucune demande du SAS en attente" in _status(client, "coordinateur_structure")
    mine = factories.structure(coordinator=coordinator)
    other = factories.structure(name="CPTS Ailleurs")
    for target in (mine, mine, other):
        services.surnumeraire_request_create(
            dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.PLATFORM, structure=target
        )
    assert _status(client, "coordinateur_structure") == (
        "2 demandes de surnuméraire du SAS attendent votre réponse."
    )
    page = client.get(reverse("regulation-structure-requests"))
    assert len(page.context["pending"]) == 2


def test_effecteur_participating_since_2023_is_not_asked_to_declare(client, make_user, territory):
    user = make_user(Role.EFFECTEUR)
    prof, _ = factories.professional()
    client.force_login(user)
    prof.user = user
    prof.save(update_fields=["user"])
    assert "Vous n'avez pas encore déclaré" in _status(client, "effecteur")
    first = SasParticipation.objects.create(
        professional=prof,
        mode=ParticipationMode.INDIVIDUAL,
        visibility=VisibilityMode.INTERFACED_AGENDA,
        start_date=dt.date(2023, 3, 1),
        end_date=dt.date(2024, 5, 31),
    )
    SasParticipation.objects.create(
        professional=prof,
        mode=ParticipationMode.INDIVIDUAL,
        visibility=VisibilityMode.INTERFACED_AGENDA,
        accepts_surnumeraire=True,
        start_date=first.end_date + dt.timedelta(days=1),
    )
    text = _status(client, "effecteur")
    assert text.startswith("Vous participez au SAS depuis le 1 mars 2023")
    assert "déclarer" not in text.lower() and "pas encore" not in text


def test_cpam_and_ars_homes_say_what_the_bordereaux_page_shows(client, make_user):
    """Issue 12 brought the bordereaux: the sections count them through the page's selector."""
    from remuneration.models import Bordereau
    from sas_platform.models import Departement, SasTerritory

    client.force_login(make_user(Role.AGENT_CPAM, Role.AGENT_ARS))
    assert "Aucun bordereau à exporter" in _status(client, "agent_cpam")
    assert "Aucun bordereau à valider" in _status(client, "agent_ars")
    territory = SasTerritory.objects.update_or_create(
        departement=Departement.objects.get(code="13"), defaults={"name": "SAS 13"}
    )[0]
    Bordereau.objects.create(kind="regulators", territory=territory, period="2026-10", status="draft")
    Bordereau.objects.create(kind="regulators", territory=territory, period="2026-09", status="validated")
    assert "1 bordereau à valider" in _status(client, "agent_ars")
    assert "1 bordereau validé à exporter" in _status(client, "agent_cpam")
    html = client.get(reverse("home")).content.decode()
    assert "pas encore disponible" not in html and reverse("remuneration:bordereaux") in html
