"""Issue 9's rule applied to vacations (issue 11 §5, §9): the effecteur's and the coordinator's home
sections count what "mes vacations" and the plannings list show, read through the same selectors
(``planning.vacations.inbox``), with data and with none; and several apps speaking for one role
(the coordinator's SAS requests and vacation changes) are combined, each with its own number."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.vacations.enums import TransferKind
from planning.vacations.services import transfer_accept, transfer_create
from sas_platform.navigation import HomeStatus, combine_statuses
from tests.planning.vacations.factories import make_planning, make_vacation, paris

pytestmark = pytest.mark.django_db


def _status(client, role: str) -> str:
    html = client.get(reverse("home")).content.decode()
    match = re.search(rf'data-testid="home-status-{role}">(.*?)</div>\s*</div>', html, re.S)
    assert match, f"no section for {role}"
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip())


def _day(days: int):
    day = timezone.localdate() + timedelta(days=days)
    return paris(day.year, day.month, day.day, 14)


@pytest.fixture
def world():
    data = make_planning(members=2, accounts=True, requires_approval=True)
    giver = data["people"][0]
    data["mine"] = make_vacation(data, _day(10), assignee=giver)
    return data


def test_effecteur_home_counts_requests_to_answer_and_vacations_to_confirm(client, world):
    giver, taker = world["people"]
    client.force_login(taker.user)
    assert "attend" not in _status(client, "effecteur")  # nothing pending: the section's usual text
    transfer_create(
        vacation_id=world["mine"].pk,
        kind=TransferKind.CESSION,
        from_professional_id=giver.pk,
        to_professional_id=taker.pk,
        actor=giver.user,
    )
    make_vacation(world, _day(-2), assignee=taker)  # past, still "assigned": to confirm
    make_vacation(world, _day(-40), assignee=taker)  # too old for "mes vacations": not counted
    make_vacation(world, _day(3), assignee=taker)  # coming: nothing to do yet
    assert _status(client, "effecteur") == (
        "2 1 demande de changement de vacation attend votre réponse ; "
        "1 vacation passée à confirmer (Mes vacations)."
    )
    # "Mes vacations", which the section links to, shows that request and that vacation to confirm.
    page = client.get(reverse("vacations-mine")).content.decode()
    assert page.count(reverse("vacations-answer", args=[world["mine"].transfers.get().pk])) >= 1
    assert page.count("Confirmer") == 1


def test_coordinator_home_counts_changes_to_approve_like_the_plannings_list(client, world):
    giver, taker = world["people"]
    client.force_login(world["coordinator"])
    assert "Aucune demande du SAS en attente" in _status(client, "coordinateur_structure")
    request = transfer_create(
        vacation_id=world["mine"].pk,
        kind=TransferKind.CESSION,
        from_professional_id=giver.pk,
        to_professional_id=taker.pk,
        actor=giver.user,
    )
    assert "Aucune demande du SAS" in _status(client, "coordinateur_structure")  # not accepted yet
    transfer_accept(request_id=request.pk, professional_id=taker.pk, actor=taker.user)
    assert _status(client, "coordinateur_structure") == (
        "1 changement de vacation à valider (Plannings de vacations)."
    )
    listing = client.get(reverse("vacations-plannings")).content.decode()
    assert 'data-testid="awaiting-approval"' in listing and 'data-count="1"' in listing


def test_statuses_of_several_apps_combine_each_with_its_number():
    sas = HomeStatus("demandes de surnuméraire du SAS attendent votre réponse.", count=2, level="warning")
    vac = HomeStatus("1 changement de vacation à valider.", count=1, level="warning")
    participation = HomeStatus("Vous participez au SAS depuis le 1 mars 2026.", level="success")
    assert combine_statuses([None, HomeStatus("", count=0)]) is None
    assert combine_statuses([sas, HomeStatus("", count=0)]) is sas  # alone: unchanged
    both = combine_statuses([sas, vac])
    assert both.count == 3 and both.level == "warning"
    assert both.message == (
        "2 demandes de surnuméraire du SAS attendent votre réponse. 1 changement de vacation à valider."
    )
    mixed = combine_statuses([participation, vac])
    assert mixed.count == 1 and mixed.level == "warning"
    assert mixed.message.startswith("Vous participez au SAS depuis le 1 mars 2026. 1 changement")
    assert combine_statuses([participation]).count is None
