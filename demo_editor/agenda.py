"""Deterministic, realistic agendas for any RPPS, and SAS IG searchset bundles built from them.

Standard library only. Every doctor's agenda derives from a hash of their RPPS: working hours
(mornings, afternoons, a day off, some Saturday mornings), 15/20/30-minute slots, a fill rate
that grows as the slot comes closer (so polls see slots vanish as time passes), one or two
slots a day dedicated to the SAS (SNP), téléconsultation (VR) for some doctors, home visits
(HH) late in the afternoon for others. Bundles follow the guide's examples
(``Bundle-ExampleBundlePSIndiv.json``): Slot → Schedule → Practitioner + PractitionerRole
(contained Location).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from demo_editor.people import demo_person_name

PARIS = ZoneInfo("Europe/Paris")
SLOT_TYPE_SYSTEM = "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SPECIALTY_SYSTEM = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
APPOINTMENT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0276"
PRACTITIONER_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"


def _rng(*parts: object) -> random.Random:
    seed = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()
    return random.Random(seed)


@dataclass(frozen=True)
class Profile:
    rpps: str
    family: str
    given: str
    minutes: int
    morning: tuple[time, time]
    afternoon: tuple[time, time] | None
    day_off: int | None
    saturday: bool
    teleconsultation: bool
    home_visits: bool
    walk_in_morning: bool


def profile(rpps: str) -> Profile:
    """The doctor's agenda habits; their name is the platform demo's (``demo_editor.people``)."""
    rng = _rng("profile", rpps)
    # The editor once drew its own names here (20 last names, 12 first names): the same draws keep
    # every other habit (hours, slots) of each doctor as it was.
    rng.choice(range(20)), rng.choice(range(12))
    family, given = demo_person_name(rpps)
    return Profile(
        rpps=rpps,
        family=family,
        given=given,
        minutes=rng.choice((15, 20, 20, 30)),
        morning=rng.choice(
            ((time(8, 30), time(12, 0)), (time(9, 0), time(12, 30)), (time(8, 0), time(11, 30)))
        ),
        afternoon=rng.choice(((time(14, 0), time(18, 30)), (time(14, 30), time(19, 0)), None)),
        day_off=rng.choice((2, 2, None, 0, 4)) if rng.random() < 0.4 else None,
        saturday=rng.random() < 0.3,
        teleconsultation=rng.random() < 0.35,
        home_visits=rng.random() < 0.2,
        walk_in_morning=rng.random() < 0.08,
    )


@dataclass(frozen=True)
class DemoSlot:
    id: str
    rpps: str
    start: datetime
    end: datetime
    types: tuple[str, ...]
    modalities: tuple[str, ...]
    bookable: bool
    taken_draw: float  # compared with the fill rate: below it, the slot is already booked


def day_slots(rpps: str, day: date) -> list[DemoSlot]:
    """Every slot of the doctor's working day (free or not)."""
    prof = profile(rpps)
    weekday = day.weekday()
    if weekday == 6 or weekday == prof.day_off or (weekday == 5 and not prof.saturday):
        return []
    periods = [prof.morning] + ([prof.afternoon] if prof.afternoon and weekday != 5 else [])
    rng = _rng("day", rpps, day.isoformat())
    snp_count = rng.choice((0, 1, 1, 2))
    slots: list[DemoSlot] = []
    for number, (begin, finish) in enumerate(periods):
        cursor = datetime.combine(day, begin, PARIS)
        stop = datetime.combine(day, finish, PARIS)
        while cursor + timedelta(minutes=prof.minutes) <= stop:
            end = cursor + timedelta(minutes=prof.minutes)
            modalities = ["AMB"]
            if prof.teleconsultation and rng.random() < 0.3:
                modalities.append("VR")
            if prof.home_visits and number == 1 and cursor.hour >= 17:
                modalities = ["HH"]
            types = ["PUBLIC", "PRO"] if rng.random() < 0.8 else ["PRO"]
            bookable = not (prof.walk_in_morning and number == 0 and cursor.hour < 10)
            slots.append(
                DemoSlot(
                    id=f"{rpps}-{cursor:%Y%m%d%H%M}",
                    rpps=rpps,
                    start=cursor,
                    end=end,
                    types=tuple(types),
                    modalities=tuple(modalities),
                    bookable=bookable,
                    taken_draw=rng.random(),
                )
            )
            cursor = end
    # Dedicated to the SAS (SNP): kept free by the doctor, never filled by their own patients.
    for slot in rng.sample(slots, min(snp_count, len(slots))):
        index = slots.index(slot)
        slots[index] = DemoSlot(**{**slot.__dict__, "types": ("SNP",), "taken_draw": 1.0})
    return slots


def fill_rate(hours_ahead: float) -> float:
    """Share of slots already booked by the doctor's own patients: 90 % in the next hours, 55 % in 3 days."""
    return 0.9 - 0.35 * min(max(hours_ahead, 0.0), 72.0) / 72.0


