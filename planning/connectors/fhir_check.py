"""A cheap structural check of a SAS IG Slot (FHIR R4 types and formats of the elements the guide
uses), so that the full ``fhir.resources`` validation runs only for the slots it doubts.

Pure functions. Formats from http://hl7.org/fhir/R4/datatypes.html; used by ``fhir_parse``.
"""

from __future__ import annotations

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


def _is_string(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_coding(value) -> bool:
    return (
        isinstance(value, dict)
        and value.keys() <= {"system", "code", "display"}
        and all(_is_string(v) for v in value.values())
        and _URI.fullmatch(value.get("system", "")) is not None
        and ("code" not in value or _CODE.fullmatch(value["code"]) is not None)
    )


def _is_concept(value) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and value.keys() <= {"coding", "text"}
        and ("text" not in value or _is_string(value["text"]))
        and (
            "coding" not in value
            or (
                isinstance(value["coding"], list)
                and bool(value["coding"])
                and all(map(_is_coding, value["coding"]))
            )
        )
    )


def is_plain_slot(raw: dict) -> bool:
    """A cheap structural check of the elements a SAS IG Slot usually carries, each with its FHIR
    R4 type and format. True: the resource is valid FHIR R4 as it is (nothing else present), so the
    full ``fhir.resources`` validation (about 1 ms a slot) is skipped. False: anything else, or
    anything doubtful (an extension, a narrative, a wrong type): the full validation decides and
    gives the reason of a rejection."""
    if not raw.keys() <= _SLOT_KEYS or not all(
        k in raw for k in ("id", "schedule", "status", "start", "end")
    ):
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
        and schedule.keys() <= {"reference", "display"}
        and _is_string(schedule.get("reference"))
        and ("comment" not in raw or _is_string(raw["comment"]))
        and isinstance(meta, dict)
        and meta.keys() <= {"profile", "security"}
        and all(
            isinstance(meta.get(key, []), list) and bool(meta.get(key, [None]))
            for key in ("profile", "security")
        )
        and all(_is_string(p) and _URI.fullmatch(p) is not None for p in meta.get("profile", []))
        and all(map(_is_coding, meta.get("security", [])))
        and all(
            isinstance(raw.get(key, []), list)
            and bool(raw.get(key, [None]))
            and all(map(_is_concept, raw.get(key, [])))
            for key in ("serviceType", "specialty")
        )
        and ("appointmentType" not in raw or _is_concept(raw["appointmentType"]))
    )
