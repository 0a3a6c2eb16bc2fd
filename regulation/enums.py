"""Enumerations of `regulation` (DOMAIN.md §3.1, §3.4; Hub Santé nomenclatures; sas-ig Appointment)."""

from django.db import models


class DossierState(models.TextChoices):
    """Where a dossier is on the path of a call (DOMAIN.md §3.1). Transitions: ``policies.TRANSITIONS``."""

    OPENED = "opened", "Ouvert (ARM)"
    AMU = "amu", "Transféré à l'AMU"
    GENERAL_PRACTICE = "general_practice", "À réguler (médecine générale)"
    REGULATED = "regulated", "Régulé, à orienter"
    ORIENTING = "orienting", "Orientation en cours"
    ORIENTED = "oriented", "Orienté"
    OUTCOME_KNOWN = "outcome_known", "Issue connue"
    CLOSED = "closed", "Clos"


class Transition(models.TextChoices):
    """The named moves of the state machine; each is one service writing one audit event."""

    ROUTE_AMU = "route_amu", "Orientation vers l'AMU"
    ROUTE_GENERAL_PRACTICE = "route_general_practice", "Orientation vers la médecine générale"
    DECIDE = "decide", "Décision du régulateur"
    START_ORIENTATION = "start_orientation", "Début de l'orientation"
    ORIENT = "orient", "Patient orienté"
    REOPEN_ORIENTATION = "reopen_orientation", "Orientation reprise"
    CLOSE_WITHOUT_APPOINTMENT = "close_without_appointment", "Clôture sans rendez-vous"
    RECORD_OUTCOME = "record_outcome", "Issue enregistrée"
    CLOSE = "close", "Clôture"
    CLOSE_OUTCOME_UNKNOWN = "close_outcome_unknown", "Clôture, issue inconnue"


class Origin(models.TextChoices):
    """Which number the patient called (DOMAIN.md §3.1 step 1)."""

    CENTRE_15 = "15", "15"
    NUMBER_116117 = "116117", "116 117"
    NUMBER_112 = "112", "112"
    OTHER = "other", "Autre"


class CallerRelation(models.TextChoices):
    PATIENT = "patient", "Le patient lui-même"
    FAMILY = "family", "Famille, proche"
    PROFESSIONAL = "professional", "Professionnel de santé"
    OTHER = "other", "Autre"


class Sex(models.TextChoices):
    FEMALE = "F", "Femme"
    MALE = "M", "Homme"
    UNKNOWN = "", "Non renseigné"


class Priority(models.TextChoices):
    """Hub Santé priority (DOMAIN.md §3.1 step 2). P2 is the default."""

    P0 = "P0", "P0 – urgence vitale"
    P1 = "P1", "P1 – prioritaire"
    P2 = "P2", "P2 – non urgent"
    P3 = "P3", "P3 – différé"
    NR = "NR", "NR – non renseigné"


#: Order in the queue: most urgent first, NR after P1 (not yet qualified, must be looked at).
PRIORITY_RANK = {Priority.P0: 0, Priority.P1: 1, Priority.NR: 2, Priority.P2: 3, Priority.P3: 4}


class CareLevel(models.TextChoices):
    """Hub Santé care level (niveau de soins), R1 most to R4 least intensive."""

    R1 = "R1", "R1"
    R2 = "R2", "R2"
    R3 = "R3", "R3"
    R4 = "R4", "R4"


class Decision(models.TextChoices):
    """The regulator's decision list (DOMAIN.md §3.1 step 2)."""

    ADVICE = "advice", "Conseil médical"
    PRESCRIPTION = "prescription", "Prescription médicamenteuse par téléphone"
    APPOINTMENT_48H = "appointment_48h", "RDV en ville sous 48 h (cabinet)"
    TELECONSULTATION = "teleconsultation", "Téléconsultation"
    HOME_VISIT = "home_visit", "Visite à domicile"
    EMERGENCY_DEPARTMENT = "emergency_department", "Orientation vers un établissement / urgences (SAU)"
    AMU = "amu", "Renvoi vers l'AMU"
    PDSA = "pdsa", "Transfert à la PDSA"


class Modality(models.TextChoices):
    """Consultation type (sas-ig ``serviceType``, v3 ActCode; DOMAIN.md §3.3)."""

    AMB = "AMB", "Cabinet"
    VR = "VR", "Téléconsultation"
    HH = "HH", "Domicile"


