"""Factories of the shared kernel (factory-boy)."""

from __future__ import annotations

import factory

from sas_platform.models import User
from sas_platform.services import user_set_roles, user_set_territories

DEFAULT_PASSWORD = "mot-de-passe-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            user_set_roles(user=self, roles=extracted, actor=None)

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create and extracted:
            user_set_territories(user=self, territories=extracted, actor=None)
