from cpts.enums import ImportKind
from cpts.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe une extraction RPPS (PS_LibreAcces_Personne_activite) ou Pro Santé Connect "
        "(format reconnu d'après l'en-tête). Dernière ligne : le résumé en JSON."
    )
    kind = ImportKind.RPPS
    unit = "o"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--full",
            action="store_true",
            help=(
                "Extraction complète : les lieux d'exercice RPPS absents du fichier sont marqués "
                "inactifs (jamais supprimés), sauf ceux d'un professionnel dont une ligne est rejetée."
            ),
        )
