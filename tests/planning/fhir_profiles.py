"""Validation of our bundles against the SAS guide's StructureDefinitions (issue 14).

No Python library validates against FHIR profiles offline (the HL7 validator and Firely's are Java
and .NET; ``fhir.resources`` checks the base R4/R4B datatypes and cardinalities only). So:

1. ``fhir.resources.R4B`` parses the Bundle (base FHIR structure, types, required elements);
2. :func:`profile_violations` reads each profile's ``differential`` (the guide's
   ``profiles/StructureDefinition-*.json``, copied with their differential only in
   ``tests/fixtures/sas-ig/profiles/``) and checks what can be read without a terminology server:
   ``min``/``max`` of each element (per instance of its parent), ``patternCodeableConcept`` and
   ``fixedCode``. Not checked: slices (``Slot.serviceType:TypeConsultation``: their discriminator
   is in the French base profiles), the base profiles themselves (``interopsante.org``, not
   shipped), bindings to the NOS value sets.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

# Copies of the guide's ``profiles/StructureDefinition-*.json`` (like the examples beside them).
PROFILES = Path(__file__).resolve().parents[1] / "fixtures" / "sas-ig" / "profiles"

PROFILE_FILES = {
    "http://sas.fr/fhir/StructureDefinition/BundleAgregateur": "StructureDefinition-BundleAgregateur.json",
    "http://sas.fr/fhir/StructureDefinition/FrSlotAgregateur": "StructureDefinition-FrSlotAgregateur.json",
    "http://sas.fr/fhir/StructureDefinition/FrScheduleAgregateur": "StructureDefinition-FrScheduleAgregateur.json",
    "http://sas.fr/fhir/StructureDefinition/FrPractitionerAgregateur": "StructureDefinition-FrPractitionerAgregateur.json",
    "http://sas.fr/fhir/StructureDefinition/FrPractitionerRoleExerciceAgregateur": (
        "StructureDefinition-FrPractitionerRoleExerciceAgregateur.json"
    ),
    "http://sas.fr/fhir/StructureDefinition/FrLocationAgregateur": "StructureDefinition-FrLocationAgregateur.json",
}


@cache
def _differential(url: str) -> list[dict]:
    return json.loads((PROFILES / PROFILE_FILES[url]).read_text())["differential"]["element"]


def _children(values: list, name: str) -> list:
    found = []
    for value in values:
        if isinstance(value, dict) and name in value:
            child = value[name]
            found.extend(child if isinstance(child, list) else [child])
    return found


def _count_in(parent, name: str) -> int:
    if not isinstance(parent, dict) or name not in parent:
        return 0
    child = parent[name]
    return len(child) if isinstance(child, list) else 1


def _contains(value, pattern) -> bool:
    """FHIR pattern semantics: every element of the pattern is present in the value."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(_contains(value.get(k), v) for k, v in pattern.items())
    if isinstance(pattern, list):
        items = value if isinstance(value, list) else []
        return all(any(_contains(item, p) for item in items) for p in pattern)
    return value == pattern


def _parents(resource: dict, segments: list[str]) -> list:
    values = [resource]
    for segment in segments:
        name, _, _slice = segment.partition(":")
        values = _children(values, name)
    return values


def profile_violations(resource: dict, url: str) -> list[str]:
    """What ``resource`` breaks of the profile ``url``'s differential (empty list: conforms)."""
    problems = []
    for element in _differential(url):
        segments = element["id"].split(".")[1:]
        if not segments or any(":" in s for s in segments):
            continue  # the root, or a slice (its discriminator needs the base profile)
        parents, name = _parents(resource, segments[:-1]), segments[-1]
        for parent in parents:
            count = _count_in(parent, name)
            if count < element.get("min", 0):
                problems.append(f"{element['id']} : {count} < min {element['min']}")
            maximum = element.get("max", "*")
            if maximum != "*" and count > int(maximum):
                problems.append(f"{element['id']} : {count} > max {maximum}")
        values = _children(parents, name)
        if "patternCodeableConcept" in element:
            problems += [
                f"{element['id']} : {v} ne suit pas le motif"
                for v in values
                if not _contains(v, element["patternCodeableConcept"])
            ]
        if "fixedCode" in element:
            problems += [
                f"{element['id']} : {v} ≠ {element['fixedCode']}" for v in values if v != element["fixedCode"]
            ]
    return problems


def valid_bundle(bundle: dict) -> None:
    """Base FHIR (``fhir.resources`` R4B) and the guide's profiles (:func:`bundle_violations`)."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)
    assert bundle_violations(bundle) == []


def bundle_violations(bundle: dict) -> list[str]:
    """The Bundle and every resource in it (and contained) against the profiles they claim."""
    problems = []

    def check(resource: dict, where: str) -> None:
        for url in resource.get("meta", {}).get("profile", []):
            if url not in PROFILE_FILES:
                problems.append(f"{where} : profil inconnu {url}")
                continue
            problems.extend(f"{where} : {p}" for p in profile_violations(resource, url))
        for contained in resource.get("contained", []):
            check(contained, f"{where}/#{contained.get('id')}")

    check(bundle, "Bundle")
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        check(resource, f"{resource['resourceType']}/{resource.get('id')}")
    return problems
