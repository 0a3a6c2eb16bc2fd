"""Import runs: an import started from the API, the admin or a command, with its progress and
report kept on :class:`~cpts.models.ImportRun`."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cpts.enums import ImportKind, ImportStatus
from cpts.events import CptsEventType, cpts_event_write
from cpts.exceptions import ImportFileError
from cpts.imports.common import ImportStats, ProgressCallback
from cpts.imports.fhir import fhir_import
from cpts.imports.rpps import rpps_import
from cpts.models import ImportRun

_IMPORTERS = {ImportKind.RPPS: rpps_import, ImportKind.FHIR: fhir_import}


def upload_directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "cpts-imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _check_full_extract(*, kind: str, full_extract: bool) -> None:
    if full_extract and ImportKind(kind) != ImportKind.RPPS:
        raise ImportFileError(
            "Seule une extraction RPPS peut être importée comme extraction complète.",
            code="import_full_rpps_only",
        )


@transaction.atomic
def import_run_create(
    *,
    kind: str,
    file_name: str,
    file_path: str,
    actor,
    full_extract: bool = False,
) -> ImportRun:
    """Record a pending import. The interface that asks for it starts the work
    (:func:`cpts.tasks.import_run_enqueue`, after commit; a command runs it in its own process).

    ``full_extract`` (RPPS only): the file is a complete extract, places it no longer lists are
    marked inactive."""
    if full_extract and ImportKind(kind) != ImportKind.RPPS:
        raise ImportFileError(
            "Seule une extraction RPPS peut être importée comme extraction complète.",
            code="import_full_rpps_only",
        )
    run = ImportRun(
        kind=ImportKind(kind),
        file_name=file_name[:255],
        file_path=str(file_path)[:500],
        created_by=actor if actor is not None and actor.is_authenticated else None,
        full_extract=full_extract,
    )
    run.full_clean()
    run.save()
    cpts_event_write(
        event_type=CptsEventType.IMPORT_STARTED,
        actor=actor,
        obj=run,
        params={"kind": run.kind, "file_name": run.file_name, "full_extract": run.full_extract},
    )
    return run


def import_run_create_from_upload(
    *, kind: str, uploaded_file, actor, full_extract: bool = False
) -> ImportRun:
    """Store an uploaded file (streamed by chunks) and record its import (pending: the caller
    enqueues it, :func:`cpts.tasks.import_run_enqueue`)."""
    _check_full_extract(kind=kind, full_extract=full_extract)
    name = Path(uploaded_file.name).name
    target = upload_directory() / f"{uuid.uuid4().hex}-{name}"
    with target.open("wb") as handle:
        for chunk in uploaded_file.chunks():
            handle.write(chunk)
    return import_run_create(
        kind=kind, file_name=name, file_path=str(target), actor=actor, full_extract=full_extract
    )


def _save_counts(run: ImportRun, stats: ImportStats) -> None:
    for name, value in stats.summary().items():
        setattr(run, name, value or 0)
    run.rejections = stats.rejections


def import_run_execute(*, run_id: int, progress: ProgressCallback | None = None) -> ImportStats:
    """Run a pending import (idempotent: a run already finished is not run again)."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status in (ImportStatus.DONE, ImportStatus.FAILED):
        stats = ImportStats(file_format=run.file_format)
        stats.read, stats.created, stats.updated = run.read, run.created, run.updated
        stats.unchanged, stats.rejected, stats.rejections = run.unchanged, run.rejected, run.rejections
        return stats
    run.status = ImportStatus.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])

    def _progress(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total)
        if progress:
            progress(done, total)

    stats = ImportStats()
    try:
        options = {"full": True} if run.full_extract else {}
        stats = _IMPORTERS[ImportKind(run.kind)](path=run.file_path, progress=_progress, **options)
        run.status = ImportStatus.DONE
    except ImportFileError as exc:
        run.status = ImportStatus.FAILED
        run.error = exc.message
    except OSError as exc:
        run.status = ImportStatus.FAILED
        run.error = f"Fichier illisible : {exc.strerror or exc}"
    run.refresh_from_db(fields=["progress_done", "progress_total"])
    _save_counts(run, stats)
    run.file_format = stats.file_format
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        cpts_event_write(
            event_type=CptsEventType.IMPORT_FINISHED,
            actor=None,
            obj=run,
            params={"status": run.status, "error": run.error, **stats.summary()},
        )
    return stats
