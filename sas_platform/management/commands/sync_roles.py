"""Create the role groups and their admin permissions (idempotent; run by ``make install``)."""

from django.core.management.base import BaseCommand

from sas_platform.services import roles_ensure_groups


class Command(BaseCommand):
    help = "Crée les groupes des rôles et les droits de consultation des administrateurs SAS."

    def handle(self, *args, **options):
        groups = roles_ensure_groups()
        self.stdout.write(f"Rôles : {len(groups)} groupe(s) à jour.")
