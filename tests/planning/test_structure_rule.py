"""Coordinators see which of their structure's members meet the 2 h/week rule (issue 3, DOMAIN.md §4):
hours declared this week and the next three, the verdict of ``meets_two_hours_rule``; permission
matrix (anonymous, wrong role, another structure's coordinator, SAS administrator, the coordinator)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cpts.models import Membership, Structure, StructureCoordinator
from planning.enums import AvailabilityKind
from planning.models import AgendaSource, DeclaredAvailability
from planning.selectors import declared_hours_by_professional, declared_hours_per_week, meets_two_hours_rule
from sas_platform.enums import Role
from sas_platform.navigation import items_for
from tests.planning.factories import professional_with_place

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MONDAY = TODAY - timedelta(days=TODAY.weekday())


def _block(professional, weekday, start, end):
    return DeclaredAvailability.objects.create(
        professional=professional,
        kind=AvailabilityKind.WEEKLY,
        weekday=weekday,
        valid_from=MONDAY,
        start_time=start,
        end_time=end,
        modalities=["AMB"],
    )


@pytest.fixture
def cpts(db):
    structure = Structure.objects.create(kind="cpts", name="CPTS du Vieux-Port", departement_id="13")
    other = Structure.objects.create(kind="cpts", name="CPTS d'Aubagne", departement_id="13")
    assidue = professional_with_place("10000000401", last_name="Assidue")
    courte = professional_with_place("10000000402", last_name="Courte")
    partie = professional_with_place("10000000403", last_name="Partie")
    ailleurs = professional_with_place("10000000404", last_name="Ailleurs")
    interfacee = professional_with_place("10000000405", last_name="Interfacee")
    for professional in (assidue, courte, interfacee):
        Membership.objects.create(
            professional=professional, structure=structure, start_date=MONDAY - timedelta(days=30)
        )
    Membership.objects.create(
        professional=partie,
        structure=structure,
        start_date=MONDAY - timedelta(days=60),
        end_date=MONDAY - timedelta(days=10),
    )
    Membership.objects.create(professional=ailleurs, structure=other, start_date=MONDAY - timedelta(days=30))
    _block(assidue, 1, time(14, 0), time(15, 0))
    _block(assidue, 3, time(9, 0), time(10, 0))  # 2 h a week: meets the rule
    _block(courte, 2, time(14, 0), time(15, 30))  # 1.5 h: does not
    _block(partie, 0, time(8, 0), time(12, 0))
    AgendaSource.objects.create(name="editeur", label="Éditeur", rpps_list=["10000000405"])
    return {"structure": structure, "other": other, "assidue": assidue, "courte": courte}


def _coordinator(make_user, structure):
    user = make_user(Role.COORDINATEUR_STRUCTURE)
    StructureCoordinator.objects.create(user=user, structure=structure)
    return user


def test_batch_hours_agree_with_the_rule_per_professional(cpts):
    weeks = [MONDAY + timedelta(days=7 * n) for n in range(4)]
    ids = [cpts["assidue"].pk, cpts["courte"].pk]

    hours = declared_hours_by_professional(professional_ids=ids, week_starts=weeks)

    for professional in (cpts["assidue"], cpts["courte"]):
        for week, value in zip(weeks[1:], hours[professional.pk][1:], strict=True):
            assert value == declared_hours_per_week(professional=professional, week_start=week)
            assert (value >= 2) is meets_two_hours_rule(professional=professional, week_start=week)
    assert [str(v) for v in hours[cpts["assidue"].pk][1:]] == ["2.00"] * 3
    assert [str(v) for v in hours[cpts["courte"].pk][1:]] == ["1.50"] * 3


def test_coordinator_sees_current_members_hours_and_verdict(client, make_user, cpts):
    client.force_login(_coordinator(make_user, cpts["structure"]))

    response = client.get(reverse("planning-structure-rule", args=[cpts["structure"].pk]))

    assert response.status_code == 200
    rows = {row.professional.last_name: row for row in response.context["rows"]}
    assert sorted(rows) == ["Assidue", "Courte", "Interfacee"]  # the ended membership is not listed
    next_week = 1
    assert rows["Assidue"].weeks[next_week].meets is True
    assert str(rows["Assidue"].weeks[next_week].hours) == "2.00"
    assert rows["Courte"].weeks[next_week].meets is False
    assert rows["Interfacee"].interfaced is True and rows["Assidue"].interfaced is False
    for row in rows.values():
        for week in row.weeks:
            assert week.meets is (
                row.interfaced or meets_two_hours_rule(professional=row.professional, week_start=week.start)
            )
    html = response.content.decode()
    assert "Respectée" in html and "Non respectée" in html and "Agenda interfacé" in html
    assert "Ailleurs" not in html


def test_index_redirects_a_coordinator_of_one_structure_and_is_in_the_navigation(client, make_user, cpts):
    user = _coordinator(make_user, cpts["structure"])
    client.force_login(user)

    response = client.get(reverse("planning-structures"))

    assert response.status_code == 302
    assert response["Location"] == reverse("planning-structure-rule", args=[cpts["structure"].pk])
    assert "planning-structures" in {item["url_name"] for item in items_for(user)}
    StructureCoordinator.objects.create(user=user, structure=cpts["other"])
    html = client.get(reverse("planning-structures")).content.decode()
    assert "CPTS du Vieux-Port" in html and "CPTS d&#x27;Aubagne" in html


def test_navigation_entry_is_for_coordinators_only(make_user):
    assert "planning-structures" not in {item["url_name"] for item in items_for(make_user(Role.OSNP))}


def test_permissions(client, make_user, cpts):
    url = reverse("planning-structure-rule", args=[cpts["structure"].pk])

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(make_user(Role.EFFECTEUR))
    assert client.get(url).status_code == 403
    assert client.get(reverse("planning-structures")).status_code == 403
    client.force_login(_coordinator(make_user, cpts["other"]))  # another structure's coordinator
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.ADMIN_SAS, territories=["84"]))  # another territory
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.ADMIN_SAS))  # the structure's territory
    assert client.get(url).status_code == 200
    client.force_login(_coordinator(make_user, cpts["structure"]))
    assert client.get(url).status_code == 200
    assert client.get(reverse("planning-structure-rule", args=[999999])).status_code == 404


def test_only_doctors_count_and_an_interfaced_agenda_meets_condition_one(client, make_user, cpts):
    """Issue 9 point 7: the page said « 0 membres sur 148 »: nurses and pharmacists were counted
    and doctors with an interfaced agenda were « Non respectée » (DOMAIN.md §4)."""
    from cpts.models import Professional

    nurse = Professional.objects.create(
        identifier_type="8", identifier="10000000499", last_name="Infirmiere", profession_code="60"
    )
    Membership.objects.create(
        professional=nurse, structure=cpts["structure"], start_date=MONDAY - timedelta(days=3)
    )
    client.force_login(_coordinator(make_user, cpts["structure"]))
    response = client.get(reverse("planning-structure-rule", args=[cpts["structure"].pk]))
    rows = {row.professional.last_name: row for row in response.context["rows"]}
    assert sorted(rows) == ["Assidue", "Courte", "Interfacee"]  # the nurse is not a doctor
    assert rows["Interfacee"].weeks[0].meets is True
    assert rows["Interfacee"].reason == "Agenda en ligne interfacé : condition remplie par l'agenda."
    assert rows["Courte"].reason == "1,50 h déclarées, moins de 2 h, et pas d'agenda interfacé."
    html = response.content.decode()
    meets_now = 1 + (
        1 if rows["Assidue"].weeks[0].meets else 0
    )  # Interfacee, and Assidue if its days are left
    assert f"{meets_now} médecin" in html and "sur 3</strong>" in html
    assert "1 autre membre (infirmiers, pharmaciens…) non compté" in html
    assert "Infirmiere" not in html


def test_structure_rule_selector_takes_ids(cpts):
    from planning.selectors import structure_rule

    rule = structure_rule(structure_id=cpts["structure"].pk, on=MONDAY)
    assert [row.professional.last_name for row in rule.rows] == ["Assidue", "Courte", "Interfacee"]
    assert rule.meeting_now == 2  # Assidue (2 h on Monday's week) and Interfacee (agenda)
