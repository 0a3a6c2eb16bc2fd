"""Audit event types and writers of `cpts` (values ``cpts.<event>``, STYLE.md 9).

Writers are called inside the service's transaction, so the event and the change commit together.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from sas_platform.events import audit_event_write


class CptsEventType(models.TextChoices):
    PARTICIPATION_DECLARED = "cpts.participation_declared", "Participation au SAS déclarée"
    PARTICIPATION_CLOSED = "cpts.participation_closed", "Participation au SAS close"
    MEMBERSHIP_ADDED = "cpts.membership_added", "Adhésion ajoutée"
    MEMBERSHIP_ENDED = "cpts.membership_ended", "Adhésion terminée"
    STRUCTURE_CONTACT_UPDATED = "cpts.structure_contact_updated", "Coordonnées de la structure modifiées"
    STRUCTURE_CONTRACT_UPDATED = "cpts.structure_contract_updated", "Contrat ACI de la CPTS modifié"
    PROFESSIONAL_LINKED = "cpts.professional_linked", "Compte lié à un professionnel"
    IMPORT_STARTED = "cpts.import_started", "Import de l'annuaire lancé"
    IMPORT_FINISHED = "cpts.import_finished", "Import de l'annuaire terminé"


def cpts_event_write(
    *, event_type: CptsEventType, actor, obj: models.Model | None = None, params: dict[str, Any] | None = None
):
    """Append one ``cpts.*`` event to the audit trail (see :func:`sas_platform.events.audit_event_write`)."""
    return audit_event_write(event_type=event_type, actor=actor, obj=obj, params=params)
