"""Done confirmation (issue 11 §9): after a vacation, the professional or the coordinator says it
was done (or not), with the number of patients seen, pre-filled from the desk's bookings on its
slots."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from planning.enums import SlotStatus
from planning.vacations.enums import VacationEventKind, VacationState
from planning.vacations.events import VacationAudit, vacation_history_write
from planning.vacations.models import Vacation, VacationSlot
from planning.vacations.services.assignment import locked_vacation
from sas_platform.exceptions import ApplicationError


def patients_from_sas(vacation_id: int) -> int:
    """Bookings made through the SAS desk on the vacation's slots."""
    return VacationSlot.objects.filter(vacation_id=vacation_id, slot__status=SlotStatus.BOOKED).count()


@transaction.atomic
def vacation_confirm(*, vacation_id: int, done: bool, patients_seen: int | None, actor) -> Vacation:
    """Confirm a past assigned vacation as done (with patients seen, at least the SAS bookings when
    not given) or not done. A confirmed vacation can be corrected by confirming again."""
    vacation = locked_vacation(vacation_id)
    if vacation.state not in (VacationState.ASSIGNED, VacationState.DONE, VacationState.NOT_DONE):
        raise ApplicationError("Seule une vacation attribuée peut être confirmée.", code="conflict")
    if vacation.starts_at > timezone.now():
        raise ApplicationError("Cette vacation n'a pas encore commencé.", code="conflict")
    from_sas = patients_from_sas(vacation.pk)
    if patients_seen is not None and patients_seen < 0:
        raise ApplicationError("Le nombre de patients ne peut pas être négatif.", code="invalid")
    vacation.state = VacationState.DONE if done else VacationState.NOT_DONE
    vacation.patients_from_sas = from_sas if done else 0
    vacation.patients_seen = (patients_seen if patients_seen is not None else from_sas) if done else 0
    if done and vacation.patients_seen < from_sas:
        raise ApplicationError(
            f"{from_sas} patient(s) ont été adressés par le SAS sur cette vacation : indiquez au moins ce nombre.",
            code="invalid",
        )
    vacation.confirmed_at = timezone.now()
    vacation.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    vacation.version += 1
    vacation.save(
        update_fields=[
            "state",
            "patients_seen",
            "patients_from_sas",
            "confirmed_at",
            "confirmed_by",
            "version",
        ]
    )
    vacation_history_write(
        vacation=vacation,
        kind=VacationEventKind.DONE if done else VacationEventKind.NOT_DONE,
        actor=actor,
        audit=VacationAudit.CONFIRMED,
        note=f"{vacation.patients_seen} patient(s)",
    )
    return vacation
