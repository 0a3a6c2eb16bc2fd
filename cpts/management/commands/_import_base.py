"""Shared body of the import commands: progress bar, rejections, one-line JSON summary last."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cpts.enums import ImportStatus
from cpts.imports.runs import import_run_create, import_run_execute
from cpts.models import ImportRun


class ImportCommand(BaseCommand):
    kind: str = ""
    unit: str = ""

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier à importer")
        parser.add_argument(
            "--show-rejections", type=int, default=20, help="Nombre de rejets affichés (20 par défaut)"
        )

    def handle(self, *args, path: Path, show_rejections: int, **options):
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        run = import_run_create(
            kind=self.kind,
            file_name=path.name,
            file_path=str(path.resolve()),
            actor=None,
            full_extract=options.get("full", False),
        )
        bar = tqdm(
            total=0,
            unit=self.unit,
            unit_scale=True,
            desc=path.name,
            disable=options["verbosity"] < 1,
            file=self.stderr._out,
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        stats = import_run_execute(run_id=run.pk, progress=progress)
        bar.close()
        run = ImportRun.objects.get(pk=run.pk)
        for rejection in stats.rejections[:show_rejections]:
            self.stderr.write(f"ligne {rejection['line']} rejetée : {rejection['reason']}")
        if stats.rejected > show_rejections:
            self.stderr.write(
                f"... {stats.rejected - show_rejections} autres rejets (voir l'import n° {run.pk})."
            )
        self.stdout.write(json.dumps(stats.summary()))
        if run.status == ImportStatus.FAILED:
            raise CommandError(run.error)
