"""Write services of `cpts`: SAS participation declarations and memberships (DOMAIN.md §4, §5).

Every service is atomic, validates with ``full_clean()`` and writes its audit event in the same
transaction (STYLE.md 4, 9). Importers live in :mod:`cpts.imports`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cpts.enums import PARTICIPATION_STRUCTURE_KIND, ParticipationMode, StructureKind, VisibilityMode
from cpts.events import CptsEventType, cpts_event_write
from cpts.exceptions import MembershipConflict, MembershipError, ParticipationConflict, ParticipationError
from cpts.models import Membership, Professional, SasParticipation, Structure
from cpts.selectors import is_member_on

#: ``Code profession`` of doctors (TRE_G15): only doctors declare SAS participation (DOMAIN.md §4).
DOCTOR_PROFESSION_CODE = "10"


def _fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _lock_professional(professional: Professional) -> Professional:
    """Serialise the writes on one professional's declarations (STYLE.md 16)."""
    return Professional.objects.select_for_update().get(pk=professional.pk)


def _check_structure(
    *, professional: Professional, mode: ParticipationMode, structure: Structure | None, start_date: dt.date
) -> None:
    """The structure of a declaration (seed 004): none for *individual*; otherwise one of the
    matching kind, to which the doctor belongs on ``start_date``."""
    expected_kind = PARTICIPATION_STRUCTURE_KIND[mode]
    if expected_kind is None:
        if structure is not None:
            raise ParticipationError(
                "Une participation à titre individuel ne passe par aucune structure.",
                code="participation_structure_unexpected",
                extra={
                    "fields": {"structure": ["Laissez ce champ vide pour une participation individuelle."]}
                },
            )
        return
    kind_label = StructureKind(expected_kind).label
    if structure is None:
        raise ParticipationError(
            f"Choisissez la structure ({kind_label}) par laquelle le médecin participe.",
            code="participation_structure_required",
            extra={"fields": {"structure": ["Ce champ est obligatoire pour ce mode."]}},
        )
    if structure.kind != expected_kind:
        raise ParticipationError(
            f"« {structure.name} » n'est pas une structure de type {kind_label}.",
            code="participation_structure_kind",
            extra={"fields": {"structure": [f"Une structure de type {kind_label} est attendue."]}},
        )
    if not is_member_on(professional=professional, structure=structure, on=start_date):
        raise ParticipationError(
            f"Le Dr {professional.last_name} n'est pas membre de « {structure.name} » au {_fr(start_date)} : "
            "ajoutez d'abord son adhésion.",
            code="participation_not_member",
            extra={"fields": {"structure": ["Le médecin n'est pas membre de cette structure."]}},
        )


def _open_declaration_before(*, professional: Professional, start_date: dt.date) -> SasParticipation | None:
    """The open declaration a new one starting on ``start_date`` follows (or replaces, same day);
    refused when a closed declaration covers ``start_date`` or the open one starts later."""
    overlapping_closed = professional.participations.filter(
        end_date__isnull=False, end_date__gte=start_date
    ).first()
    if overlapping_closed is not None:
        raise ParticipationConflict(
            f"Une déclaration antérieure couvre déjà le {_fr(start_date)} "
            f"(du {_fr(overlapping_closed.start_date)} au {_fr(overlapping_closed.end_date)}).",
            extra={"fields": {"start_date": ["Choisissez une date postérieure."]}},
        )
    open_one = professional.participations.filter(end_date__isnull=True).first()
    if open_one is not None and open_one.start_date > start_date:
        raise ParticipationConflict(
            f"La déclaration en cours commence le {_fr(open_one.start_date)} : "
            "une nouvelle déclaration ne peut pas commencer avant.",
            extra={"fields": {"start_date": [f"Choisissez le {_fr(open_one.start_date)} ou après."]}},
        )
    return open_one


