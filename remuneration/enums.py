"""Enumerations of `remuneration` (DOMAIN.md §7)."""

from django.db import models


class BaremeCode(models.TextChoices):
    """One rule of pay per code; each has dated rows (DOMAIN.md §7 intro)."""

    INDICATOR_8 = "indicator8", "Indicateur 8 : participation au SAS (§7.1)"
    INDICATOR_9 = "indicator9", "Indicateur 9 : patients en surnuméraire (§7.2)"
    SNP = "snp", "Majoration SNP (§7.3)"
    SHE = "she", "Majoration SHE 19 h-21 h (§7.3)"
    MRT = "mrt", "Majoration MRT (§7.4)"
    REGULATOR_HOUR = "regulator_hour", "Heure de régulation SAS (§7.5)"
    ACI_ACCESS_FIXED = "aci_access_fixed", "ACI accès aux soins : part fixe (§7.6)"
    ACI_ACCESS_VARIABLE = "aci_access_variable", "ACI accès aux soins : part variable (§7.6)"
    ACI_PARCOURS = "aci_parcours", "ACI parcours pluriprofessionnels (§7.6)"
    ACI_PREVENTION = "aci_prevention", "ACI prévention (§7.6)"
    ACI_QUALITY = "aci_quality", "ACI qualité et pertinence (§7.6)"
    ACI_SUPPORT = "aci_support", "ACI accompagnement des professionnels (§7.6)"
    ACI_CRISIS_FIRST = "aci_crisis_first", "ACI crise sanitaire : année 1 (§7.6)"
    ACI_CRISIS_UPDATE = "aci_crisis_update", "ACI crise sanitaire : années suivantes (§7.6)"
    ACI_CRISIS_DECLARED = "aci_crisis_declared", "ACI crise sanitaire : crise déclarée (§7.6)"
    ACI_EARLY_MISSION = "aci_early_mission", "ACI contrat de mission précoce (§7.6)"
    ACI_OPERATING_INCREASE = "aci_operating_increase", "ACI hausse de l'enveloppe de fonctionnement (§7.6)"
    ACI_SIZE4_MAJORATION = "aci_size4_majoration", "ACI majoration taille 4 ≥ 100 membres (§7.6)"
    ACI_2019_SNP = "aci_2019_snp", "ACI 2019 : enveloppe SNP (§7.6)"
    PROTOCOL_FIRST = "protocol_first", "Protocole SNP : patient inclus (§7.7)"
    PROTOCOL_SECOND = "protocol_second", "Protocole SNP : 2e consultation kiné (§7.7)"


class BaremeUnit(models.TextChoices):
    PER_YEAR = "per_year", "par an"
    PER_QUARTER = "per_quarter", "par trimestre"
    PER_ACT = "per_act", "par acte"
    PER_HOUR = "per_hour", "par heure"
    PER_PATIENT = "per_patient", "par patient"
    PER_CONTRACT = "per_contract", "par contrat"
    RATE = "rate", "taux"


class BordereauKind(models.TextChoices):
    """Kinds of bordereaux and their period (issue 12; DOMAIN.md §7)."""

    REGULATORS = "regulators", "Heures de régulation (mensuel)"
    SNP_MRT = "snp_mrt", "Majorations SNP / MRT (mensuel)"
    INDICATOR_9 = "indicator9", "Indicateur 9 (trimestriel)"
    INDICATOR_8 = "indicator8", "Indicateur 8 (annuel)"
    ACI = "aci", "ACI CPTS (annuel)"
    PROTOCOLS = "protocols", "Protocoles de coopération SNP (semestriel)"


class BordereauStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SENT_BACK = "sent_back", "Renvoyé par l'ARS"
    VALIDATED = "validated", "Validé par l'ARS"
    LOCKED = "locked", "Exporté et verrouillé"
    PAID = "paid", "Payé"


#: Statuses in which the lines may still be recomputed.
EDITABLE_STATUSES = frozenset({BordereauStatus.DRAFT, BordereauStatus.SENT_BACK})
#: Statuses in which nothing changes any more (database trigger, migration 0003).
LOCKED_STATUSES = frozenset({BordereauStatus.LOCKED, BordereauStatus.PAID})


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class ProtocolKind(models.TextChoices):
    """SNP cooperation protocols (DOMAIN.md §7.7; arrêtés 6 March 2020, 10 Sept 2020, 11 July 2022)."""

    URINARY = "urinary", "Pollakiurie / brûlure mictionnelle"
    ANKLE_SPRAIN = "ankle_sprain", "Entorse de la cheville (kinésithérapeute)"
    LOW_BACK_PAIN = "low_back_pain", "Lombalgie aiguë (kinésithérapeute)"
    OTHER = "other", "Autre protocole SNP"


class AciMission(models.TextChoices):
    """Missions of a CPTS contract whose variable part is weighed on indicators (DOMAIN.md §7.6)."""

    ACCESS = "access", "Amélioration de l'accès aux soins (socle)"


class AciIndicator(models.TextChoices):
    """CPTS indicators a contract may weigh its variable part on (DOMAIN.md §5, §7.6)."""

    PARTICIPATING_DOCTORS = "participating_doctors", "Médecins participant au SAS via la CPTS"
    OTHER_PROFESSIONALS = "other_professionals", "Autres professionnels membres"
    SAS_REQUESTS_WITH_APPOINTMENT = (
        "sas_requests_with_appointment",
        "Demandes du SAS terminées par un rendez-vous",
    )
    VACATIONS_DONE = "vacations_done", "Vacations SNP effectuées"
    VACATION_HOURS = "vacation_hours", "Heures de vacations SNP effectuées"
    VACATION_PATIENTS = "vacation_patients", "Patients vus en vacation"
    SNP_CONSULTATIONS = "snp_consultations", "Consultations SNP (toutes catégories)"
