"""Pages of the desk through the client: permission matrix (anonymous, wrong role, other territory,
right role; nothing written on denial), reads logged, bounded queries, the ARM's one-action pick-up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from regulation import services
from regulation.enums import Decision, DossierState, Transition
from regulation.models import Dossier
from sas_platform.enums import Role
from sas_platform.models import AuditEvent, PatientDataAccess
from tests.regulation import factories


def snapshot():
    return (
        AuditEvent.objects.count(),
        PatientDataAccess.objects.count(),
        list(Dossier.objects.values_list("state", "holder_id")),
    )


@pytest.fixture
def gp_dossier(open_dossier):
    return open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)


PAGES = [
    # (url name, method, role allowed, dossier fixture)
    ("regulation-dossier", "get", Role.OSNP, "gp_dossier"),
    ("regulation-decision", "get", Role.REGULATEUR, "gp_dossier"),
    ("regulation-decision", "post", Role.REGULATEUR, "gp_dossier"),
    ("regulation-orientation", "get", Role.OSNP, "regulated_dossier"),
    ("regulation-orientation-results", "get", Role.OSNP, "regulated_dossier"),
    ("regulation-dossier-route", "post", Role.ARM, "gp_dossier"),
    ("regulation-dossier-claim", "post", Role.REGULATEUR, "gp_dossier"),
    ("regulation-orientation-mt", "post", Role.OSNP, "regulated_dossier"),
    ("regulation-orientation-close", "post", Role.OSNP, "regulated_dossier"),
    ("regulation-orientation-book", "post", Role.OSNP, "regulated_dossier"),
    ("regulation-orientation-surnumeraire", "post", Role.OSNP, "regulated_dossier"),
]
POST_DATA = {
    "regulation-decision": {"decision": "advice", "priority": "P2"},
    "regulation-dossier-route": {"to": "amu"},
    "regulation-orientation-mt": {"result": "unreachable"},
    "regulation-orientation-close": {"result": "advice"},
    "regulation-orientation-book": {"slot": "999999"},
    "regulation-orientation-surnumeraire": {"professional": "999999", "channel": "phone"},
}


@pytest.mark.parametrize(("name", "method", "role", "fixture"), PAGES, ids=lambda v: str(v))
@pytest.mark.parametrize("who", ["anonymous", "wrong_role", "other_territory"])
def test_denied_pages_write_nothing(
    request, client, make_user, other_territory, name, method, role, fixture, who
):
    dossier = request.getfixturevalue(fixture)
    if who == "wrong_role":
        client.force_login(make_user(Role.EFFECTEUR, Role.COORDINATEUR_STRUCTURE))
    elif who == "other_territory":
        client.force_login(make_user(Role.ARM, Role.REGULATEUR, Role.OSNP, territories=["83"]))
    before = snapshot()
    url = reverse(name, args=[dossier.pk])
    response = getattr(client, method)(url, POST_DATA.get(name, {}))
    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith("/connexion/")
    else:
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(("name", "method", "role", "fixture"), [p for p in PAGES if p[1] == "get"], ids=str)
def test_right_role_reads_and_the_read_is_logged(request, client, make_user, name, method, role, fixture):
    dossier = request.getfixturevalue(fixture)
    user = make_user(role)
    client.force_login(user)
    response = client.get(reverse(name, args=[dossier.pk]))
    assert response.status_code == 200
    assert "INVALID_TEMPLATE_VARIABLE" not in response.content.decode()
    logged = PatientDataAccess.objects.filter(actor=user, object_id=str(dossier.pk))
    assert logged.count() == (0 if name == "regulation-orientation-results" else 1)


@pytest.mark.parametrize("role", [Role.ARM, Role.REGULATEUR, Role.OSNP])
def test_queue_for_desk_roles_only(client, make_user, role, gp_dossier, other_territory, toulon):
    other = services.dossier_open(
        actor=make_user(Role.ARM, territories=["83"]), territory_code="83", commune=toulon, reason="Toux"
    )
    client.force_login(make_user(role))
    content = client.get(reverse("regulation-queue")).content.decode()
    assert gp_dossier.reference in content and other.reference not in content
    assert "Durand" not in content  # no patient identity in the queue
    rows = client.get(reverse("regulation-queue-rows"))
    assert rows.status_code == 200 and gp_dossier.reference in rows.content.decode()


@pytest.mark.parametrize("roles", [(), (Role.EFFECTEUR,), (Role.AGENT_CPAM,)])
def test_queue_refused_to_others(client, make_user, roles, territory):
    client.force_login(make_user(*roles))
    assert client.get(reverse("regulation-queue")).status_code == 403
    assert client.get(reverse("regulation-pickup")).status_code == 403


def test_queue_bounded_queries(client, make_user, open_dossier, django_assert_max_num_queries):
    for _ in range(30):
        open_dossier(route=Transition.ROUTE_GENERAL_PRACTICE)
    client.force_login(make_user(Role.REGULATEUR))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("regulation-queue")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("regulation-queue-rows")).status_code == 200


def test_pickup_creates_and_routes_in_one_action_once(client, arm, marseille):
    client.force_login(arm)
    page = client.get(reverse("regulation-pickup"))
    assert page.status_code == 200 and "autofocus" in page.content.decode()
    data = {
        "origin": "15",
        "caller_relation": "patient",
        "patient_last_name": "Nguyen",
        "patient_age": "67",
        "commune": marseille.insee_code,
        "q": "Marseille",
        "reason": "Douleur lombaire depuis hier",
        "priority": "P2",
        "submission": "abc123",
        "route": "mg",
    }
    response = client.post(reverse("regulation-pickup"), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.state, dossier.created_by, dossier.patient_age) == (
        DossierState.GENERAL_PRACTICE,
        arm,
        67,
    )
    again = client.post(reverse("regulation-pickup"), data)  # double submission
    assert again.status_code == 302 and again.url == reverse("regulation-dossier", args=[dossier.pk])
    assert Dossier.objects.count() == 1


def test_pickup_requires_a_known_commune(client, arm):
    client.force_login(arm)
    response = client.post(
        reverse("regulation-pickup"),
        {
            "origin": "15",
            "caller_relation": "patient",
            "commune": "",
            "reason": "Toux",
            "priority": "P2",
            "route": "amu",
        },
    )
    assert response.status_code == 200
    assert "Choisissez la commune." in response.content.decode()
    assert not Dossier.objects.exists()


def test_decision_page_outside_sas_hours_offers_pdsa(client, regulateur, gp_dossier):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)):  # a Sunday
        client.force_login(regulateur)
        content = client.get(reverse("regulation-decision", args=[gp_dossier.pk])).content.decode()
    assert "Hors horaires du SAS" in content and "Transférer à la PDSA" in content
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)):  # a Tuesday
        client.force_login(regulateur)
        content = client.get(reverse("regulation-decision", args=[gp_dossier.pk])).content.decode()
    assert "Hors horaires du SAS" not in content


def test_decision_post_then_queue(client, regulateur, gp_dossier):
    client.force_login(regulateur)
    client.post(reverse("regulation-dossier-claim", args=[gp_dossier.pk]))
    response = client.post(
        reverse("regulation-decision", args=[gp_dossier.pk]),
        {"decision": Decision.APPOINTMENT_48H, "priority": "P1"},
    )
    assert response.status_code == 302
    gp_dossier.refresh_from_db()
    assert (gp_dossier.state, gp_dossier.priority) == (DossierState.REGULATED, "P1")


def test_claim_by_second_person_is_refused_with_message(client, make_user, gp_dossier):
    first, second = make_user(Role.REGULATEUR), make_user(Role.REGULATEUR)
    services.dossier_claim(dossier_id=gp_dossier.pk, actor=first)
    client.force_login(second)
    response = client.post(reverse("regulation-dossier-claim", args=[gp_dossier.pk]), follow=True)
    assert "déjà pris en charge" in response.content.decode()
    gp_dossier.refresh_from_db()
    assert gp_dossier.holder == first


def test_orientation_page_bounded_queries(client, osnp, regulated_dossier, django_assert_max_num_queries):
    for i in range(8):
        prof, place = factories.professional(last_name=f"Médecin{i}")
        factories.participation(prof)
        factories.slot(prof, place)
    client.force_login(osnp)
    client.get(reverse("regulation-queue"))  # the session's last-seen stamp is written once a minute
    with django_assert_max_num_queries(15):
        response = client.get(reverse("regulation-orientation", args=[regulated_dossier.pk]))
    assert response.status_code == 200
    assert "Médecin7" in response.content.decode()


def test_dossier_and_decision_pages_bounded_queries(
    client, make_user, regulated_dossier, django_assert_max_num_queries
):
    user = make_user(Role.REGULATEUR, Role.OSNP)
    for _ in range(10):  # a long timeline
        services.dossier_claim(dossier_id=regulated_dossier.pk, actor=user)
        services.dossier_release(dossier_id=regulated_dossier.pk, actor=user)
    client.force_login(user)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("regulation-dossier", args=[regulated_dossier.pk])).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("regulation-decision", args=[regulated_dossier.pk])).status_code == 200


def test_structure_page_for_its_coordinator_only(client, make_user, regulated_dossier, osnp):
    from regulation.enums import RequestChannel

    coordinator, other = make_user(Role.COORDINATEUR_STRUCTURE), make_user(Role.COORDINATEUR_STRUCTURE)
    cpts = factories.structure(coordinator=coordinator)
    durand, _ = factories.professional(last_name="Durand", first_name="Paul")
    factories.member(durand, cpts)
    request = services.surnumeraire_request_create(
        dossier_id=regulated_dossier.pk, actor=osnp, channel=RequestChannel.PLATFORM, structure=cpts
    )
    client.force_login(other)
    assert (
        regulated_dossier.reference
        not in client.get(reverse("regulation-structure-requests")).content.decode()
    )
    before = snapshot()
    denied = client.post(reverse("regulation-request-answer", args=[request.pk]), {"status": "refused"})
    assert denied.status_code == 403 and snapshot() == before
    client.force_login(coordinator)
    page = client.get(reverse("regulation-structure-requests")).content.decode()
    assert regulated_dossier.reference in page
    assert f'<option value="{durand.identifier}">Dr Paul Durand — RPPS {durand.identifier}</option>' in page
    response = client.post(
        reverse("regulation-request-answer", args=[request.pk]),
        {"status": "accepted", "member": durand.identifier, "next": "structure"},
    )
    assert response.status_code == 302
    regulated_dossier.refresh_from_db()
    assert regulated_dossier.state == DossierState.ORIENTED


def test_home_links_by_role(client, make_user):
    client.force_login(make_user(Role.ARM))
    content = client.get("/").content.decode()
    assert reverse("regulation-pickup") in content and reverse("regulation-queue") in content
