"""Load régions, départements and communes (idempotent), with a progress bar."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from sas_platform.services import GEO_DATA_DIR, geography_load


class Command(BaseCommand):
    help = (
        "Charge le référentiel géographique (régions, départements, communes) depuis sas_platform/data/geo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=GEO_DATA_DIR)

    def handle(self, *args, directory: Path, **options):
        verbosity = options["verbosity"]
        bar = tqdm(total=0, unit=" communes", desc="Communes", disable=verbosity < 1, file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        stats = geography_load(directory=directory, progress=progress)
        bar.close()
        for reason in stats.skipped[:20]:
            self.stderr.write(f"ignoré : {reason}")
        self.stdout.write(json.dumps(stats.as_dict(), ensure_ascii=False))
