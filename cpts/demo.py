"""Demo step of `cpts` (order 10): the care offer of the Bouches-du-Rhône (seed 004).

~1,200 doctors (general practice) and ~300 other professionals placed in the communes of the
département in proportion to their population, 3 CPTS, 2 MSP, a centre de santé and SOS Médecins,
memberships and SAS participation for about half of the doctors. ``settings.DEMO_SCALE`` scales
the numbers of professionals (the browser tests use a smaller demo).

Deterministic (``rng`` seeded by :func:`sas_platform.demo.demo_seed`) and idempotent: rows are
keyed by stable identifiers (structure names, RPPS, ``demo:`` source keys) and only missing
ones are created, so a second ``seed_demo`` changes nothing. Each professional's draws come from
their own generator (seeded by their number), so a smaller demo is a subset of a larger one.
Bulk writes only: the step takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from cpts.enums import (
    DataSource,
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
from demo_editor.people import FIRST_NAMES, LAST_NAMES, demo_person_name
from sas_platform.demo import DEMO_DEPARTEMENT, DEMO_USERS
from sas_platform.enums import CommuneType, Role
from sas_platform.geo import search_key
from sas_platform.models import Commune, PostalCode, User

#: Professionals at ``DEMO_SCALE = 1`` (issue 3: ~1,200 doctors, ~300 other professionals).
GP_COUNT = 1200
OTHER_COUNT = 300
#: Demo numbers of the other professionals start here (RPPS ``1013`` + 6 digits + key), so the
#: doctors' and the others' numbers never depend on the scale.
OTHER_FIRST_NUMBER = 500_001

CPTS = [
    # name, communes (INSEE), phone, ACI signature date
    ("CPTS Marseille Centre", [f"132{n:02d}" for n in range(1, 8)], "+33491550101", dt.date(2021, 6, 15)),
    (
        "CPTS du Pays d'Aix",
        ["13001", "13113", "13109", "13032", "13095"],
        "+33442550202",
        dt.date(2022, 11, 8),
    ),
    (
        "CPTS Gardanne Haute Vallée de l'Arc",
        ["13041", "13015", "13107", "13040", "13060"],
        "+33442550303",
        None,
    ),
]
OTHER_STRUCTURES = [
    # kind, name, commune, phone
    (StructureKind.MSP, "MSP du Panier", "13202", "+33491560404"),
    (StructureKind.MSP, "MSP de Venelles", "13113", "+33442560505"),
    (StructureKind.CDS, "Centre de santé Saint-Louis", "13215", "+33491560606"),
    (StructureKind.SOS, "SOS Médecins Marseille", "13208", "+33491520000"),
]
OTHER_PROFESSIONS = [
    ("60", "Infirmier"),
    ("70", "Masseur-kinésithérapeute"),
    ("50", "Sage-femme"),
    ("21", "Pharmacien"),
]
STREETS = [
    "rue de la République",
    "boulevard National",
    "avenue du Prado",
    "rue Paradis",
    "cours Mirabeau",
    "avenue Jean Jaurès",
    "rue Pasteur",
    "boulevard Michelet",
    "place de la Mairie",
    "chemin des Écoles",
]


def demo_rpps(n: int) -> str:
    """A Luhn-valid RPPS of the demo (``1013`` + sequence + key)."""
    body = f"1013{n:06d}"
    return body + luhn.calc_check_digit(body)


def _structures() -> dict[str, Structure]:
    communes = {c.insee_code: c for c in Commune.objects.filter(departement_id=DEMO_DEPARTEMENT)}
    structures: dict[str, Structure] = {}
    for name, codes, phone, signed in CPTS:
        seat = communes[codes[0]]
        structure, created = Structure.objects.get_or_create(
            kind=StructureKind.CPTS,
            name=name,
            defaults={
                "departement_id": DEMO_DEPARTEMENT,
                "commune": seat,
                "latitude": seat.latitude,
                "longitude": seat.longitude,
                "phone": phone,
                "email": f"contact@{search_key(name).replace(' ', '-')}.demo.sas",
                "aci_signed_on": signed,
                "source": DataSource.DEMO,
            },
        )
        if created:
            structure.territory_communes.set([communes[code] for code in codes if code in communes])
        structures[name] = structure
    for kind, name, code, phone in OTHER_STRUCTURES:
        seat = communes[code]
        structures[name], _ = Structure.objects.get_or_create(
            kind=kind,
            name=name,
            defaults={
                "departement_id": DEMO_DEPARTEMENT,
                "commune": seat,
                "latitude": seat.latitude,
                "longitude": seat.longitude,
                "address": f"1 {STREETS[0]}",
                "phone": phone,
                "email": f"accueil@{search_key(name).replace(' ', '-')}.demo.sas",
                "source": DataSource.DEMO,
            },
        )
    return structures


def _cpts_of(commune_code: str) -> str | None:
    for name, codes, _, _ in CPTS:
        if commune_code in codes:
            return name
    return None


def demo_counts() -> tuple[int, int]:
    """(doctors, other professionals) of the demo at ``settings.DEMO_SCALE`` (read at call time)."""
    scale = max(0.0, float(settings.DEMO_SCALE))
    return max(1, round(GP_COUNT * scale)), round(OTHER_COUNT * scale)


@transaction.atomic
def seed_cpts_demo(rng: random.Random) -> dict:
    structures = _structures()
    communes = list(
        Commune.objects.filter(departement_id=DEMO_DEPARTEMENT, latitude__isnull=False)
        .exclude(type=CommuneType.COMMUNE, arrondissements__isnull=False)
        .distinct()
        .order_by("insee_code")
    )
    cumulative = list(accumulate(max(1, c.population_2021) for c in communes))
    marseille_1er = next(c for c in communes if c.insee_code == "13201")
    postal_codes: dict[str, str] = {}
    for code, insee in (
        PostalCode.objects.filter(commune__in=communes).order_by("-code").values_list("code", "commune_id")
    ):
        postal_codes[insee] = code
    salt = rng.getrandbits(32)
    doctors, others = demo_counts()
    numbers = [(n, True) for n in range(1, doctors + 1)] + [
        (n, False) for n in range(OTHER_FIRST_NUMBER, OTHER_FIRST_NUMBER + others)
    ]
    existing = set(
        Professional.objects.filter(identifier__startswith="1013", source=DataSource.DEMO).values_list(
            "identifier", flat=True
        )
    )
    now = timezone.now()
    people, places, plans = [], [], []
    for n, is_gp in numbers:
        own = random.Random(salt * 1_000_003 + n)  # this professional's draws, whatever the scale
        own.choice(LAST_NAMES), own.choice(FIRST_NAMES)  # drawn as before: the other draws stay the same
        rpps = demo_rpps(n)
        last, first = demo_person_name(rpps)  # the editor names them alike (issue 9)
        commune = own.choices(communes, cum_weights=cumulative)[0]
        if n == 1:  # the demo effecteur (effecteur@demo.sas), in Marseille 1er, member of its CPTS
            commune = marseille_1er
        code, label = ("10", "Médecin") if is_gp else own.choice(OTHER_PROFESSIONS)
        people.append(
            Professional(
                identifier_type=IdentifierType.RPPS,
                identifier=rpps,
                civility="Dr" if is_gp else "",
                last_name=last,
                first_name=first,
                profession_code=code,
                profession_label=label,
                specialty_code="SM54" if is_gp else "",
                specialty_label="Médecine générale" if is_gp else "",
                source=DataSource.DEMO,
                search_name=search_key(f"{last} {first}"),
                created_at=now,
                updated_at=now,
            )
        )
        places.append(
            (
                rpps,
                PracticePlace(
                    source_key=f"demo:{n}",
                    name=f"Cabinet {'médical' if is_gp else 'paramédical'} {last}",
                    address=f"{own.randint(1, 180)} {own.choice(STREETS)}",
                    postal_code=postal_codes.get(commune.insee_code, ""),
                    commune=commune,
                    latitude=round(commune.latitude + own.uniform(-0.008, 0.008), 5),
                    longitude=round(commune.longitude + own.uniform(-0.008, 0.008), 5),
                    phone=f"+3349{own.randrange(10**7):07d}",
                    # A liberal cabinet's structure identifier (IDNST 4 + RPPS-rang, issue 14).
                    rpps_rang=f"{rpps}001",
                    exercise_mode=ExerciseMode.LIBERAL,
                ),
            )
        )
        plans.append((rpps, is_gp, commune.insee_code, own.random(), own.random(), own.random()))

    new_people = [p for p in people if p.identifier not in existing]
    Professional.objects.bulk_create(new_people, batch_size=1000)
    ids = dict(
        Professional.objects.filter(identifier__in=[p.identifier for p in people]).values_list(
            "identifier", "pk"
        )
    )
    have_places = set(
        PracticePlace.objects.filter(source_key__startswith="demo:").values_list("source_key", flat=True)
    )
    new_places = []
    for rpps, place in places:
        if place.source_key not in have_places:
            place.professional_id = ids[rpps]
            new_places.append(place)
    PracticePlace.objects.bulk_create(new_places, batch_size=1000)

    members, declarations = _memberships_and_participations(plans, ids, structures)
    _demo_accounts(ids, structures)
    return {
        "structures": Structure.objects.filter(source=DataSource.DEMO).count(),
        "professionals_created": len(new_people),
        "places_created": len(new_places),
        "memberships_created": members,
        "participations_created": declarations,
    }


def _memberships_and_participations(plans, ids, structures) -> tuple[int, int]:
    start = dt.date(2023, 1, 2)
    have_members = set(
        Membership.objects.filter(professional_id__in=ids.values()).values_list(
            "professional_id", "structure_id"
        )
    )
    have_declarations = set(
        SasParticipation.objects.filter(professional_id__in=ids.values()).values_list(
            "professional_id", flat=True
        )
    )
    now = timezone.now()
    memberships, participations = [], []
    for rpps, is_gp, commune, r_member, r_declare, r_surnum in plans:
        pk = ids[rpps]
        first = rpps == demo_rpps(1)
        joined: list[Structure] = []
        cpts_name = _cpts_of(commune)
        if cpts_name and (first or r_member < 0.7):
            joined.append(structures[cpts_name])
        if is_gp and commune in ("13202", "13113") and r_member < 0.5:
            joined.append(structures["MSP du Panier" if commune == "13202" else "MSP de Venelles"])
        if is_gp and commune in ("13215", "13216", "13214") and r_member < 0.6:
            joined.append(structures["Centre de santé Saint-Louis"])
        if is_gp and commune.startswith("132") and r_member > 0.9:
            joined.append(structures["SOS Médecins Marseille"])
        for structure in joined:
            if (pk, structure.pk) not in have_members:
                memberships.append(Membership(professional_id=pk, structure=structure, start_date=start))
        if not is_gp or pk in have_declarations or (not first and r_declare > 0.45):
            continue
        mode, through = ParticipationMode.INDIVIDUAL, None
        if not first and joined and r_declare < 0.3:
            through = joined[-1]
            mode = {
                StructureKind.CPTS: ParticipationMode.CPTS,
                StructureKind.MSP: ParticipationMode.MSP,
                StructureKind.CDS: ParticipationMode.CDS,
                StructureKind.SOS: ParticipationMode.SOS,
            }[through.kind]
        participations.append(
            SasParticipation(
                professional_id=pk,
                mode=mode,
                structure=through,
                accepts_surnumeraire=first or r_surnum < 0.4,
                visibility=VisibilityMode.INTERFACED_AGENDA
                if r_surnum < 0.7
                else VisibilityMode.DECLARED_AVAILABILITY,
                start_date=dt.date(2023, 1, 2) + dt.timedelta(days=int(r_surnum * 600)),
                consent_recorded_at=now if through else None,
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=1000)
    SasParticipation.objects.bulk_create(participations, batch_size=1000)
    return len(memberships), len(participations)


def _demo_accounts(ids, structures) -> None:
    """effecteur@demo.sas is Dr Claire MARTIN (n° 1); coordinateur@demo.sas coordinates the
    CPTS Marseille Centre."""
    emails = {u.role: u.email for u in DEMO_USERS}
    effecteur = User.objects.filter(email=emails[Role.EFFECTEUR]).first()
    if effecteur is not None and not Professional.objects.filter(user=effecteur).exists():
        Professional.objects.filter(pk=ids[demo_rpps(1)], user__isnull=True).update(user=effecteur)
    coordinator = User.objects.filter(email=emails[Role.COORDINATEUR_STRUCTURE]).first()
    if coordinator is not None:
        StructureCoordinator.objects.get_or_create(
            user=coordinator, structure=structures["CPTS Marseille Centre"]
        )