def free_slots(
    rpps: str,
    window_start: datetime,
    window_end: datetime,
    *,
    now: datetime,
    booked: set[str] | frozenset = frozenset(),
) -> list[DemoSlot]:
    """Free slots of one doctor whose start is in [window_start, window_end], as seen at ``now``."""
    found = []
    day = window_start.astimezone(PARIS).date()
    while day <= window_end.astimezone(PARIS).date():
        for slot in day_slots(rpps, day):
            if not (window_start <= slot.start <= window_end) or slot.start < now or slot.id in booked:
                continue
            if slot.taken_draw < fill_rate((slot.start - now).total_seconds() / 3600):
                continue
            found.append(slot)
        day += timedelta(days=1)
    return found


def slot_by_id(slot_id: str) -> DemoSlot | None:
    rpps, _, stamp = slot_id.rpartition("-")
    try:
        start = datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=PARIS)
    except ValueError:
        return None
    return next((s for s in day_slots(rpps, start.date()) if s.id == slot_id), None)


# --- FHIR (SAS IG) ---------------------------------------------------------------------------------
def _slot_resource(slot: DemoSlot, booking_base: str) -> dict:
    service_type = [{"coding": [{"system": ACT_CODE_SYSTEM, "code": code}]} for code in slot.modalities]
    service_type.append({"text": "Consultation de médecine générale"})
    return {
        "resourceType": "Slot",
        "id": slot.id,
        "meta": {
            "profile": ["http://sas.fr/fhir/StructureDefinition/FrSlotAgregateur"],
            "security": [{"system": SLOT_TYPE_SYSTEM, "code": code} for code in slot.types],
        },
        "serviceType": service_type,
        "specialty": [{"coding": [{"system": SPECIALTY_SYSTEM, "code": "SM54"}]}],
        "appointmentType": {
            "coding": [{"system": APPOINTMENT_TYPE_SYSTEM, "code": "ROUTINE" if slot.bookable else "WALKIN"}]
        },
        "schedule": {"reference": f"Schedule/agenda-{slot.rpps}"},
        "status": "free",
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
        "comment": f"{booking_base}/rdv/{slot.rpps}?creneau={slot.id}",
    }


def _doctor_resources(rpps: str) -> list[dict]:
    prof = profile(rpps)
    return [
        {
            "resourceType": "Schedule",
            "id": f"agenda-{rpps}",
            "meta": {"profile": ["http://sas.fr/fhir/StructureDefinition/FrScheduleAgregateur"]},
            "actor": [
                {"reference": f"Practitioner/ps-{rpps}"},
                {"reference": f"PractitionerRole/exercice-{rpps}"},
            ],
        },
        {
            "resourceType": "Practitioner",
            "id": f"ps-{rpps}",
            "meta": {"profile": ["http://sas.fr/fhir/StructureDefinition/FrPractitionerAgregateur"]},
            "identifier": [
                {
                    "type": {
                        "coding": [
                            {"system": "http://interopsante.org/fhir/CodeSystem/fr-v2-0203", "code": "IDNPS"}
                        ]
                    },
                    "system": PRACTITIONER_SYSTEM,
                    "value": f"8{rpps}",
                }
            ],
            "name": [{"family": prof.family.upper(), "given": [prof.given]}],
        },
        {
            "resourceType": "PractitionerRole",
            "id": f"exercice-{rpps}",
            "meta": {
                "profile": ["http://sas.fr/fhir/StructureDefinition/FrPractitionerRoleExerciceAgregateur"]
            },
            "contained": [
                {
                    "resourceType": "Location",
                    "id": "cabinet",
                    "meta": {"profile": ["http://sas.fr/fhir/StructureDefinition/FrLocationAgregateur"]},
                    "identifier": [
                        {
                            "type": {
                                "coding": [
                                    {
                                        "system": "http://interopsante.org/fhir/CodeSystem/fr-location-identifier-type",
                                        "code": "INTRN",
                                    }
                                ]
                            },
                            "system": "https://demo-editeur.example/cabinets",
                            "value": rpps,
                        }
                    ],
                    "address": {"line": [f"Cabinet du Dr {prof.family}"]},
                }
            ],
            "practitioner": {"reference": f"Practitioner/ps-{rpps}"},
            "location": [{"reference": "#cabinet"}],
        },
    ]


def searchset(
    slots: list[DemoSlot],
    *,
    base_url: str,
    booking_base: str,
    self_url: str,
    next_url: str | None = None,
    total: int | None = None,
) -> dict:
    """A searchset bundle of these slots with their Schedule, Practitioner and PractitionerRole."""
    entries, included = [], set()
    for slot in slots:
        entries.append(
            {
                "fullUrl": f"{base_url}/Slot/{slot.id}",
                "resource": _slot_resource(slot, booking_base),
                "search": {"mode": "match"},
            }
        )
        if slot.rpps not in included:
            included.add(slot.rpps)
            for resource in _doctor_resources(slot.rpps):
                entries.append(
                    {
                        "fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
                        "resource": resource,
                        "search": {"mode": "include"},
                    }
                )
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return {
        "resourceType": "Bundle",
        "id": hashlib.md5(self_url.encode(), usedforsecurity=False).hexdigest(),
        "meta": {"profile": ["http://sas.fr/fhir/StructureDefinition/BundleAgregateur"]},
        "type": "searchset",
        "total": len(slots) if total is None else total,
        "link": links,
        "entry": entries,
    }
