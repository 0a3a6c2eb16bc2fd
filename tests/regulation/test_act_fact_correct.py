"""Correcting an act's pay facts through the page and the API (issue 12 §3; DOMAIN.md §7.2-§7.4):
who may (SAS administrators of the act's territory, platform administrators; never the desk, the
payers nor another territory), the French refusals that leave the act as it was, the audit row."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from regulation import services
from regulation.models import ActFact
from sas_platform.enums import Role
from sas_platform.models import AuditEvent
from tests.regulation import factories
from tests.remuneration.conftest import make_acts, paris

GOOD_RPPS, BAD_KEY = "10003384327", "10003384328"
REFUSED = [
    (Role.ARM, "13"),
    (Role.OSNP, "13"),
    (Role.REGULATEUR, "13"),
    (Role.AGENT_CPAM, "13"),
    (Role.AGENT_ARS, "13"),
    (Role.EFFECTEUR, "13"),
    (Role.ADMIN_SAS, "83"),
]
ALLOWED = [(Role.ADMIN_SAS, "13"), (Role.ADMIN_PLATEFORME, "13")]


@pytest.fixture
def act(make_user, territory, other_territory) -> ActFact:
    """A fulfilled SNP act of Dr Martin (10101010105) on Monday 5 October 2026, 9:00."""
    [fact] = make_acts([{"start": paris(2026, 10, 5, 9, 0)}], actor=make_user(Role.ARM))
    return fact


def state(fact: ActFact):
    fact.refresh_from_db()
    return (
        fact.outcome,
        fact.rpps,
        fact.doctor_name,
        fact.is_treating_doctor,
        fact.snp_candidate,
        fact.corrected_at,
        AuditEvent.objects.filter(event_type="regulation.act_fact_corrected").count(),
    )


def page(fact):
    return reverse("regulation-act-fact", args=[fact.pk])


def post(client, fact, **data):
    body = {"outcome": fact.outcome, "rpps": fact.rpps, "reason": "Relevé du cabinet", **data}
    if body.pop("mt", fact.is_treating_doctor):
        body["is_treating_doctor"] = "on"
    return client.post(page(fact), body)


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "where"), REFUSED)
def test_page_refuses_the_desk_the_payers_and_another_territory(client, make_user, act, role, where):
    client.force_login(make_user(role, territories=[where]))
    before = state(act)
    assert client.get(page(act)).status_code == 403
    assert post(client, act, outcome="noshow").status_code == 403
    assert state(act) == before


def test_page_asks_to_sign_in_and_404s_an_unknown_act(client, make_user, act):
    assert client.get(page(act)).status_code == 302
    client.force_login(make_user(Role.ADMIN_SAS))
    assert client.get(reverse("regulation-act-fact", args=[act.pk + 999])).status_code == 404


@pytest.mark.parametrize(("role", "where"), ALLOWED)
def test_page_corrects_the_outcome_with_its_audit_row(client, make_user, act, role, where):
    user = make_user(role, territories=[where])
    client.force_login(user)
    response = client.get(page(act))
    assert response.status_code == 200
    assert b"Corriger" in response.content and b"10101010105" in response.content
    response = post(client, act, outcome="noshow", reason="Patient non venu")
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "régularisée sur le prochain bordereau" in message
    act.refresh_from_db()
    assert act.outcome == "noshow" and act.corrected_at is not None
    event = AuditEvent.objects.get(event_type="regulation.act_fact_corrected")
    assert event.actor == user and event.object_id == str(act.dossier_id)
    assert event.params == {
        "act": act.pk,
        "reason": "Patient non venu",
        "before": {"outcome": "fulfilled"},
        "after": {"outcome": "noshow"},
    }
    shown = client.get(page(act)).content.decode()
    assert "Patient non venu" in shown and "issue : " in shown  # the history of corrections


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Aucune modification"),
        ({"outcome": "noshow", "reason": "  "}, "Indiquez le motif de la correction."),
        ({"rpps": BAD_KEY}, "clé de contrôle incorrecte"),
        ({"rpps": "1234"}, "11 chiffres"),
        ({"rpps": ""}, "Indiquez le RPPS"),
        ({"outcome": "booked"}, "Issue non autorisée"),
        ({"outcome": "perdu"}, "Issue non autorisée"),
    ],
)
def test_page_refusals_are_french_and_change_nothing(client, make_user, act, data, message):
    client.force_login(make_user(Role.ADMIN_SAS))
    before = state(act)
    response = post(client, act, **data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert state(act) == before


def test_the_mt_flag_and_a_directory_rpps_bring_their_consequences(client, make_user, act):
    doctor, _place = factories.professional(last_name="Bernard", first_name="Luc", rpps=GOOD_RPPS)
    client.force_login(make_user(Role.ADMIN_SAS))
    assert act.snp_candidate
    assert post(client, act, rpps=GOOD_RPPS, mt=True).status_code == 302
    act.refresh_from_db()
    assert act.rpps == GOOD_RPPS and act.professional_id == doctor.pk and "Bernard" in act.doctor_name
    assert act.is_treating_doctor and not act.snp_candidate  # the MT: MRT, never SNP (§7.3, §7.4)
    params = AuditEvent.objects.get(event_type="regulation.act_fact_corrected").params
    assert params["before"] == {
        "rpps": "10101010105",
        "is_treating_doctor": "False",
        "doctor_name": "Dr Claire Martin",
    }
    assert params["after"]["rpps"] == GOOD_RPPS and params["after"]["is_treating_doctor"] == "True"


def test_the_dossier_page_lists_the_acts_and_links_the_correction_for_who_may(client, make_user, act):
    desk = make_user(Role.REGULATEUR)
    client.force_login(desk)
    content = client.get(reverse("regulation-dossier", args=[act.dossier_id])).content.decode()
    assert 'data-testid="act-fact"' in content and "10101010105" in content and "sous 48 h" in content
    assert page(act) not in content  # the desk sees the facts, does not correct them
    both = make_user(Role.REGULATEUR, Role.ADMIN_SAS)
    client.force_login(both)
    content = client.get(reverse("regulation-dossier", args=[act.dossier_id])).content.decode()
    assert page(act) in content


def test_the_service_refuses_who_may_not(make_user, act):
    from sas_platform.exceptions import PermissionDeniedError

    before = state(act)
    with pytest.raises(PermissionDeniedError):
        services.act_fact_correct(
            actor=make_user(Role.REGULATEUR), act_id=act.pk, reason="x", outcome="noshow"
        )
    assert state(act) == before


# --- the API ------------------------------------------------------------------------------------


def api(fact):
    return f"/api/v1/regulation/act-facts/{fact.pk}/correct/"


@pytest.mark.parametrize(("role", "where"), REFUSED)
def test_api_refuses_the_desk_the_payers_and_another_territory(api_client_for, act, role, where):
    before = state(act)
    response = api_client_for(role, territories=[where]).post(
        api(act), {"outcome": "noshow", "reason": "x"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert state(act) == before


def test_api_anonymous_and_unknown(api_client, api_client_for, act):
    assert api_client.post(api(act), {"outcome": "noshow", "reason": "x"}, format="json").status_code in (
        401,
        403,
    )
    response = api_client_for(Role.ADMIN_SAS).post(
        f"/api/v1/regulation/act-facts/{act.pk + 999}/correct/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404 and response.json()["code"] == "act_not_found"


@pytest.mark.parametrize(("role", "where"), ALLOWED)
def test_api_corrects(api_client_for, act, role, where):
    response = api_client_for(role, territories=[where]).post(
        api(act), {"outcome": "cancelled", "reason": "Annulé par le patient"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "cancelled" and body["corrected_at"] and body["id"] == act.pk
    assert AuditEvent.objects.filter(event_type="regulation.act_fact_corrected").count() == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"outcome": "fulfilled", "reason": "x"}, "no_change"),
        ({"outcome": "noshow"}, "reason_required"),
        ({"rpps": BAD_KEY, "reason": "x"}, "rpps_key"),
        ({"rpps": "abc", "reason": "x"}, "rpps_format"),
        ({"outcome": "held", "reason": "x"}, "invalid_outcome"),
    ],
)
def test_api_refusals_are_400_with_a_code_and_change_nothing(api_client_for, act, data, code):
    before = state(act)
    response = api_client_for(Role.ADMIN_SAS).post(api(act), data, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["message"]
    assert state(act) == before


def test_the_dossier_detail_carries_its_acts(api_client_for, act):
    response = api_client_for(Role.REGULATEUR).get(f"/api/v1/regulation/dossiers/{act.dossier_id}/")
    assert response.status_code == 200
    [row] = response.json()["act_facts"]
    assert row["id"] == act.pk and row["rpps"] == "10101010105" and row["snp_candidate"] is True
