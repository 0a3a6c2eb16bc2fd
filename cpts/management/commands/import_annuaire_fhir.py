from cpts.enums import ImportKind
from cpts.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe des ressources FHIR de l'Annuaire Santé (Practitioner, PractitionerRole, Organization) "
        "depuis un Bundle JSON ou un fichier NDJSON. Dernière ligne : le résumé en JSON."
    )
    kind = ImportKind.FHIR
    unit = " ressources"
