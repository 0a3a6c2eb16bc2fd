"""Annuaire Santé FHIR importer, on the official examples of the ANS SAS IG."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cpts.enums import DataSource, StructureKind
from cpts.exceptions import ImportFileError
from cpts.imports import fhir_import
from cpts.models import PracticePlace, Professional, Structure

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "sas-ig" / "examples"


def bundle_of(tmp_path: Path, pattern: str, extra: list[dict] | None = None) -> Path:
    """A Bundle made of the IG's individual example files matching ``pattern``."""
    resources = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob(pattern))]
    path = tmp_path / "bundle.json"
    entries = [{"resource": r} for r in [*resources, *(extra or [])]]
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))
    return path


def test_ig_bundle_psindiv():
    stats = fhir_import(path=EXAMPLES / "Bundle-ExampleBundlePSIndiv.json")
    assert stats.summary() == {"read": 5, "created": 5, "updated": 0, "unchanged": 0, "rejected": 0}
    thomas = Professional.objects.get(identifier="10100050075")
    assert (thomas.last_name, thomas.first_name, thomas.identifier_type) == ("THOMAS", "Sébastien", "8")
    assert thomas.identifier_key_valid is False  # the IG's example keys are wrong: kept and flagged
    assert thomas.source == DataSource.FHIR
    places = PracticePlace.objects.filter(professional=thomas).order_by("address")
    assert [(p.address, p.postal_code, p.commune_id, p.finess) for p in places] == [
        ("1 rue Mme DELMAS", "47000", "47001", "810004421"),
        ("30 rue Mme DELMAS", "47000", "47001", "810004956"),
    ]
    assert all(p.latitude is not None for p in places)  # geolocated from postal code + city (Agen)
    marcel = Professional.objects.get(identifier="10002673899")
    assert PracticePlace.objects.get(professional=marcel).phone == "+33658913859"


def test_ig_bundle_cpts_then_rerun_is_idempotent():
    stats = fhir_import(path=EXAMPLES / "Bundle-ExampleBundleCPTS1.json")
    assert stats.summary() == {"read": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    cpts = Structure.objects.get(finess="950047225")
    assert (cpts.kind, cpts.name, cpts.phone, cpts.departement_id) == (
        StructureKind.CPTS,
        "CPTS AXE MAJEUR",
        "+33102030405",
        "95",
    )
    foret = Professional.objects.get(identifier="10002909371")
    assert foret.identifier_key_valid is True
    place = PracticePlace.objects.get(professional=foret)
    assert (place.rpps_rang, place.commune_id, place.phone) == ("12345678912345", "31032", "+33561855977")
    again = fhir_import(path=EXAMPLES / "Bundle-ExampleBundleCPTS1.json")
    assert again.summary() == {"read": 3, "created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    second = fhir_import(path=EXAMPLES / "Bundle-ExampleBundleCPTS2.json")
    assert second.summary() == {"read": 4, "created": 1, "updated": 0, "unchanged": 3, "rejected": 0}


def test_ig_sos_organizations_without_address_are_kept():
    stats = fhir_import(path=EXAMPLES / "Bundle-ExampleBundleAgregateurSOS.json")
    assert stats.summary() == {"read": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    rennes = Structure.objects.get(siret="34173748400020")
    assert (rennes.kind, rennes.name, rennes.departement_id) == (
        StructureKind.SOS,
        "SOS Médecins de Rennes",
        None,
    )


def test_practitioner_examples_with_duplicates_and_bad_identifiers(tmp_path):
    stats = fhir_import(path=bundle_of(tmp_path, "Practitioner-*.json"))
    # 7 files: Regul1 "3456780581/11242343" malformed, Regul3 repeats Regul2's RPPS (and
    # Practitioner3's), Regul4 has no national identifier.
    assert stats.summary() == {"read": 7, "created": 3, "updated": 0, "unchanged": 0, "rejected": 4}
    reasons = [r["reason"] for r in stats.rejections]
    assert reasons == [
        "Practitioner/ExamplePractitionerRegul1 : identifiant national « 3456780581/11242343 » mal formé "
        "(8 + RPPS ou 0 + ADELI attendu)",
        "Practitioner/ExamplePractitionerRegul2 : identifiant 810002673899 en double : déjà lu à l'entrée 3",
        "Practitioner/ExamplePractitionerRegul3 : identifiant 810002673899 en double : déjà lu à l'entrée 3",
        "Practitioner/ExamplePractitionerRegul4 : aucun identifiant national (RPPS ou ADELI)",
    ]


def test_one_bad_resource_does_not_sink_the_bundle(tmp_path):
    broken = {"resourceType": "Practitioner", "id": "broken", "name": "pas une liste"}
    orphan = {
        "resourceType": "PractitionerRole",
        "id": "orphan",
        "practitioner": {"reference": "Practitioner/nope"},
    }
    path = bundle_of(tmp_path, "Practitioner-ExamplePractitioner.json", extra=[broken, orphan])
    stats = fhir_import(path=path)
    assert stats.summary() == {"read": 3, "created": 1, "updated": 0, "unchanged": 0, "rejected": 2}
    assert stats.rejections[0]["line"] == 2
    assert stats.rejections[0]["reason"].startswith("Practitioner/broken invalide : name")
    assert stats.rejections[1] == {
        "line": 3,
        "reason": "PractitionerRole/orphan : praticien « Practitioner/nope » absent du fichier",
    }
    assert Professional.objects.count() == 1


def test_not_json_imports_nothing(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("")
    with pytest.raises(ImportFileError, match="aucune ressource"):
        fhir_import(path=path)


def test_command_summary(tmp_path):
    out = StringIO()
    call_command(
        "import_annuaire_fhir",
        str(EXAMPLES / "Bundle-ExampleBundlePSIndiv.json"),
        stdout=out,
        stderr=StringIO(),
    )
    assert json.loads(out.getvalue().strip().splitlines()[-1])["created"] == 5
