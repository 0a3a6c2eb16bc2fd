from cpts.enums import ImportKind
from cpts.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe une extraction RPPS (PS_LibreAcces_Personne_activite) ou Pro Santé Connect "
        "(format reconnu d'après l'en-tête). Dernière ligne : le résumé en JSON."
    )
    kind = ImportKind.RPPS
    unit = "o"
