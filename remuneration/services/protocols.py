"""Protocol acts recorded by their structure (DOMAIN.md §7.7): checked, then written and audited.

Every refusal is a French :class:`ApplicationError` naming the field, and nothing is written:
- only an MSP, a centre de santé or a CPTS records protocol acts, by its managers
  (:func:`cpts.selectors.can_manage_structure`: its coordinators, the SAS administrators of its
  territory, platform administrators);
- the date is not in the future, and its semester's protocols bordereau is not locked yet (a locked
  bordereau never changes: issue 12; an act the admin records, corrects or deletes afterwards is
  regularised in a later semester: :mod:`remuneration.services.builders.protocols`);
- the professional is a member of the structure on that date;
- the patient is a pseudonym (letters, digits, ``-`` ``_``; never a NIR: DOMAIN.md §8);
- **non-cumulation**: an act whose patient was billed in common law the same or the next day by the
  same professionals is not paid under the protocol (§7.7): it is refused, with the reason, so the
  semestrial reporting lists only payable acts;
- a second consultation follows a first one of the same patient and protocol: for the
  physiotherapists' protocols (ankle sprain, low back pain) between the 2nd and the 4th week after
  it (7 to 27 days; 20 €), for pollakiuria the re-evaluation (25 €); the other protocols' re-see by
  the delegating GP the same or next day is included in the 25 € and is not recorded;
- the same act (patient, protocol, consultation, date) is not recorded twice.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from cpts.enums import StructureKind
from cpts.selectors import can_manage_structure, is_member_on, professional_get, structure_get
from remuneration.enums import LOCKED_STATUSES, BordereauKind, ProtocolKind
from remuneration.events import RemunerationEvent, remuneration_event_write
from remuneration.models import Bordereau, ProtocolAct
from remuneration.rules.protocols import TWO_CONSULTATION_PHYSIO
from sas_platform.exceptions import ApplicationError, PermissionDeniedError

PROTOCOL_STRUCTURES = frozenset({StructureKind.CPTS, StructureKind.MSP, StructureKind.CDS})
PSEUDONYM = re.compile(r"^[A-Za-z0-9_-]{3,64}$")
NIR_LIKE = re.compile(r"\d{13}")
SECOND_WINDOW_DAYS = (7, 27)


def semester_of(day: dt.date) -> str:
    return f"{day.year}-S{1 if day.month <= 6 else 2}"


def _refuse(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="protocol_act_invalid", extra={"fields": {field: [message]}})


def _check_pseudonym(pseudonym: str) -> str:
    value = (pseudonym or "").strip()
    if NIR_LIKE.search(value):
        raise _refuse(
            "patient_pseudonym",
            "N'indiquez jamais le NIR du patient : saisissez le pseudonyme que la structure lui attribue.",
        )
    if not PSEUDONYM.match(value):
        raise _refuse(
            "patient_pseudonym",
            "Le pseudonyme du patient compte 3 à 64 caractères : lettres, chiffres, « - » ou « _ », sans "
            "nom ni espace.",
        )
    return value


def _check_second(structure_id: int, protocol: str, pseudonym: str, act_date: dt.date) -> None:
    if protocol not in TWO_CONSULTATION_PHYSIO and protocol != ProtocolKind.URINARY:
        raise _refuse(
            "is_second",
            "Pour ce protocole, la revoyure par le médecin délégant le jour même ou le lendemain est comprise "
            "dans les 25 € de l'inclusion : elle ne se déclare pas.",
        )
    first = (
        ProtocolAct.objects.filter(
            structure_id=structure_id,
            protocol=protocol,
            patient_pseudonym=pseudonym,
            is_second=False,
            act_date__lt=act_date,
        )
        .order_by("-act_date")
        .first()
    )
    if first is None:
        raise _refuse(
            "is_second",
            "Aucune première consultation de ce patient pour ce protocole avant cette date : enregistrez "
            "d'abord la première.",
        )
    if ProtocolAct.objects.filter(
        structure_id=structure_id,
        protocol=protocol,
        patient_pseudonym=pseudonym,
        is_second=True,
        act_date__gt=first.act_date,
    ).exists():
        raise _refuse(
            "is_second",
            f"La deuxième consultation suivant l'inclusion du {first.act_date:%d/%m/%Y} est déjà enregistrée.",
        )
    low, high = SECOND_WINDOW_DAYS
    delay = (act_date - first.act_date).days
    if protocol in TWO_CONSULTATION_PHYSIO and not low <= delay <= high:
        raise _refuse(
            "act_date",
            f"La deuxième consultation de kinésithérapie se fait entre la 2e et la 4e semaine après la "
            f"première (du {first.act_date + dt.timedelta(days=low):%d/%m/%Y} au "
            f"{first.act_date + dt.timedelta(days=high):%d/%m/%Y}) : ici {delay} jour(s) après.",
        )


def _check_structure(actor, structure_id: int):
    structure = structure_get(pk=structure_id)
    if structure is None or not can_manage_structure(actor, structure):
        raise PermissionDeniedError("Vous ne gérez pas cette structure.")
    if structure.kind not in PROTOCOL_STRUCTURES:
        raise ApplicationError(
            "Seules une MSP, un centre de santé ou une CPTS déclarent des actes de protocole de coopération.",
            code="protocol_structure_kind",
        )
    return structure


def _check_date(structure, act_date: dt.date) -> None:
    if act_date > timezone.localdate():
        raise _refuse("act_date", "La date de l'acte ne peut pas être dans le futur.")
    semester = semester_of(act_date)
    if Bordereau.objects.filter(
        kind=BordereauKind.PROTOCOLS,
        territory_id=structure.departement_id,
        period=semester,
        status__in=list(LOCKED_STATUSES),
    ).exists():
        raise _refuse(
            "act_date",
            f"Le bordereau des protocoles du semestre {semester} est déjà exporté par la CPAM : un acte de "
            "ce semestre ne peut plus être ajouté.",
        )


@transaction.atomic
def protocol_act_record(
    *,
    actor,
    structure_id: int,
    protocol: str,
    patient_pseudonym: str,
    act_date: dt.date,
    professional_id: int | None,
    is_second: bool,
    common_law_billed: bool,
) -> ProtocolAct:
    """Record one protocol act of the structure (DOMAIN.md §7.7), or refuse it (module docstring)."""
    structure = _check_structure(actor, structure_id)
    if protocol not in ProtocolKind.values:
        raise _refuse("protocol", "Choisissez un protocole de la liste.")
    pseudonym = _check_pseudonym(patient_pseudonym)
    _check_date(structure, act_date)
    professional = professional_get(pk=professional_id)
    if professional is None or not is_member_on(professional=professional, structure=structure, on=act_date):
        raise _refuse(
            "professional", f"Ce professionnel n'est pas membre de {structure.name} au {act_date:%d/%m/%Y}."
        )
    if common_law_billed:
        raise _refuse(
            "common_law_billed",
            "Non cumulable : un acte de protocole n'est pas payé quand le même patient a été facturé en droit "
            "commun par les mêmes professionnels le jour même ou le lendemain (protocoles de coopération SNP). "
            "Cet acte n'a pas été enregistré ; la facturation de droit commun reste la seule.",
        )
    if is_second:
        _check_second(structure.pk, protocol, pseudonym, act_date)
    if ProtocolAct.objects.filter(
        structure=structure,
        protocol=protocol,
        patient_pseudonym=pseudonym,
        act_date=act_date,
        is_second=is_second,
    ).exists():
        raise _refuse("patient_pseudonym", "Cet acte est déjà enregistré (même patient, protocole et date).")
    act = ProtocolAct.objects.create(
        structure=structure,
        protocol=protocol,
        patient_pseudonym=pseudonym,
        act_date=act_date,
        professional=professional,
        is_second=is_second,
        common_law_billed=False,
        recorded_by=actor,
    )
    remuneration_event_write(
        event_type=RemunerationEvent.PROTOCOL_ACT_RECORDED,
        actor=actor,
        obj=act,
        params={
            "structure": structure.pk,
            "protocol": protocol,
            "date": act_date.isoformat(),
            "second": is_second,
        },
    )
    return act