@transaction.atomic
def participation_declare(
    *,
    professional: Professional,
    mode: str,
    structure: Structure | None = None,
    accepts_surnumeraire: bool,
    visibility: str,
    start_date: dt.date,
    actor,
    consent_recorded_at: dt.datetime | None = None,
) -> SasParticipation:
    """Declare "je participe au SAS" for a doctor from ``start_date`` (DOMAIN.md §4).

    - ``mode`` is one of the five ways (seed 004); except *individual*, it goes through a
      ``structure`` of the matching kind (CPTS, MSP, SOS Médecins, centre de santé) to which
      the doctor belongs on ``start_date``.
    - When someone other than the doctor declares (a coordinator for a member), the doctor's
      consent must be recorded (``consent_recorded_at``).
    - History is kept: the open declaration is closed the day before ``start_date``. A second
      declaration starting the same day as the open one replaces it (a same-day correction);
      one starting before the open one, or overlapping a closed one, is refused.
    """
    mode = ParticipationMode(mode)
    professional = _lock_professional(professional)
    if professional.profession_code != DOCTOR_PROFESSION_CODE:
        raise ParticipationError(
            "Seuls les médecins déclarent une participation au SAS.", code="participation_not_doctor"
        )
    _check_structure(professional=professional, mode=mode, structure=structure, start_date=start_date)
    self_declared = (
        actor is not None and professional.user_id is not None and professional.user_id == actor.pk
    )
    if not self_declared and consent_recorded_at is None:
        raise ParticipationError(
            "Le consentement du médecin doit être recueilli avant de déclarer sa participation pour lui.",
            code="participation_consent_required",
            extra={
                "fields": {"consent": ["Cochez la case après avoir recueilli le consentement du médecin."]}
            },
        )
    visibility = VisibilityMode(visibility)
    open_one = _open_declaration_before(professional=professional, start_date=start_date)
    values = {
        "mode": mode,
        "structure": structure,
        "accepts_surnumeraire": accepts_surnumeraire,
        "visibility": visibility,
        "declared_by": actor if actor is not None and actor.is_authenticated else None,
        "consent_recorded_at": None if self_declared else consent_recorded_at,
    }
    replaced_id = closed_id = None
    if open_one is not None and open_one.start_date == start_date:
        participation = open_one
        for name, value in values.items():
            setattr(participation, name, value)
        participation.full_clean()
        participation.save(update_fields=[*values.keys()])
        replaced_id = participation.pk
    else:
        closed_id = _close_the_day_before(open_one, start_date)
        participation = SasParticipation(professional=professional, start_date=start_date, **values)
        participation.full_clean()
        participation.save()
    cpts_event_write(
        event_type=CptsEventType.PARTICIPATION_DECLARED,
        actor=actor,
        obj=participation,
        params={
            "professional_id": professional.pk,
            "mode": mode.value,
            "structure_id": structure.pk if structure else None,
            "accepts_surnumeraire": accepts_surnumeraire,
            "visibility": visibility.value,
            "start_date": start_date.isoformat(),
            "consent_recorded_at": _iso(values["consent_recorded_at"]),
            "closed_participation_id": closed_id,
            "replaced_same_day": replaced_id is not None,
        },
    )
    return participation


def _close_the_day_before(open_one: SasParticipation | None, start_date: dt.date) -> int | None:
    """History is kept: the open declaration ends the day before the new one; its id."""
    if open_one is None:
        return None
    open_one.end_date = start_date - dt.timedelta(days=1)
    open_one.full_clean()
    open_one.save(update_fields=["end_date"])
    return open_one.pk


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@transaction.atomic
def participation_close(*, participation: SasParticipation, end_date: dt.date, actor) -> SasParticipation:
    """End an open declaration on ``end_date`` (inclusive): "je ne participe plus au SAS"."""
    _lock_professional(participation.professional)
    participation = SasParticipation.objects.get(pk=participation.pk)
    if participation.end_date is not None:
        raise ParticipationConflict(
            f"Cette déclaration est déjà close depuis le {_fr(participation.end_date)}.",
            code="participation_already_closed",
        )
    if end_date < participation.start_date:
        raise ParticipationError(
            f"La date de fin doit être postérieure au début de la déclaration ({_fr(participation.start_date)}).",
            code="participation_end_before_start",
            extra={"fields": {"end_date": ["Date de fin antérieure au début."]}},
        )
    participation.end_date = end_date
    participation.full_clean()
    participation.save(update_fields=["end_date"])
    cpts_event_write(
        event_type=CptsEventType.PARTICIPATION_CLOSED,
        actor=actor,
        obj=participation,
        params={"professional_id": participation.professional_id, "end_date": end_date.isoformat()},
    )
    return participation


