"""A cheap structural check of a SAS IG Slot (FHIR R4 types and formats of the elements the guide
uses), so that the full ``fhir.resources`` validation runs only for the slots it doubts.

Pure functions. Formats from http://hl7.org/fhir/R4/datatypes.html; used by ``fhir_parse``.
"""

from __future__ import annotations

import functools
import re

SLOT_STATUSES = frozenset({"busy", "free", "busy-unavailable", "busy-tentative", "entered-in-error"})
#: FHIR R4 primitive formats (http://hl7.org/fhir/R4/datatypes.html).
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_INSTANT = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)
_CODE = re.compile(r"[^\s]+( [^\s]+)*")
_URI = re.compile(r"\S*")
_SLOT_KEYS = frozenset(
    {"resourceType", "id", "meta", "serviceType", "specialty", "appointmentType", "schedule", "status"}
    | {"start", "end", "comment"}
)


_REQUIRED_KEYS = frozenset({"id", "schedule", "status", "start", "end"})
_CODING_KEYS = frozenset({"system", "code", "display"})
_CONCEPT_KEYS = frozenset({"coding", "text"})
_REFERENCE_KEYS = frozenset({"reference", "display"})
_META_KEYS = frozenset({"profile", "security"})


def _is_string(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_uri(value) -> bool:
    return _is_string(value) and _URI.fullmatch(value) is not None


def _is_optional_list(container: dict, key: str, check) -> bool:
    """An optional repeating element: absent, or a non-empty list (FHIR forbids empty arrays)
    whose items all pass ``check``."""
    if key not in container:
        return True
    items = container[key]
    return isinstance(items, list) and bool(items) and all(map(check, items))


def _is_coding(value) -> bool:
    """A Coding with only ``system`` (uri), ``code`` (code) and ``display`` (string), all non-blank.

    The same few codings come back in every slot, so the check of a coding's items is memoised
    (:func:`_is_coding_items`); a coding with an unhashable value (a list, an object) has a value
    that is not a string, so it is not a plain Coding."""
    if not isinstance(value, dict):
        return False
    items = tuple(value.items())
    try:
        hash(items)
    except TypeError:
        return False
    return _is_coding_items(items)


@functools.lru_cache(maxsize=1024)
def _is_coding_items(items: tuple) -> bool:
    """:func:`_is_coding` of the dict with these (hashable) items. Memoising is exact: only equal
    strings are equal to a string, and any other value fails the check."""
    coding = dict(items)
    if not coding.keys() <= _CODING_KEYS or not all(_is_string(item) for item in coding.values()):
        return False
    system, code = coding.get("system"), coding.get("code")  # None only when absent
    return (system is None or _URI.fullmatch(system) is not None) and (
        code is None or _CODE.fullmatch(code) is not None
    )


def _is_concept(value) -> bool:
    """A non-empty CodeableConcept with only ``coding`` (a non-empty list of Codings) and ``text``."""
    if not isinstance(value, dict) or not value or not value.keys() <= _CONCEPT_KEYS:
        return False
    if "text" in value and not _is_string(value["text"]):
        return False
    return _is_optional_list(value, "coding", _is_coding)


def is_plain_slot(raw: dict) -> bool:
    """A cheap structural check of the elements a SAS IG Slot usually carries, each with its FHIR
    R4 type and format. True: the resource is valid FHIR R4 as it is (nothing else present), so the
    full ``fhir.resources`` validation (about 1 ms a slot) is skipped. False: anything else, or
    anything doubtful (an extension, a narrative, a wrong type): the full validation decides and
    gives the reason of a rejection."""
    if not raw.keys() <= _SLOT_KEYS or not raw.keys() >= _REQUIRED_KEYS:
        return False
    meta = raw.get("meta", {})
    schedule = raw["schedule"]
    return (
        isinstance(raw["id"], str)
        and _ID.fullmatch(raw["id"]) is not None
        and raw["status"] in SLOT_STATUSES
        and isinstance(raw["start"], str)
        and _INSTANT.fullmatch(raw["start"]) is not None
        and isinstance(raw["end"], str)
        and _INSTANT.fullmatch(raw["end"]) is not None
        and isinstance(schedule, dict)
        and schedule.keys() <= _REFERENCE_KEYS
        and _is_string(schedule.get("reference"))
        and ("comment" not in raw or _is_string(raw["comment"]))
        and isinstance(meta, dict)
        and meta.keys() <= _META_KEYS
        and _is_optional_list(meta, "profile", _is_uri)
        and _is_optional_list(meta, "security", _is_coding)
        and _is_optional_list(raw, "serviceType", _is_concept)
        and _is_optional_list(raw, "specialty", _is_concept)
        and ("appointmentType" not in raw or _is_concept(raw["appointmentType"]))
    )
