"""Audit event types and writers of `remuneration` (values ``remuneration.<event>``).

The barèmes' history and every step of a bordereau's workflow are written to the audit trail in
the service's transaction (STYLE.md 9).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from sas_platform.events import audit_event_write


class RemunerationEvent(models.TextChoices):
    BAREME_CREATED = "remuneration.bareme_created", "Barème ajouté"
    BAREME_CHANGED = "remuneration.bareme_changed", "Barème modifié"
    BAREME_CONFIRMED = "remuneration.bareme_confirmed", "Barème provisoire confirmé"
    BORDEREAU_COMPUTED = "remuneration.bordereau_computed", "Bordereau calculé"
    BORDEREAU_VALIDATED = "remuneration.bordereau_validated", "Bordereau validé (ARS)"
    BORDEREAU_SENT_BACK = "remuneration.bordereau_sent_back", "Bordereau renvoyé (ARS)"
    BORDEREAU_LOCKED = "remuneration.bordereau_locked", "Bordereau exporté et verrouillé (CPAM)"
    BORDEREAU_PAID = "remuneration.bordereau_paid", "Bordereau payé (CPAM)"
    ACI_TARGET_SAVED = "remuneration.aci_target_saved", "Indicateur de contrat ACI enregistré"
    ACI_TARGET_DELETED = "remuneration.aci_target_deleted", "Indicateur de contrat ACI supprimé"
    PROTOCOL_ACT_RECORDED = "remuneration.protocol_act_recorded", "Acte de protocole enregistré"


def remuneration_event_write(
    *, event_type: RemunerationEvent, actor, obj: models.Model, params: dict[str, Any] | None = None
):
    return audit_event_write(event_type=event_type, actor=actor, obj=obj, params=params or {})