@transaction.atomic
def membership_add(
    *, professional: Professional, structure: Structure, start_date: dt.date, actor
) -> Membership:
    """A professional joins a structure from ``start_date`` (one open membership per structure)."""
    _lock_professional(professional)
    if Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date), professional=professional, structure=structure
    ).exists():
        raise MembershipConflict(
            f"{professional} est déjà membre de « {structure.name} » à cette date.",
            extra={"fields": {"professional": ["Déjà membre."]}},
        )
    membership = Membership(professional=professional, structure=structure, start_date=start_date)
    membership.full_clean()
    membership.save()
    cpts_event_write(
        event_type=CptsEventType.MEMBERSHIP_ADDED,
        actor=actor,
        obj=membership,
        params={
            "professional_id": professional.pk,
            "structure_id": structure.pk,
            "start_date": start_date.isoformat(),
        },
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, end_date: dt.date, actor) -> Membership:
    """End a membership on ``end_date`` (inclusive). A SAS participation declared through this
    structure ends the same day: the doctor no longer goes through it (DOMAIN.md §4)."""
    _lock_professional(membership.professional)
    membership = Membership.objects.select_related("structure", "professional").get(pk=membership.pk)
    if membership.end_date is not None:
        raise MembershipConflict(f"Cette adhésion est déjà terminée depuis le {_fr(membership.end_date)}.")
    if end_date < membership.start_date:
        raise MembershipError(
            f"La date de fin doit être postérieure au début de l'adhésion ({_fr(membership.start_date)}).",
            extra={"fields": {"end_date": ["Date de fin antérieure au début."]}},
        )
    membership.end_date = end_date
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    cpts_event_write(
        event_type=CptsEventType.MEMBERSHIP_ENDED,
        actor=actor,
        obj=membership,
        params={
            "professional_id": membership.professional_id,
            "structure_id": membership.structure_id,
            "end_date": end_date.isoformat(),
        },
    )
    through = SasParticipation.objects.filter(
        professional_id=membership.professional_id,
        structure_id=membership.structure_id,
        end_date__isnull=True,
    ).first()
    if through is not None:
        participation_close(participation=through, end_date=max(end_date, through.start_date), actor=actor)
    return membership


@transaction.atomic
def structure_contact_update(*, structure: Structure, phone: str, email: str, actor) -> Structure:
    """The contact details the SAS uses for second-level orientation (DOMAIN.md §3.1 step 3)."""
    before = {"phone": structure.phone, "email": structure.email}
    structure.phone = phone
    structure.email = email
    structure.full_clean()
    structure.save(update_fields=["phone", "email"])
    cpts_event_write(
        event_type=CptsEventType.STRUCTURE_CONTACT_UPDATED,
        actor=actor,
        obj=structure,
        params={"before": before, "after": {"phone": phone, "email": email}},
    )
    return structure


@transaction.atomic
def structure_contract_update(
    *, structure: Structure, size_override: int | None, aci_signed_on, actor
) -> Structure:
    """The CPTS contract facts an administrator sets: the contract's size (overrides the size
    computed from the population, DOMAIN.md §6) and the ACI signature date (seed 001)."""
    before = {"size_override": structure.size_override, "aci_signed_on": str(structure.aci_signed_on or "")}
    structure.size_override = size_override
    structure.aci_signed_on = aci_signed_on
    structure.full_clean()
    structure.save(update_fields=["size_override", "aci_signed_on"])
    cpts_event_write(
        event_type=CptsEventType.STRUCTURE_CONTRACT_UPDATED,
        actor=actor,
        obj=structure,
        params={
            "before": before,
            "after": {"size_override": size_override, "aci_signed_on": str(aci_signed_on or "")},
        },
    )
    return structure


@transaction.atomic
def professional_link_user(*, professional: Professional, user, actor) -> Professional:
    """Link an effecteur's account to their directory entry (``Professional.user``)."""
    professional = _lock_professional(professional)
    if professional.user_id == user.pk:
        return professional
    professional.user = user
    professional.updated_at = timezone.now()
    professional.full_clean()
    professional.save(update_fields=["user", "updated_at"])
    cpts_event_write(
        event_type=CptsEventType.PROFESSIONAL_LINKED,
        actor=actor,
        obj=professional,
        params={"user_id": user.pk},
    )
    return professional


def professional_link_on_psc_sign_in(user_id: int, national_id: str) -> Professional | None:
    """Pro Santé Connect sign-in hook (``sas_platform.identity_hooks``): the first sign-in links the
    account to the directory's professional with the same national identifier (``8`` + RPPS,
    DOMAIN.md §1 PSC). A professional already linked to another account is left alone."""
    from django.contrib.auth import get_user_model

    from cpts.selectors import professional_get_by_rpps

    professional = professional_get_by_rpps(rpps=national_id)
    user = get_user_model().objects.filter(pk=user_id).first()
    if professional is None or user is None or professional.user_id not in (None, user.pk):
        return None
    return professional_link_user(professional=professional, user=user, actor=user)
