"""Issue 9 point 4: the demo editor names a doctor as the platform's demo directory does (one source)."""

from __future__ import annotations

import random

import pytest

from cpts.demo import demo_rpps, seed_cpts_demo
from cpts.models import Professional
from demo_editor import agenda
from demo_editor.people import DEMO_EFFECTEUR_NAME, demo_person_name


def test_one_name_per_rpps_whatever_the_caller():
    assert demo_person_name(demo_rpps(1)) == DEMO_EFFECTEUR_NAME
    assert demo_person_name("10130000028") == demo_person_name("10130000028")
    names = {demo_person_name(demo_rpps(n)) for n in range(2, 60)}
    assert len(names) > 30  # varied, not one name for all


@pytest.mark.django_db
def test_editor_practitioner_is_the_platform_professional(settings):
    settings.DEMO_SCALE = 0.02
    seed_cpts_demo(random.Random(20260401))
    doctors = list(Professional.objects.filter(identifier__startswith="1013", profession_code="10"))
    assert len(doctors) >= 20
    for doctor in doctors:
        prof = agenda.profile(doctor.identifier)
        assert (prof.family.upper(), prof.given) == (doctor.last_name, doctor.first_name), doctor.identifier
        # The editor's FHIR Practitioner carries the same name.
        practitioner = next(
            r for r in agenda._doctor_resources(doctor.identifier) if r["resourceType"] == "Practitioner"
        )
        assert practitioner["name"] == [{"family": doctor.last_name, "given": [doctor.first_name]}]
