"""Give a consumer access to ``GET /fhir/r4/Slot``: its machine user (created when missing), the
permission ``planning.consume_fhir_slots`` and its token (printed)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from planning.services import fhir_consumer_grant


class Command(BaseCommand):
    help = (
        "Donne à un consommateur (plateforme nationale, agrégateur, éditeur) l'accès à GET /fhir/r4/Slot : "
        "compte machine créé au besoin, permission planning.consume_fhir_slots, jeton affiché."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="adresse du compte machine, ex. agregateur@editeur.fr")

    def handle(self, *args, email: str, **options):
        try:
            user, key, created = fhir_consumer_grant(email=email)
        except ValidationError as exc:
            raise CommandError(f"Adresse invalide : {email} ({'; '.join(exc.messages)})") from exc
        self.stdout.write(f"{'Compte créé' if created else 'Compte existant'} : {user.email}")
        self.stdout.write("Permission : planning.consume_fhir_slots")
        self.stdout.write(f"Jeton : {key}")
        self.stdout.write(f"En-tête à envoyer : Authorization: Bearer {key}")
