"""Replay of a saved FHIR searchset bundle through the same parsing and upsert as a poll."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from planning.connectors.base import FetchResult
from planning.connectors.fhir_parse import BundleError, parse_searchset
from planning.enums import (
    RunStatus,
    RunTrigger,
    SourceKind,
)
from planning.models import AgendaSource, SourceRun
from planning.services.ingest import slots_ingest
from planning.services.sources import source_create
from sas_platform.exceptions import ApplicationError
from sas_platform.identifiers import RPPS_PREFIX, national_id_normalize


def bundle_replay(
    *,
    path: str | Path,
    source_name: str,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
) -> SourceRun:
    """Replay a saved searchset bundle as one run of a source, through the same parsing and upsert
    (``manage.py ingest_fhir_bundle``). The source is created as a file-replay source if needed; the
    professionals covered are those the bundle names."""
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ApplicationError(
            f"Fichier illisible ou JSON invalide : {exc}", code="invalid_bundle_file"
        ) from exc
    source = AgendaSource.objects.filter(name=source_name).first()
    if source is None:
        source = source_create(name=source_name, label=f"Rejeu {source_name}", kind=SourceKind.FILE_REPLAY)
    try:
        parsed = parse_searchset(payload, window_start=window_start, window_end=window_end)
    except BundleError as exc:
        raise ApplicationError(str(exc), code="invalid_bundle") from exc
    named = _national_ids_named(payload)
    rpps = sorted(value[1:] for value in named if value.startswith(RPPS_PREFIX))
    if sorted(set(source.rpps_list) | set(rpps)) != sorted(source.rpps_list):
        source.rpps_list = sorted(set(source.rpps_list) | set(rpps))
        source.save(update_fields=["rpps_list"])
    result = FetchResult(slots=parsed.slots, rejections=parsed.rejections, complete_rpps=set(rpps))
    starts = [slot.start for slot in parsed.slots]
    window_start = window_start or (min(starts) if starts else timezone.now())
    window_end = window_end or (max(starts) if starts else window_start)
    run = SourceRun.objects.create(
        source=source,
        trigger=RunTrigger.COMMAND,
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        window_start=window_start,
        window_end=window_end,
    )
    return slots_ingest(
        source=source, run=run, result=result, window_start=window_start, window_end=window_end
    )


def _national_ids_named(payload: dict) -> set[str]:
    from planning.connectors.fhir_parse import PRACTITIONER_SYSTEM

    found = set()
    for entry in payload.get("entry") or []:
        resource = (entry or {}).get("resource") or {}
        if resource.get("resourceType") == "Practitioner":
            for identifier in resource.get("identifier") or []:
                value = str((identifier or {}).get("value") or "")
                if (identifier or {}).get("system") == PRACTITIONER_SYSTEM and value:
                    found.add(national_id_normalize(value))
    return found
