"""Pages of `cpts` through the test client: behaviour, HTMX partials, permission matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cpts.models import Membership, SasParticipation
from sas_platform.enums import Role
from sas_platform.models import Commune
from tests.cpts.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ParticipationFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
    valid_rpps,
)

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("cpts:directory")


@pytest.fixture
def gps(sas13):
    near = PracticePlaceFactory(
        professional__last_name="AUBAGNAIS",
        commune=Commune.objects.get(insee_code="13005"),
        postal_code="13400",
    ).professional
    far = PracticePlaceFactory(
        professional__last_name="ARLESIEN",
        commune=Commune.objects.get(insee_code="13004"),
        postal_code="13200",
    ).professional
    ParticipationFactory(professional=near, surnumeraire=True)
    return near, far


def login(client, user):
    client.force_login(user)
    return client


# --- Directory ----------------------------------------------------------------------------


def test_directory_anonymous_goes_to_login(client):
    response = client.get(DIRECTORY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.EFFECTEUR, Role.COORDINATEUR_STRUCTURE, Role.AGENT_CPAM])
def test_directory_wrong_role_403(client, make_user, role):
    assert login(client, make_user(role)).get(DIRECTORY).status_code == 403


def test_directory_search_near_commune_with_surnumeraire(client, make_user, gps):
    login(client, make_user(Role.OSNP))
    response = client.get(DIRECTORY, {"commune": "Marseille", "radius_km": "20", "surnumeraire": "on"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["professional"].last_name for r in rows] == ["AUBAGNAIS"]
    assert "Accepte le surnuméraire" in response.content.decode()
    assert "autour de Marseille (13001, 13002… 16 codes postaux)" in response.content.decode()


def test_directory_htmx_returns_the_results_partial(client, make_user, gps):
    login(client, make_user(Role.REGULATEUR))
    response = client.get(DIRECTORY, {"name": "arles"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "ARLESIEN" in html


def test_directory_other_territory_sees_nothing(client, make_user, gps):
    login(client, make_user(Role.OSNP, territories=["84"]))
    response = client.get(DIRECTORY, {"name": "a"})
    assert response.context["rows"] == []


def test_directory_commune_field_is_an_autocomplete_combobox(client, make_user, gps):
    login(client, make_user(Role.OSNP))
    html = client.get(DIRECTORY).content.decode()
    assert 'role="combobox"' in html
    assert 'aria-controls="directory-commune-options"' in html
    assert f'data-autocomplete-url="{reverse("commune-autocomplete")}"' in html
    assert 'id="directory-commune-options"' in html
    assert "cpts/commune-autocomplete.js" in html
    assert "<script>" not in html  # strict CSP: no inline script


def test_commune_autocomplete_endpoint_gives_keyboard_options(client, make_user, gps):
    login(client, make_user(Role.OSNP))
    html = client.get(
        reverse("commune-autocomplete"), {"q": "Aubag"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'role="option" data-insee="13005" data-label="Aubagne"' in html


def test_directory_resolves_the_commune_chosen_in_the_autocomplete(client, make_user, gps):
    login(client, make_user(Role.OSNP))
    response = client.get(DIRECTORY, {"commune": "Aubagne (INSEE 13005)", "radius_km": "5"})
    assert response.context["commune"].insee_code == "13005"
    assert [r["professional"].last_name for r in response.context["rows"]] == ["AUBAGNAIS"]


def test_directory_unknown_commune_message(client, make_user, gps):
    login(client, make_user(Role.OSNP))
    response = client.get(DIRECTORY, {"commune": "Zzzyx", "radius_km": "10"})
    assert "Aucune commune ne correspond à « Zzzyx »." in response.content.decode()


def test_professional_page(client, make_user, gps):
    near, _ = gps
    login(client, make_user(Role.OSNP))
    response = client.get(reverse("cpts:professional", args=[near.pk]))
    assert response.status_code == 200
    assert "Participe au SAS" in response.content.decode()
    login(client, make_user(Role.OSNP, territories=["84"]))
    assert client.get(reverse("cpts:professional", args=[near.pk])).status_code == 404


# --- Coordinator ----------------------------------------------------------------------------


@pytest.fixture
def coordination(make_user, sas13):
    cpts = StructureFactory(name="CPTS Étoile", communes=["13005", "13028"])
    return CoordinatorFactory(user=make_user(Role.COORDINATEUR_STRUCTURE), structure=cpts)


def test_coordinator_lands_on_their_cpts(client, coordination):
    login(client, coordination.user)
    response = client.get(reverse("cpts:my-structures"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cpts:structure", args=[coordination.structure.pk])
    html = response.content.decode()
    assert "84 329 habitants" in html.replace("\u202f", " ").replace("\xa0", " ")
    assert "taille 3" in html


def test_coordinator_adds_a_member_by_rpps(client, coordination):
    doctor = ProfessionalFactory()
    login(client, coordination.user)
    url = reverse("cpts:structure-member-add", args=[coordination.structure.pk])
    response = client.post(url, {"rpps": doctor.identifier, "start_date": "2024-01-01"})
    assert response.status_code == 302
    assert Membership.objects.filter(professional=doctor, structure=coordination.structure).exists()


def test_member_add_rejects_a_wrong_rpps_key(client, coordination):
    login(client, coordination.user)
    url = reverse("cpts:structure-member-add", args=[coordination.structure.pk])
    response = client.post(url, {"rpps": "10000000001", "start_date": "2024-01-01"})
    assert response.status_code == 400
    assert "clé de contrôle incorrecte" in response.content.decode()
    assert not Membership.objects.exists()


def test_other_coordinator_cannot_touch_members(client, coordination, make_user):
    other = CoordinatorFactory(user=make_user(Role.COORDINATEUR_STRUCTURE))
    membership = MembershipFactory(structure=coordination.structure)
    login(client, other.user)
    pk = coordination.structure.pk
    assert client.get(reverse("cpts:structure", args=[pk])).status_code == 404
    assert (
        client.post(
            reverse("cpts:structure-member-add", args=[pk]),
            {"rpps": valid_rpps(5), "start_date": "2024-01-01"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("cpts:structure-member-end", args=[pk, membership.pk]), {"end_date": "2024-06-30"}
        ).status_code
        == 404
    )
    membership.refresh_from_db()
    assert membership.end_date is None
    assert Membership.objects.count() == 1


def test_coordinator_ends_a_membership(client, coordination):
    membership = MembershipFactory(structure=coordination.structure, start_date=dt.date(2023, 1, 1))
    login(client, coordination.user)
    client.post(
        reverse("cpts:structure-member-end", args=[coordination.structure.pk, membership.pk]),
        {"end_date": "2024-06-30"},
    )
    membership.refresh_from_db()
    assert membership.end_date == dt.date(2024, 6, 30)


def test_coordinator_declares_for_member_only_with_consent(client, coordination):
    member = MembershipFactory(structure=coordination.structure).professional
    login(client, coordination.user)
    url = reverse("cpts:structure-participation-declare", args=[coordination.structure.pk])
    data = {
        "professional": member.pk,
        "mode": "cpts",
        "structure": coordination.structure.pk,
        "accepts_surnumeraire": "on",
        "visibility": "interfaced_agenda",
        "start_date": "2024-09-02",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Recueillez le consentement du médecin" in refused.content.decode()
    assert not SasParticipation.objects.exists()
    accepted = client.post(url, {**data, "consent": "on"})
    assert accepted.status_code == 302
    participation = SasParticipation.objects.get()
    assert (participation.structure, participation.accepts_surnumeraire) == (coordination.structure, True)
    assert participation.consent_recorded_at is not None


def test_regulator_sees_the_structure_contact_read_only(client, make_user, coordination):
    login(client, make_user(Role.OSNP))
    response = client.get(reverse("cpts:structure", args=[coordination.structure.pk]))
    assert response.status_code == 200
    assert response.context["can_manage"] is False
    assert (
        client.post(
            reverse("cpts:structure-contact", args=[coordination.structure.pk]), {"phone": "+33491000001"}
        ).status_code
        == 404
    )


# --- Doctor ---------------------------------------------------------------------------------


def test_doctor_declares_via_their_cpts(client, make_user, sas13):
    user = make_user(Role.EFFECTEUR)
    doctor = PracticePlaceFactory(professional__user=user).professional
    cpts = StructureFactory(name="CPTS Étoile")
    MembershipFactory(professional=doctor, structure=cpts)
    login(client, user)
    url = reverse("cpts:my-participation")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "mode": "cpts",
            "structure": cpts.pk,
            "visibility": "declared_availability",
            "start_date": "2024-09-02",
        },
    )
    assert response.status_code == 302
    participation = SasParticipation.objects.get(professional=doctor)
    assert (participation.mode, participation.structure, participation.declared_by) == ("cpts", cpts, user)
    assert participation.consent_recorded_at is None


def test_doctor_via_a_structure_without_membership_gets_a_french_error(client, make_user, sas13):
    user = make_user(Role.EFFECTEUR)
    PracticePlaceFactory(professional__user=user)
    login(client, user)
    response = client.post(
        reverse("cpts:my-participation"),
        {"mode": "cpts", "visibility": "interfaced_agenda", "start_date": "2024-09-02"},
    )
    assert response.status_code == 400
    assert "Choisissez la structure (CPTS)" in response.content.decode()
    assert not SasParticipation.objects.exists()


def test_effecteur_without_directory_entry_sees_what_to_do(client, make_user):
    login(client, make_user(Role.EFFECTEUR))
    response = client.get(reverse("cpts:my-participation"))
    assert "Compte non relié à l'annuaire" in response.content.decode()
