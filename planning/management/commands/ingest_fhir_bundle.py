"""Replay a saved SAS IG searchset bundle as one run of a source (operators and support).

    python manage.py ingest_fhir_bundle PATH --source NAME [--window-start ISO --window-end ISO]

Same parsing and upsert as a poll (``planning.services.bundle_replay``). The last line printed is
the run's statistics as one line of JSON:
``{"fetched": N, "created": N, "updated": N, "unchanged": N, "gone": N, "rejected": N}``.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from planning.services import bundle_replay
from sas_platform.exceptions import ApplicationError


def _aware(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{name} : date ISO 8601 invalide ({value!r}).") from exc
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Rejoue un Bundle FHIR searchset (guide SAS) comme une interrogation d'une source."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier JSON du Bundle searchset.")
        parser.add_argument("--source", required=True, help="Nom technique de la source (créée si absente).")
        parser.add_argument("--window-start", help="Début de la fenêtre (ISO 8601).")
        parser.add_argument("--window-end", help="Fin de la fenêtre (ISO 8601).")

    def handle(self, *args, path: str, source: str, window_start, window_end, **options):
        start, end = _aware(window_start, "--window-start"), _aware(window_end, "--window-end")
        if start and end and end <= start:
            raise CommandError("--window-end doit suivre --window-start.")
        try:
            run = bundle_replay(path=path, source_name=source, window_start=start, window_end=end)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for rejection in run.rejections:
            self.stderr.write(f"rejeté {rejection['resource']} : {rejection['reason']}")
        for error in run.errors:
            self.stderr.write(f"erreur : {error}")
        self.stdout.write(json.dumps(run.stats()))
