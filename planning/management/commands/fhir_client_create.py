"""Register a FHIR consumer (issue 14): its machine user with read access to ``GET /fhir/r4/Slot``,
its token, and its mTLS client certificate when given. The last line printed is one line of JSON:
``{"client": NAME, "token": "…", "certificate_sha256": "…" or null}``."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from planning.services import fhir_client_create


class Command(BaseCommand):
    help = (
        "Enregistre un consommateur FHIR (plateforme nationale, agrégateur) : compte machine, "
        "jeton, et certificat client mTLS (--certificate). Dernière ligne : JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="nom du client, ex. plateforme-nationale-sas (ou une adresse)")
        parser.add_argument("--certificate", help="fichier PEM du certificat client (IGC-Santé)")

    def handle(self, *args, name: str, certificate: str | None = None, **options):
        pem = None
        if certificate:
            try:
                pem = Path(certificate).read_text()
            except OSError as exc:
                raise CommandError(f"Certificat illisible : {certificate} ({exc.strerror}).") from exc
        try:
            result = fhir_client_create(name=name, certificate_pem=pem)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Client FHIR « {name} » : permission planning.view_slot, jeton créé ou conservé.")
        if result["certificate_sha256"]:
            self.stdout.write(f"Certificat enregistré (SHA-256 {result['certificate_sha256']}).")
        self.stdout.write(json.dumps(result, ensure_ascii=False))
