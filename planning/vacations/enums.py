"""Enumerations of the vacation planning (DOMAIN.md §5)."""

from django.db import models


class VacationState(models.TextChoices):
    OPEN = "open", "À pourvoir"
    ASSIGNED = "assigned", "Attribuée"
    DONE = "done", "Effectuée"
    NOT_DONE = "not_done", "Non effectuée"
    CANCELLED = "cancelled", "Annulée"


class VacationModality(models.TextChoices):
    """The SAS consultation modality of a vacation type (v3 ActCode, DOMAIN.md §3.3)."""

    AMB = "AMB", "Au cabinet"
    VR = "VR", "Téléconsultation"
    HH = "HH", "Visites à domicile"


class GroupKind(models.TextChoices):
    COMMUNES = "communes", "Partie du territoire (communes)"
    PROFESSION = "profession", "Profession ou spécialité"
    SITE = "site", "Site ou structure"


class RuleKind(models.TextChoices):
    CAP = "cap", "Plafond de vacations par professionnel"
    SHARE = "share", "Part maximale des vacations"
    MIN_REST = "min_rest", "Repos minimal entre deux vacations"


class RulePeriod(models.TextChoices):
    WEEK = "week", "par semaine"
    MONTH = "month", "par mois"
    QUARTER = "quarter", "par trimestre"


class TransferKind(models.TextChoices):
    CESSION = "cession", "Cession à un confrère"
    EXCHANGE = "exchange", "Échange"
    POOL = "pool", "Remise au pot commun"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "En attente de réponse"
    AWAITING_APPROVAL = "awaiting_approval", "En attente de validation du coordinateur"
    DONE = "done", "Effectuée"
    REFUSED = "refused", "Refusée"
    CANCELLED = "cancelled", "Annulée"
    EXPIRED = "expired", "Expirée"


OPEN_TRANSFER_STATUSES = (TransferStatus.PENDING, TransferStatus.AWAITING_APPROVAL)


class VacationEventKind(models.TextChoices):
    CREATED = "created", "Créée"
    ASSIGNED = "assigned", "Attribuée"
    UNASSIGNED = "unassigned", "Libérée"
    CLAIMED = "claimed", "Prise par le professionnel"
    TRANSFERRED = "transferred", "Transférée"
    MOVED = "moved", "Déplacée"
    CANCELLED = "cancelled", "Annulée"
    DONE = "done", "Déclarée effectuée"
    NOT_DONE = "not_done", "Déclarée non effectuée"
    POOLED = "pooled", "Remise au pot commun"


class NotificationKind(models.TextChoices):
    """The kinds of messages a user chooses channels for ("Mes notifications", issue 11 §6)."""

    REMINDER = "reminder", "Rappels avant une de mes vacations"
    CHANGE = "change", "Changement d'une de mes vacations (cédée, reçue, échangée, déplacée, annulée)"
    POOL_DIGEST = "pool_digest", "Offres du pot commun (un résumé par jour)"
    FOLLOW_UP = "follow_up", "Relances : vacations que personne n'a encore prises"
    REQUEST = "request", "Demandes à traiter (cession, échange, validation)"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Courriel"
    SMS = "sms", "SMS"
