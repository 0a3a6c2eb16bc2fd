"""Parsing the official SAS IG example bundles, resource by resource (pure functions)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from planning.connectors import fhir_check
from planning.connectors.fhir_parse import BundleError, content_hashes, parse_searchset
from tests.planning.conftest import ig_bundle


def test_ps_individual_example_gives_four_slots_with_every_field():
    result = parse_searchset(ig_bundle("PSIndiv"))

    assert result.rejections == []
    slots = {slot.external_id: slot for slot in result.slots}
    assert sorted(slots) == [
        "ExampleSlotPSIndiv1",
        "ExampleSlotPSIndiv2",
        "ExampleSlotPSIndiv3",
        "ExampleSlotPSIndiv4",
    ]
    first = slots["ExampleSlotPSIndiv1"]
    assert first.national_id == "810100050075"
    assert (first.start, first.end) == (
        datetime(2021, 11, 5, 9, tzinfo=UTC),
        datetime(2021, 11, 5, 9, 30, tzinfo=UTC),
    )
    assert first.slot_types == ("PUBLIC",)
    assert first.modalities == ("AMB", "VR")
    assert first.specialty_codes == ("SM54", "SM05")
    assert first.reasons == ("Visite de contrôle",)
    assert first.bookable is True
    assert first.booking_url == "https://exemple.com/rdv/com/"
    assert first.address == "1 rue Mme DELMAS 47000 AGEN"
    assert first.organization_id == "1810004421"
    walk_in = slots["ExampleSlotPSIndiv2"]
    assert (walk_in.slot_types, walk_in.bookable, walk_in.booking_url) == (("PRO",), False, "")
    assert walk_in.organization_id == "1810004956"
    assert slots["ExampleSlotPSIndiv3"].modalities == ("VR",)
    assert slots["ExampleSlotPSIndiv4"].modalities == ("HH",)
    assert slots["ExampleSlotPSIndiv4"].specialty_codes == ("SM41", "SM54")
    assert slots["ExampleSlotPSIndiv4"].national_id == "810002673899"


def test_cpts_examples_resolve_healthcare_service_to_organization():
    one = parse_searchset(ig_bundle("CPTS1")).slots
    two = parse_searchset(ig_bundle("CPTS2")).slots

    assert [s.slot_types for s in one] == [("PUBLIC", "CPTS")]
    assert one[0].structures == (
        {"identifier": "1950047225", "name": "CPTS AXE MAJEUR", "phone": "+33102030405"},
    )
    assert [s["name"] for s in two[0].structures] == ["CPTS AXE MAJEUR", "CPTS VAL D OISE CENTRE"]
    assert two[0].national_id == "810002909371"


def test_sos_example_is_rejected_with_its_reason():
    result = parse_searchset(ig_bundle("AgregateurSOS"))

    assert result.slots == []
    assert {r.reason for r in result.rejections} == {
        "Créneau d'un lieu fixe de consultation (SOS Médecins) : non pris en charge."
    }
    assert len(result.rejections) == 4


def test_one_malformed_slot_is_rejected_and_the_rest_kept():
    bundle = ig_bundle("PSIndiv")
    bundle["entry"][0]["resource"]["start"] = "le 5 novembre"

    result = parse_searchset(bundle)

    assert len(result.slots) == 3
    assert [r.resource for r in result.rejections] == ["Slot/ExampleSlotPSIndiv1"]
    assert result.rejections[0].reason.startswith("Ressource invalide (start")


def test_dangling_reference_duplicate_and_out_of_window_are_rejected():
    bundle = ig_bundle("PSIndiv")
    slots = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot"]
    slots[0]["resource"]["schedule"]["reference"] = "Schedule/absent"
    bundle["entry"].append(copy.deepcopy(slots[1]))

    result = parse_searchset(
        bundle, window_start=datetime(2021, 11, 5, tzinfo=UTC), window_end=datetime(2021, 11, 6, tzinfo=UTC)
    )

    assert [s.external_id for s in result.slots] == ["ExampleSlotPSIndiv2"]
    assert sorted((r.resource, r.reason) for r in result.rejections) == [
        ("Slot/ExampleSlotPSIndiv1", "Référence introuvable dans la réponse : Schedule/absent."),
        ("Slot/ExampleSlotPSIndiv2", "Créneau en double dans la réponse (même identifiant)."),
        ("Slot/ExampleSlotPSIndiv3", "Hors de la fenêtre demandée."),
        ("Slot/ExampleSlotPSIndiv4", "Hors de la fenêtre demandée."),
    ]


def test_unchanged_slots_are_recognised_by_their_content_hash():
    bundle = ig_bundle("PSIndiv")
    hashes = content_hashes(bundle)

    again = parse_searchset(bundle, known_hashes=hashes)

    assert again.slots == [] and len(again.unchanged_ids) == 4
    bundle["entry"][0]["resource"]["end"] = "2021-11-05T09:45:00.000+00:00"
    changed = parse_searchset(bundle, known_hashes=hashes)
    assert [s.external_id for s in changed.slots] == ["ExampleSlotPSIndiv1"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "La réponse n'est pas un Bundle FHIR."),
        ({"resourceType": "OperationOutcome"}, "La réponse n'est pas un Bundle FHIR."),
        (
            {"resourceType": "Bundle", "type": "collection"},
            "Bundle de type « collection » au lieu de « searchset ».",
        ),
    ],
)
def test_not_a_searchset_bundle_fails_the_page(payload, message):
    with pytest.raises(BundleError, match=message):
        parse_searchset(payload)


# --- The fast structural check (full fhir.resources validation only when it doubts) ---------------
def _demo_bundle():
    from datetime import timedelta

    from demo_editor.agenda import PARIS, free_slots, searchset

    now = datetime(2026, 11, 23, 8, 0, tzinfo=PARIS)
    slots = free_slots("10000000501", now, now + timedelta(days=3), now=now)
    return searchset(slots, base_url="http://x/fhir", booking_base="http://x", self_url="http://x/fhir/Slot")


def test_plain_slots_skip_the_full_validation_and_parse_the_same(monkeypatch):
    bundle = _demo_bundle()
    raw_slots = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot"]
    assert raw_slots and all(fhir_check.is_plain_slot(raw) for raw in raw_slots)
    fast = parse_searchset(bundle)
    monkeypatch.setattr(fhir_check, "is_plain_slot", lambda raw: False)
    full = parse_searchset(bundle)

    assert fast.slots == full.slots and fast.rejections == full.rejections == []


def test_ig_examples_parse_the_same_with_the_full_validation(monkeypatch):
    names = ("PSIndiv", "CPTS1", "CPTS2", "AgregateurSOS")
    fast = [parse_searchset(ig_bundle(name)) for name in names]
    monkeypatch.setattr(fhir_check, "is_plain_slot", lambda raw: False)
    full = [parse_searchset(ig_bundle(name)) for name in names]
    assert [(r.slots, r.rejections) for r in fast] == [(r.slots, r.rejections) for r in full]


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("start", "2026-11-23T09:00:00", "start"),  # no time zone: not a FHIR instant
        ("start", "2026-11-23", "start"),
        ("end", 1700000000, "Début ou fin sans fuseau horaire."),  # pydantic coerces it; refused here
        ("status", "libre", "Statut « libre » : seuls les créneaux libres sont agrégés."),
        ("id", "un id avec des espaces", "id"),
        ("meta", {"security": [{"system": "x", "code": 5}]}, "meta"),
        ("serviceType", [{"coding": "AMB"}], "serviceType"),
        ("specialty", {"coding": [{"code": "SM54"}]}, "specialty"),
        ("appointmentType", {"coding": [{"code": ""}]}, "appointmentType"),
        ("comment", "", "comment"),
        ("schedule", "Schedule/agenda", "schedule"),
        ("inconnu", True, "inconnu"),
    ],
)
def test_malformed_slots_are_still_rejected_with_their_reason(field, value, where):
    bundle = _demo_bundle()
    first = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot")
    first[field] = value

    result = parse_searchset(bundle)

    rejected = [r for r in result.rejections if r.resource.startswith("Slot/")]
    assert len(rejected) == 1, result.rejections
    expected = where if " " in where else f"Ressource invalide ({where}"
    assert rejected[0].reason.startswith(expected), rejected[0].reason
    assert len(result.slots) == sum(1 for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot") - 1


def test_slots_sharing_a_schedule_keep_their_own_content_hash():
    """The digests of a Schedule's resources are cached per bundle: only the slot part may differ."""
    bundle = _demo_bundle()
    first, second = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Slot"][:2]
    assert first["schedule"] == second["schedule"]
    twin = copy.deepcopy(first)
    twin["id"] = "jumeau"
    bundle["entry"].append({"resource": twin})

    hashes = {s.external_id: s.raw_hash for s in parse_searchset(bundle).slots}

    assert len(set(hashes.values())) == len(hashes)  # the twin differs from `first` by its id only
    assert hashes == content_hashes(bundle)
    schedule = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Schedule")
    schedule["comment"] = "changé"
    changed = content_hashes(bundle)
    assert all(changed[slot_id] != hashes[slot_id] for slot_id in hashes)


def test_the_coding_check_is_memoised_without_confusing_values():
    """A coding checked once is not taken for another with equal-looking values."""
    plain = {"system": "http://x", "code": "AMB"}
    assert fhir_check._is_coding(plain) and fhir_check._is_coding(dict(plain))
    assert not fhir_check._is_coding({"system": "http://x", "code": ["AMB"]})  # unhashable
    assert not fhir_check._is_coding({"system": "http://x", "code": 1})
    assert not fhir_check._is_coding({"system": "http://x", "code": True})
    assert not fhir_check._is_coding({"system": "http://x", "code": "A  B"})
    assert not fhir_check._is_coding({"system": "http://x", "code": "AMB", "version": "1"})
