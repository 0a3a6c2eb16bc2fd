"""Enumerations of `planning` (DOMAIN.md §3.3: slot types, modalities, statuses)."""

from django.db import models


class SlotStatus(models.TextChoices):
    """Lifecycle of an aggregated slot (DOMAIN.md §3.3; sas-ig slotstatus ``free``).

    FREE: offered by its source. HELD: kept for a regulator for a few minutes while they book
    it at the editor (``held_until``). BOOKED: taken through the SAS. GONE: vanished from its
    source (booked elsewhere or withdrawn).
    """

    FREE = "free", "Libre"
    HELD = "held", "Réservé temporairement"
    BOOKED = "booked", "Pris"
    GONE = "gone", "Disparu de la source"


class SlotType(models.TextChoices):
    """``meta.security`` codes of TRE_R314 (combinable)."""

    PUBLIC = "PUBLIC", "Grand public"
    PRO = "PRO", "Professionnels de santé"
    SNP = "SNP", "Dédié au SAS (SNP)"
    CPTS = "CPTS", "Offert via une CPTS"


class Modality(models.TextChoices):
    """``serviceType`` codes of v3 ActCode (combinable)."""

    AMB = "AMB", "Au cabinet"
    VR = "VR", "Téléconsultation"
    HH = "HH", "À domicile"


#: Bit of each code in ``Slot.type_mask`` / ``Slot.modality_mask`` (filters work on any database).
SLOT_TYPE_BITS = {SlotType.PUBLIC: 1, SlotType.PRO: 2, SlotType.SNP: 4, SlotType.CPTS: 8}
MODALITY_BITS = {Modality.AMB: 1, Modality.VR: 2, Modality.HH: 4}


def mask_of(codes, bits: dict) -> int:
    """``mask_of(["AMB", "VR"], MODALITY_BITS) == 3``; unknown codes are ignored."""
    return sum(bit for code, bit in bits.items() if code in set(codes or ()))


class SourceKind(models.TextChoices):
    FHIR_SAS_IG = "fhir_sas_ig", "Éditeur d'agenda FHIR (guide SAS, INT_R01 / INT_R04)"
    FILE_REPLAY = "file_replay", "Rejeu d'un fichier (support)"


class SourceHealth(models.TextChoices):
    UNKNOWN = "unknown", "Jamais interrogée"
    OK = "ok", "Opérationnelle"
    DEGRADED = "degraded", "Réponses partielles"
    FAILING = "failing", "En échec"


class RunStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    SUCCESS = "success", "Réussie"
    PARTIAL = "partial", "Partielle"
    FAILED = "failed", "Échec"
    SKIPPED = "skipped", "Ignorée (déjà en cours)"


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Planifiée"
    MANUAL = "manual", "Lancée à la main"
    COMMAND = "command", "Commande (rejeu)"
    DEMO = "demo", "Démonstration"


class AvailabilityKind(models.TextChoices):
    WEEKLY = "weekly", "Chaque semaine"
    ONE_OFF = "one_off", "Ponctuelle"
