"""Who may claim and act at each state (issue 9 point 8): one table, ``policies.ACTION_ROLES``,
checked once in the services; the API and the pages refuse with the same French message and hide
the buttons a user cannot use (DOMAIN.md §3.1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from regulation import policies, services
from regulation.enums import Decision, DossierState, Transition
from regulation.exceptions import TransitionNotAllowed
from regulation.models import Dossier
from regulation.policies import Action
from sas_platform.enums import Role
from sas_platform.exceptions import ConflictError, PermissionDeniedError
from sas_platform.models import AuditEvent

BASE = "/api/v1/regulation"
S = DossierState


@pytest.mark.parametrize(
    ("roles", "state", "action", "allowed"),
    [
        ({"arm"}, S.OPENED, Action.CLAIM, True),
        ({"arm"}, S.REGULATED, Action.CLAIM, False),  # waiting for the OSNP
        ({"arm"}, S.REGULATED, Action.ROUTE_AMU, False),  # no « Vers l'AMU » there
        ({"regulateur"}, S.REGULATED, Action.ROUTE_AMU, True),  # the régulateur may, at any time
        ({"osnp"}, S.REGULATED, Action.CLAIM, True),
        ({"osnp"}, S.CLOSED, Action.CLAIM, False),
        ({"regulateur"}, S.CLOSED, Action.CLAIM, False),
        ({"regulateur"}, S.GENERAL_PRACTICE, Action.DECIDE, True),
        ({"regulateur"}, S.REGULATED, Action.DECIDE, False),  # a second decision
        ({"osnp"}, S.GENERAL_PRACTICE, Action.DECIDE, False),
        ({"arm", "osnp"}, S.ORIENTING, Action.ORIENT, True),  # roles are a set
    ],
)
def test_table(roles, state, action, allowed):
    assert policies.may_act(roles, state, action) is allowed


def test_every_listed_state_and_role_is_a_desk_role():
    for (state, action), roles in policies.ACTION_ROLES.items():
        assert roles <= {Role.ARM, Role.REGULATEUR, Role.OSNP}, (state, action)
        assert state not in (S.CLOSED,), "nothing is done on a closed dossier"


@pytest.fixture
def waiting_for_osnp(regulated_dossier):
    assert regulated_dossier.state == S.REGULATED and regulated_dossier.holder_id is None
    return regulated_dossier


def test_arm_cannot_take_a_dossier_waiting_for_the_osnp(waiting_for_osnp, arm, api_client_for, client):
    with pytest.raises(PermissionDeniedError) as exc:
        services.dossier_claim(dossier_id=waiting_for_osnp.pk, actor=arm)
    message = exc.value.message
    assert message.startswith("Action « Prise en charge du dossier » impossible pour votre rôle")
    response = api_client_for(Role.ARM).post(
        f"{BASE}/dossiers/{waiting_for_osnp.pk}/claim/", {}, format="json"
    )
    assert (response.status_code, response.json()["message"]) == (403, message)
    client.force_login(arm)
    page = client.post(reverse("regulation-dossier-claim", args=[waiting_for_osnp.pk]), follow=True)
    assert message in page.content.decode()
    assert Dossier.objects.get(pk=waiting_for_osnp.pk).holder_id is None
    assert not AuditEvent.objects.filter(event_type="regulation.claimed", actor=arm).exists()


def test_arm_is_offered_neither_claim_nor_amu_on_a_dossier_waiting_for_the_osnp(
    waiting_for_osnp, arm, regulateur, client
):
    client.force_login(arm)
    html = client.get(reverse("regulation-dossier", args=[waiting_for_osnp.pk])).content.decode()
    assert 'data-testid="claim"' not in html and 'data-testid="route-amu"' not in html
    queue = client.get(reverse("regulation-queue")).content.decode()
    assert f'data-testid="claim-{waiting_for_osnp.reference}"' not in queue
    client.force_login(regulateur)  # the régulateur still may
    html = client.get(reverse("regulation-dossier", args=[waiting_for_osnp.pk])).content.decode()
    assert 'data-testid="claim"' in html and 'data-testid="route-amu"' in html


def test_arm_cannot_route_a_regulated_dossier_to_amu(waiting_for_osnp, arm, api_client_for):
    with pytest.raises(PermissionDeniedError):
        services.dossier_route(dossier_id=waiting_for_osnp.pk, actor=arm, to=Transition.ROUTE_AMU)
    response = api_client_for(Role.ARM).post(
        f"{BASE}/dossiers/{waiting_for_osnp.pk}/route/", {"route": "amu"}, format="json"
    )
    assert response.status_code == 403
    assert Dossier.objects.get(pk=waiting_for_osnp.pk).state == S.REGULATED


def test_osnp_cannot_claim_a_closed_dossier_through_the_api(open_dossier, regulateur, api_client_for):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=Decision.ADVICE)
    assert Dossier.objects.get(pk=dossier.pk).state == S.CLOSED
    response = api_client_for(Role.OSNP).post(f"{BASE}/dossiers/{dossier.pk}/claim/", {}, format="json")
    assert response.status_code == 409
    assert (
        response.json()["message"]
        == "Action « Prise en charge du dossier » impossible : le dossier est « Clos »."
    )
    assert Dossier.objects.get(pk=dossier.pk).holder_id is None


def test_regulateur_must_claim_before_deciding(open_dossier, regulateur, api_client_for, make_user):
    dossier = open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    with pytest.raises(ConflictError) as exc:
        services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
    assert exc.value.code == "claim_required"
    response = api_client_for(Role.REGULATEUR).post(
        f"{BASE}/dossiers/{dossier.pk}/decide/", {"decision": "appointment_48h"}, format="json"
    )
    assert (response.status_code, response.json()["message"]) == (409, exc.value.message)
    assert Dossier.objects.get(pk=dossier.pk).state == S.GENERAL_PRACTICE


def test_second_decision_is_refused_and_does_not_close(regulated_dossier, regulateur):
    services.dossier_claim(dossier_id=regulated_dossier.pk, actor=regulateur)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.dossier_decide(dossier_id=regulated_dossier.pk, actor=regulateur, decision=Decision.ADVICE)
    assert exc.value.message == (
        "Action « Décision du régulateur » impossible : le dossier est « Régulé, à orienter »."
    )
    dossier = Dossier.objects.get(pk=regulated_dossier.pk)
    assert (dossier.state, dossier.decision, dossier.closed_at) == (
        S.REGULATED,
        Decision.APPOINTMENT_48H,
        None,
    )
