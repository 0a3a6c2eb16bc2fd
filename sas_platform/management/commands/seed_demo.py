"""Build the deterministic demo of the SAS des Bouches-du-Rhône (idempotent)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sas_platform.demo import DEMO_PASSWORD, DEMO_USERS, demo_seed


class Command(BaseCommand):
    help = "Crée la démonstration du SAS 13 (territoire, comptes de démonstration, données des modules)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("DEMO_MODE est désactivé : la démonstration ne peut pas être créée ici.")
        try:
            summary = demo_seed()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.email:<24} {user.role.label}")
