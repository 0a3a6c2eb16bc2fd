"""Remove a user's second factor (lost phone, no recovery code left): the next sign-in enrols again."""

from django.core.management.base import BaseCommand, CommandError

from sas_platform.models import User
from sas_platform.otp.services import otp_reset


class Command(BaseCommand):
    help = "Réinitialise la double authentification d'un compte (nouvel enrôlement à la prochaine connexion)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="adresse électronique du compte")

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"Aucun compte pour {options['email']}.")
        otp_reset(user=user, actor=None)
        self.stdout.write(f"Double authentification réinitialisée pour {user.email}.")
