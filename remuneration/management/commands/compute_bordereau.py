"""``manage.py compute_bordereau --kind regulators --territory 13 --period 2026-11``.

Computes (or recomputes) a draft bordereau; the last line printed is one line of JSON:
``{"lines": N, "total_eur": "1234.00", "anomalies": N, "changed": true}``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from remuneration.enums import BordereauKind
from remuneration.services import bordereau_compute
from sas_platform.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Calcule (ou recalcule) un bordereau en brouillon ; dernière ligne : un JSON de synthèse."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=[k.value for k in BordereauKind])
        parser.add_argument("--territory", required=True, help="code du département du SAS (ex. 13)")
        parser.add_argument("--period", required=True, help="2026-11, 2026-Q3, 2026-S2 ou 2026 selon le type")

    def handle(self, *args, kind, territory, period, **options):
        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1 and total:
                self.stderr.write(f"{done}/{total}")

        try:
            result = bordereau_compute(
                actor=None, kind=kind, territory_code=territory, period=period, progress=progress
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        b = result.bordereau
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{b} : {b.get_status_display()}, {'recalculé' if result.changed else 'inchangé'}"
            )
        self.stdout.write(
            json.dumps(
                {
                    "lines": b.lines_count,
                    "total_eur": f"{b.total:.2f}",
                    "anomalies": len(b.anomalies),
                    "changed": result.changed,
                }
            )
        )
