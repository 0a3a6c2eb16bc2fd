"""Audit writers (STYLE.md 9). Call them inside the service's transaction.

Reads of patient data are logged with :func:`patient_data_access_write` (DOMAIN.md §8:
"log every read and change of a patient dossier (who, when, what)").
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from sas_platform.enums import AccessPurpose
from sas_platform.models import AuditEvent, PatientDataAccess, User

_EVENT_TYPE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _object_ref(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk), str(obj)[:255]


def audit_event_write(
    *,
    event_type: models.TextChoices,
    actor: User | None,
    obj: models.Model | None = None,
    params: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it.

    ``event_type`` is a member of an app's event enum (value ``<app>.<event>``); ``actor`` is
    ``None`` for the system (tasks, imports); ``params`` must be JSON-serialisable and must not
    carry more patient data than the event needs.
    """
    value = str(event_type.value if hasattr(event_type, "value") else event_type)
    if not _EVENT_TYPE.match(value):
        raise ValueError(f"Type d'événement d'audit invalide : {value!r}")
    object_type, object_id, object_repr = _object_ref(obj)
    return AuditEvent.objects.create(
        event_type=value,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=(actor.email if actor is not None and actor.is_authenticated else "système"),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        params=params or {},
    )


def patient_data_access_write(
    *, actor: User, obj: models.Model, purpose: AccessPurpose = AccessPurpose.VIEW, path: str = ""
) -> PatientDataAccess:
    """Record that ``actor`` read the patient data held by ``obj``."""
    object_type, object_id, _ = _object_ref(obj)
    return PatientDataAccess.objects.create(
        actor=actor, object_type=object_type, object_id=object_id, purpose=purpose, path=path[:500]
    )
