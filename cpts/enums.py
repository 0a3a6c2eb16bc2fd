"""Enumerations of the directory (DOMAIN.md §1, §4, §6; sas-ig identifiers)."""

from django.db import models

from sas_platform.identifiers import ADELI_PREFIX, RPPS_PREFIX


class IdentifierType(models.TextChoices):
    """Type of a professional's national identifier (``Type d'identifiant PP``)."""

    RPPS = RPPS_PREFIX, "RPPS"
    ADELI = ADELI_PREFIX, "ADELI"


class StructureKind(models.TextChoices):
    CPTS = "cpts", "CPTS"
    MSP = "msp", "Maison de santé pluriprofessionnelle (MSP)"
    CDS = "cds", "Centre de santé"
    SOS = "sos", "SOS Médecins"
    ETABLISSEMENT = "etablissement", "Établissement de santé"
    CABINET = "cabinet", "Cabinet"


class ExerciseMode(models.TextChoices):
    """``Code mode exercice`` of the RPPS extract."""

    LIBERAL = "L", "Libéral"
    SALARIE = "S", "Salarié"
    BENEVOLE = "B", "Bénévole"
    UNKNOWN = "", "Non renseigné"


class ParticipationMode(models.TextChoices):
    """How a doctor takes part in the SAS (DOMAIN.md §4; seed 004: the 5 ways)."""

    INDIVIDUAL = "individual", "À titre individuel"
    CPTS = "cpts", "Via ma CPTS"
    MSP = "msp", "Via ma MSP"
    SOS = "sos", "Via SOS Médecins"
    CDS = "cds", "Centre de santé (pour tous ses médecins généralistes)"


#: The structure kind a participation mode goes through (``None``: individual).
PARTICIPATION_STRUCTURE_KIND = {
    ParticipationMode.INDIVIDUAL: None,
    ParticipationMode.CPTS: StructureKind.CPTS,
    ParticipationMode.MSP: StructureKind.MSP,
    ParticipationMode.SOS: StructureKind.SOS,
    ParticipationMode.CDS: StructureKind.CDS,
}


class VisibilityMode(models.TextChoices):
    """How the SAS sees the doctor's availability (DOMAIN.md §4 condition 1)."""

    INTERFACED_AGENDA = "interfaced_agenda", "Agenda en ligne interfacé"
    DECLARED_AVAILABILITY = (
        "declared_availability",
        "Disponibilités déclarées sur la plateforme (2 h/semaine)",
    )


class ParticipationStatus(models.TextChoices):
    """Effective participation on a date (computed by ``cpts.selectors``)."""

    NOT_PARTICIPATING = "not_participating", "Ne participe pas"
    PARTICIPATING = "participating", "Participe au SAS"


class DataSource(models.TextChoices):
    RPPS = "rpps", "Extraction RPPS (libre accès)"
    PSC = "psc", "Extraction Pro Santé Connect"
    FHIR = "fhir", "Annuaire Santé FHIR"
    MANUAL = "manual", "Saisie sur la plateforme"
    DEMO = "demo", "Démonstration"


class ImportKind(models.TextChoices):
    RPPS = "rpps", "Extraction RPPS / Pro Santé Connect"
    FHIR = "fhir", "Annuaire Santé FHIR"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"


class CptsSize(models.IntegerChoices):
    """ACI CPTS size by population covered (DOMAIN.md §6)."""

    SIZE_1 = 1, "Taille 1 (< 40 000 habitants)"
    SIZE_2 = 2, "Taille 2 (40 000 à 80 000)"
    SIZE_3 = 3, "Taille 3 (80 000 à 175 000)"
    SIZE_4 = 4, "Taille 4 (> 175 000)"
