"""SAS participation (DOMAIN.md §4): declarations, history, effective status, memberships."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cpts import selectors, services
from cpts.enums import ParticipationMode, ParticipationStatus, VisibilityMode
from cpts.exceptions import MembershipConflict, ParticipationConflict, ParticipationError
from cpts.models import SasParticipation
from sas_platform.enums import Role
from sas_platform.models import AuditEvent, Commune, SasTerritory
from tests.cpts.factories import (
    MembershipFactory,
    ParticipationFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date


def _commune(code):
    return Commune.objects.get(insee_code=code)


def _declare(professional, actor, **kwargs):
    values = {
        "mode": ParticipationMode.INDIVIDUAL,
        "accepts_surnumeraire": True,
        "visibility": VisibilityMode.INTERFACED_AGENDA,
        "start_date": D(2024, 1, 1),
    }
    values.update(kwargs)
    return services.participation_declare(professional=professional, actor=actor, **values)


@pytest.fixture
def doctor(make_user):
    user = make_user(Role.EFFECTEUR)
    professional = ProfessionalFactory(user=user)
    PracticePlaceFactory(professional=professional)
    return professional


def test_doctor_declares_individually_and_participates(doctor, sas13):
    participation = _declare(doctor, doctor.user)
    assert participation.mode == ParticipationMode.INDIVIDUAL
    assert participation.consent_recorded_at is None
    assert participation.declared_by == doctor.user
    assert selectors.participation_on(professional=doctor, on=D(2024, 6, 1)) == participation
    assert selectors.participation_on(professional=doctor, on=D(2023, 12, 31)) is None
    assert (
        selectors.participation_status_on(professional=doctor, on=D(2024, 6, 1))
        == ParticipationStatus.PARTICIPATING
    )
    event = AuditEvent.objects.get(event_type="cpts.participation_declared")
    assert event.actor == doctor.user
    assert event.params["mode"] == "individual"


def test_no_participation_before_the_sas_opens(doctor, sas13):
    """DOMAIN.md §4 last sentence: the SAS 13 opened on 31/03/2022 (seed 004)."""
    _declare(doctor, doctor.user, start_date=D(2022, 1, 1))
    assert (
        selectors.participation_status_on(professional=doctor, on=D(2022, 3, 30))
        == ParticipationStatus.NOT_PARTICIPATING
    )
    assert (
        selectors.participation_status_on(professional=doctor, on=D(2022, 3, 31))
        == ParticipationStatus.PARTICIPATING
    )


def test_no_participation_without_any_sas(doctor):
    _declare(doctor, doctor.user)
    assert not SasTerritory.objects.exists()
    assert (
        selectors.participation_status_on(professional=doctor, on=D(2024, 6, 1))
        == ParticipationStatus.NOT_PARTICIPATING
    )
    assert not selectors.participating_professionals(on=D(2024, 6, 1)).exists()


def test_new_declaration_closes_the_open_one_the_day_before(doctor, sas13):
    first = _declare(doctor, doctor.user, start_date=D(2024, 1, 1))
    second = _declare(doctor, doctor.user, start_date=D(2024, 3, 1), accepts_surnumeraire=False)
    first.refresh_from_db()
    assert first.end_date == D(2024, 2, 29)
    assert second.end_date is None
    assert selectors.participation_on(professional=doctor, on=D(2024, 2, 29)) == first
    assert selectors.participation_on(professional=doctor, on=D(2024, 3, 1)) == second
    assert SasParticipation.objects.filter(professional=doctor).count() == 2


def test_same_day_declaration_replaces_the_open_one(doctor, sas13):
    first = _declare(doctor, doctor.user, start_date=D(2024, 1, 1))
    again = _declare(doctor, doctor.user, start_date=D(2024, 1, 1), accepts_surnumeraire=False)
    assert again.pk == first.pk
    assert again.accepts_surnumeraire is False
    assert SasParticipation.objects.filter(professional=doctor).count() == 1


def test_declaration_before_the_open_one_is_refused(doctor, sas13):
    _declare(doctor, doctor.user, start_date=D(2024, 3, 1))
    with pytest.raises(ParticipationConflict, match="commence le 01/03/2024"):
        _declare(doctor, doctor.user, start_date=D(2024, 2, 1))
    assert SasParticipation.objects.filter(professional=doctor).count() == 1


def test_declaration_via_cpts_needs_membership(doctor, sas13):
    cpts = StructureFactory(name="CPTS Marseille Centre")
    with pytest.raises(ParticipationError, match="n'est pas membre de « CPTS Marseille Centre »"):
        _declare(doctor, doctor.user, mode=ParticipationMode.CPTS, structure=cpts)
    assert not SasParticipation.objects.exists()
    MembershipFactory(professional=doctor, structure=cpts, start_date=D(2023, 6, 1))
    participation = _declare(doctor, doctor.user, mode=ParticipationMode.CPTS, structure=cpts)
    assert participation.structure == cpts


def test_structure_must_match_the_mode(doctor, sas13):
    msp = StructureFactory(msp=True, name="MSP du Panier")
    MembershipFactory(professional=doctor, structure=msp)
    with pytest.raises(ParticipationError, match="n'est pas une structure de type CPTS"):
        _declare(doctor, doctor.user, mode=ParticipationMode.CPTS, structure=msp)
    with pytest.raises(ParticipationError, match="Choisissez la structure"):
        _declare(doctor, doctor.user, mode=ParticipationMode.MSP)
    with pytest.raises(ParticipationError, match="individuel"):
        _declare(doctor, doctor.user, mode=ParticipationMode.INDIVIDUAL, structure=msp)
    assert not SasParticipation.objects.exists()


def test_coordinator_declaring_for_a_member_records_consent(doctor, sas13, make_user):
    cpts = StructureFactory()
    MembershipFactory(professional=doctor, structure=cpts)
    coordinator = make_user(Role.COORDINATEUR_STRUCTURE)
    with pytest.raises(ParticipationError, match="consentement"):
        _declare(doctor, coordinator, mode=ParticipationMode.CPTS, structure=cpts)
    consent = timezone.now()
    participation = _declare(
        doctor, coordinator, mode=ParticipationMode.CPTS, structure=cpts, consent_recorded_at=consent
    )
    assert participation.consent_recorded_at == consent
    assert participation.declared_by == coordinator


def test_only_doctors_declare(sas13, make_user):
    nurse = ProfessionalFactory(nurse=True, user=make_user(Role.EFFECTEUR))
    with pytest.raises(ParticipationError, match="Seuls les médecins"):
        _declare(nurse, nurse.user)


def test_close_participation(doctor, sas13):
    participation = _declare(doctor, doctor.user)
    with pytest.raises(ParticipationError):
        services.participation_close(participation=participation, end_date=D(2023, 12, 1), actor=doctor.user)
    services.participation_close(participation=participation, end_date=D(2024, 6, 30), actor=doctor.user)
    participation.refresh_from_db()
    assert participation.end_date == D(2024, 6, 30)
    assert (
        selectors.participation_status_on(professional=doctor, on=D(2024, 7, 1))
        == ParticipationStatus.NOT_PARTICIPATING
    )
    with pytest.raises(ParticipationConflict, match="déjà close"):
        services.participation_close(participation=participation, end_date=D(2024, 7, 30), actor=doctor.user)


def test_ending_membership_ends_participation_through_it(doctor, sas13, make_user):
    cpts = StructureFactory()
    membership = MembershipFactory(professional=doctor, structure=cpts)
    participation = _declare(doctor, doctor.user, mode=ParticipationMode.CPTS, structure=cpts)
    services.membership_end(membership=membership, end_date=D(2024, 5, 31), actor=None)
    participation.refresh_from_db()
    assert participation.end_date == D(2024, 5, 31)
    assert set(
        AuditEvent.objects.filter(event_type__startswith="cpts.").values_list("event_type", flat=True)
    ) == {
        "cpts.participation_declared",
        "cpts.membership_ended",
        "cpts.participation_closed",
    }


def test_membership_add_refuses_a_second_open_one(doctor):
    cpts = StructureFactory()
    services.membership_add(professional=doctor, structure=cpts, start_date=D(2024, 1, 1), actor=None)
    with pytest.raises(MembershipConflict, match="déjà membre"):
        services.membership_add(professional=doctor, structure=cpts, start_date=D(2024, 2, 1), actor=None)


def test_participating_professionals_filters(sas13):
    on = D(2024, 6, 1)
    yes = ParticipationFactory(surnumeraire=True).professional
    no_surnum = ParticipationFactory().professional
    ended = ParticipationFactory(end_date=D(2024, 1, 31)).professional
    elsewhere = ParticipationFactory().professional
    for prof in (yes, no_surnum, ended):
        PracticePlaceFactory(professional=prof)
    PracticePlaceFactory(professional=elsewhere, commune=_commune("84007"), postal_code="84000")
    assert set(selectors.participating_professionals(on=on)) == {yes, no_surnum}
    assert set(selectors.participating_professionals(on=on, accepts_surnumeraire=True)) == {yes}
    assert set(selectors.participating_professionals(on=on, departements={"84"})) == set()
    SasTerritory.objects.create(departement_id="84", name="SAS 84", opened_on=D(2024, 1, 1))
    assert set(selectors.participating_professionals(on=on, departements={"84"})) == {elsewhere}


def test_professionals_near_sorted_by_distance(sas13):
    on = D(2024, 6, 1)
    marseille = PracticePlaceFactory(commune=_commune("13201")).professional
    aix = PracticePlaceFactory(commune=_commune("13001"), postal_code="13090").professional
    arles = PracticePlaceFactory(commune=_commune("13004"), postal_code="13200").professional
    ParticipationFactory(professional=aix, surnumeraire=True)
    result = selectors.professionals_near(latitude=43.2965, longitude=5.3698, radius_km=40, on=on)
    assert [prof for prof, _, _ in result] == [marseille, aix]
    assert result[0][2] < 2
    assert 20 < result[1][2] < 30
    assert arles not in [prof for prof, _, _ in result]
    only = selectors.professionals_near(
        latitude=43.2965, longitude=5.3698, radius_km=40, on=on, accepts_surnumeraire=True
    )
    assert [prof for prof, _, _ in only] == [aix]


def test_professional_get_by_rpps_accepts_national_form():
    prof = ProfessionalFactory(identifier="10003384327")
    assert selectors.professional_get_by_rpps(rpps="10003384327") == prof
    assert selectors.professional_get_by_rpps(rpps="810003384327") == prof
    assert selectors.professional_get_by_rpps(rpps="123") is None
