"""Factories of `cpts` (factory-boy), with traits for the usual shapes."""

from __future__ import annotations

import datetime as dt

import factory
from stdnum import luhn

from cpts.enums import (
    ExerciseMode,
    IdentifierType,
    ParticipationMode,
    StructureKind,
    VisibilityMode,
)
from cpts.models import (
    Membership,
    PracticePlace,
    Professional,
    SasParticipation,
    Structure,
    StructureCoordinator,
)
from sas_platform.geo import search_key
from sas_platform.models import Commune, Departement
from tests.factories import UserFactory


def valid_rpps(n: int) -> str:
    """An 11-digit RPPS with a right Luhn key, from a sequence number."""
    body = f"1{n:09d}"
    return body + luhn.calc_check_digit(body)


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    identifier_type = IdentifierType.RPPS
    identifier = factory.Sequence(lambda n: valid_rpps(900_000 + n))
    civility = "Dr"
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    profession_code = "10"
    profession_label = "Médecin"
    specialty_code = "SM54"
    specialty_label = "Médecine générale"
    search_name = factory.LazyAttribute(lambda o: search_key(f"{o.last_name} {o.first_name}"))

    class Params:
        nurse = factory.Trait(
            civility="",
            profession_code="60",
            profession_label="Infirmier",
            specialty_code="",
            specialty_label="",
        )
        adeli = factory.Trait(
            identifier_type=IdentifierType.ADELI, identifier=factory.Sequence(lambda n: f"13{n:07d}")
        )
        with_account = factory.Trait(user=factory.SubFactory(UserFactory))


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    kind = StructureKind.CPTS
    name = factory.Sequence(lambda n: f"Structure {n}")
    departement = factory.LazyFunction(lambda: Departement.objects.get(code="13"))
    phone = "+33491000000"
    email = factory.Sequence(lambda n: f"structure{n}@exemple.fr")

    class Params:
        msp = factory.Trait(kind=StructureKind.MSP, name=factory.Sequence(lambda n: f"MSP {n}"))
        cds = factory.Trait(kind=StructureKind.CDS, name=factory.Sequence(lambda n: f"Centre de santé {n}"))
        sos = factory.Trait(kind=StructureKind.SOS, name=factory.Sequence(lambda n: f"SOS Médecins {n}"))

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.territory_communes.set(Commune.objects.filter(insee_code__in=extracted))


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StructureCoordinator

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)


class PracticePlaceFactory(factory.django.DjangoModelFactory):
    """A place in Marseille 1er by default; ``commune=...`` moves it (coordinates follow)."""

    class Meta:
        model = PracticePlace

    professional = factory.SubFactory(ProfessionalFactory)
    source_key = factory.Sequence(lambda n: f"test:{n}")
    name = "Cabinet médical"
    address = "1 rue de la République"
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee_code="13201"))
    postal_code = "13001"
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude if o.commune else None)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude if o.commune else None)
    phone = "+33491112233"
    exercise_mode = ExerciseMode.LIBERAL


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    professional = factory.SubFactory(ProfessionalFactory)
    structure = factory.SubFactory(StructureFactory)
    start_date = dt.date(2023, 1, 1)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SasParticipation

    professional = factory.SubFactory(ProfessionalFactory)
    mode = ParticipationMode.INDIVIDUAL
    structure = None
    accepts_surnumeraire = False
    visibility = VisibilityMode.INTERFACED_AGENDA
    start_date = dt.date(2023, 1, 1)

    class Params:
        surnumeraire = factory.Trait(accepts_surnumeraire=True)
        declared = factory.Trait(visibility=VisibilityMode.DECLARED_AVAILABILITY)
