"""Write the registry of periodic tasks (``sas_platform.celery.PERIODIC_TASKS``) into beat's tables.

Creates missing entries; leaves a schedule an administrator edited in the admin as it is
unless ``--reset`` is given. Idempotent.
"""

from django.core.management.base import BaseCommand

from sas_platform.periodic import periodic_tasks_sync


class Command(BaseCommand):
    help = "Enregistre les tâches planifiées du registre dans django-celery-beat."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Rétablir les horaires du registre.")

    def handle(self, *args, reset: bool, **options):
        created, updated = periodic_tasks_sync(reset=reset)
        self.stdout.write(
            f"Tâches planifiées : {created} créée(s), {updated} remise(s) à l'horaire du registre."
        )