class OrientationCategory(models.TextChoices):
    """sas-ig ``categorie-orientation`` (DOMAIN.md §3.1 step 4)."""

    PS = "PS", "Professionnel de santé (individuel)"
    CPTS = "CPTS", "CPTS"
    MSP = "MSP", "MSP"
    CDS = "CDS", "Centre de santé"
    SOS = "SOS", "SOS Médecins"
    PDM = "PDM", "Place de marché"


class OrientationResult(models.TextChoices):
    """How the orientation ended (DOMAIN.md §3.1 steps 2-3)."""

    TREATING_DOCTOR = "treating_doctor", "RDV avec le médecin traitant"
    APPOINTMENT = "appointment", "RDV pris sur un créneau"
    SURNUMERAIRE = "surnumeraire", "Pris en surnuméraire"
    ADVICE = "advice", "Conseil médical"
    PRESCRIPTION = "prescription", "Prescription par téléphone"
    EMERGENCY_DEPARTMENT = "emergency_department", "Orienté vers les urgences"
    AMU = "amu", "Renvoyé vers l'AMU"
    PDSA = "pdsa", "Transféré à la PDSA"


#: Results that close the dossier at once (no appointment to follow up).
CLOSING_RESULTS = frozenset(
    {
        OrientationResult.ADVICE,
        OrientationResult.PRESCRIPTION,
        OrientationResult.EMERGENCY_DEPARTMENT,
        OrientationResult.PDSA,
    }
)


class TreatingDoctorCallResult(models.TextChoices):
    """What the OSNP got when calling the médecin traitant first (DOMAIN.md §3.1 step 3)."""

    APPOINTMENT = "appointment", "Joignable : RDV sous 48 h avec le médecin traitant"
    NO_SLOT = "no_slot", "Joint, pas de disponibilité sous 48 h"
    UNREACHABLE = "unreachable", "Injoignable"
    NONE = "none", "Pas de médecin traitant connu"


class BookingKind(models.TextChoices):
    PLATFORM_SLOT = "platform_slot", "Créneau géré par la plateforme"
    EDITOR_SLOT = "editor_slot", "Créneau d'un éditeur d'agenda"
    TREATING_DOCTOR = "treating_doctor", "Médecin traitant"
    SURNUMERAIRE = "surnumeraire", "Surnuméraire"


class AppointmentStatus(models.TextChoices):
    """sas-ig Appointment status (DOMAIN.md §3.1 step 4) plus the hold before an editor confirms."""

    HELD = "held", "Créneau retenu (en attente de l'éditeur)"
    EXPIRED = "expired", "Retenue expirée"
    BOOKED = "booked", "RDV pris"
    FULFILLED = "fulfilled", "RDV honoré"
    NOSHOW = "noshow", "Patient absent"
    CANCELLED = "cancelled", "RDV annulé"


#: Statuses under which a booking still occupies its slot.
ACTIVE_APPOINTMENT_STATUSES = (AppointmentStatus.HELD, AppointmentStatus.BOOKED)
#: Final outcomes of an appointment (DOMAIN.md §3.1 step 4).
OUTCOME_STATUSES = (AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED)


class RequestChannel(models.TextChoices):
    PHONE = "phone", "Téléphone"
    SMS = "sms", "SMS"
    EMAIL = "email", "Courriel"
    PLATFORM = "platform", "Plateforme (page de la structure)"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "En attente de réponse"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    NO_ANSWER = "no_answer", "Sans réponse"
    CANCELLED = "cancelled", "Annulée"


class ClosureReason(models.TextChoices):
    OUTCOME_KNOWN = "outcome_known", "Issue connue"
    OUTCOME_UNKNOWN = "outcome_unknown", "Issue inconnue (clôture automatique)"
    WITHOUT_APPOINTMENT = "without_appointment", "Sans rendez-vous"


class ShiftOrigin(models.TextChoices):
    """How a regulator's on-duty period was recorded (DOMAIN.md §7.5)."""

    DESK = "desk", "Prise et fin de garde au poste"
    SCHEDULE = "schedule", "Planning mensuel (administrateur SAS)"
    CORRECTION = "correction", "Correction"
