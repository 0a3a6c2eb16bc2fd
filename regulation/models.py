"""Models of `regulation` (THE CALL): dossiers, bookings, surnuméraire requests, PDSA calendars.

A dossier's history is the audit trail itself (``sas_platform.AuditEvent`` rows on the dossier,
written by the services in the same transaction as each change): the timeline is read from it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from regulation.enums import (
    ACTIVE_APPOINTMENT_STATUSES,
    OUTCOME_STATUSES,
    AppointmentStatus,
    BookingKind,
    CallerRelation,
    CareLevel,
    ClosureReason,
    Decision,
    DossierState,
    Modality,
    OrientationCategory,
    OrientationResult,
    Origin,
    Priority,
    RequestChannel,
    RequestStatus,
    Sex,
    ShiftOrigin,
    TreatingDoctorCallResult,
)
from regulation.policies import PdsaSchedule

REFERENCE_PREFIX = "SAS"


class Dossier(models.Model):
    """One call to the SAS and everything done for the patient (DOMAIN.md §3.1)."""

    territory = models.ForeignKey(
        "sas_platform.SasTerritory", verbose_name="territoire SAS", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "état", max_length=20, choices=DossierState.choices, default=DossierState.OPENED, db_index=True
    )
    # Step 1: pick-up (ARM).
    call_received_at = models.DateTimeField(
        "appel reçu le",
        null=True,
        blank=True,
        help_text="Heure d'arrivée de l'appel (téléphonie, LRM) : mesure du délai de décroché.",
    )
    picked_up_at = models.DateTimeField("décroché le", default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ARM", on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(
        "origine de l'appel", max_length=10, choices=Origin.choices, default=Origin.CENTRE_15
    )
    caller_name = models.CharField("nom de l'appelant", max_length=150, blank=True)
    caller_phone = models.CharField("téléphone de l'appelant", max_length=20, blank=True)
    caller_relation = models.CharField(
        "lien avec le patient", max_length=20, choices=CallerRelation.choices, default=CallerRelation.PATIENT
    )
    patient_last_name = models.CharField("nom du patient", max_length=150, blank=True)
    patient_first_name = models.CharField("prénom du patient", max_length=150, blank=True)
    patient_birth_date = models.DateField("date de naissance", null=True, blank=True)
    patient_age = models.PositiveSmallIntegerField("âge (ans)", null=True, blank=True)
    patient_sex = models.CharField("sexe", max_length=1, choices=Sex.choices, blank=True, default="")
    patient_phone = models.CharField("téléphone du patient", max_length=20, blank=True)
    commune = models.ForeignKey(
        "sas_platform.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("adresse", max_length=255, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    reason = models.TextField("motif de l'appel")
    priority = models.CharField("priorité", max_length=2, choices=Priority.choices, default=Priority.P2)
    care_level = models.CharField("niveau de soins", max_length=2, choices=CareLevel.choices, blank=True)
    routed_at = models.DateTimeField("orienté par l'ARM le", null=True, blank=True)
    amu_handover_at = models.DateTimeField("transmis à l'AMU le", null=True, blank=True)
    # Step 2: regulation (régulateur MG).
    decision = models.CharField("décision", max_length=30, choices=Decision.choices, blank=True)
    decision_notes = models.TextField("notes du régulateur", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="régulateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("régulé le", null=True, blank=True)
    # Step 3: orientation (OSNP).
    treating_doctor_name = models.CharField("médecin traitant", max_length=150, blank=True)
    treating_doctor_rpps = models.CharField("RPPS du médecin traitant", max_length=11, blank=True)
    treating_doctor_phone = models.CharField("téléphone du médecin traitant", max_length=20, blank=True)
    treating_doctor_call = models.CharField(
        "appel au médecin traitant", max_length=20, choices=TreatingDoctorCallResult.choices, blank=True
    )
    orientation_category = models.CharField(
        "catégorie d'orientation", max_length=4, choices=OrientationCategory.choices, blank=True
    )
    orientation_result = models.CharField(
        "résultat de l'orientation", max_length=30, choices=OrientationResult.choices, blank=True
    )
    orientation_notes = models.TextField("notes d'orientation", blank=True)
    oriented_at = models.DateTimeField("orienté le", null=True, blank=True)
    # Step 4: outcome and closing.
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    closure_reason = models.CharField(
        "motif de clôture", max_length=30, choices=ClosureReason.choices, blank=True
    )
    # Who works on it now (claim / release: DOMAIN.md §3.1 "ARM supervisors watch queues").
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pris en charge par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    held_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "dossier de régulation"
        verbose_name_plural = "dossiers de régulation"
        ordering = ["-picked_up_at", "-id"]
        indexes = [models.Index(fields=["territory", "state", "picked_up_at"], name="dossier_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(holder__isnull=True) | Q(held_since__isnull=False), name="dossier_holder_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """Stable, non-identifying reference shown to people and sent to editors (``origin=sas``)."""
        return f"{REFERENCE_PREFIX}{self.territory_id}-{self.pk:06d}" if self.pk else "(nouveau)"

    @staticmethod
    def pk_from_reference(reference: str) -> int | None:
        head, _, number = (reference or "").strip().rpartition("-")
        if not head.startswith(REFERENCE_PREFIX) or not number.isdigit():
            return None
        return int(number)

    @property
    def patient_label(self) -> str:
        name = f"{self.patient_first_name} {self.patient_last_name}".strip()
        return name or "Patient non nommé"

    @property
    def age_label(self) -> str:
        age = self.age_years
        return "âge inconnu" if age is None else f"{age} an{'s' if age > 1 else ''}"

    @property
    def age_years(self) -> int | None:
        if self.patient_birth_date:
            today = timezone.localdate()
            born = self.patient_birth_date
            return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return self.patient_age

    def waiting_seconds(self, now: dt.datetime | None = None) -> int:
        return max(0, int(((now or timezone.now()) - self.picked_up_at).total_seconds()))


class Booking(models.Model):
    """An appointment (or a hold on a slot) obtained for a dossier (DOMAIN.md §3.1 step 3-4; §3.3).

    ``slot`` is planning's slot. A slot is held or booked by at most one booking at a time
    (partial unique constraint): with planning's conditional update, nobody is booked twice.
    The foreign key lives in the database as ``ON DELETE SET NULL`` (migration 0003): planning may
    purge old slots with a fast delete, and the booking keeps what it copied (doctor, RPPS, start).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="bookings")
    kind = models.CharField("type", max_length=20, choices=BookingKind.choices)
    status = models.CharField("statut", max_length=10, choices=AppointmentStatus.choices, db_index=True)
    slot = models.ForeignKey(
        "planning.Slot",
        verbose_name="créneau (planning)",
        on_delete=models.DO_NOTHING,  # the database sets NULL (constraint added by migration 0003)
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id = models.BigIntegerField("source d'agenda (planning)", null=True, blank=True)
    source_name = models.CharField("source", max_length=150, blank=True)
    professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey(
        "cpts.Structure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    doctor_name = models.CharField("médecin effecteur", max_length=150, blank=True)
    rpps = models.CharField("RPPS de l'effecteur", max_length=11, blank=True, db_index=True)
    start = models.DateTimeField("début", null=True, blank=True)
    end = models.DateTimeField("fin", null=True, blank=True)
    modality = models.CharField("modalité", max_length=3, choices=Modality.choices, blank=True)
    booking_url = models.URLField("page de réservation de l'éditeur", max_length=1000, blank=True)
    hold_expires_at = models.DateTimeField("retenu jusqu'à", null=True, blank=True)
    fhir_system = models.CharField("système de l'identifiant FHIR", max_length=255, blank=True)
    fhir_value = models.CharField("identifiant FHIR", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    outcome_at = models.DateTimeField("issue connue le", null=True, blank=True)
    # Facts for pay, recorded when booked (DOMAIN.md §7.2-§7.4); no amounts here.
    is_surnumeraire = models.BooleanField("surnuméraire", default=False)
    is_treating_doctor = models.BooleanField("effecteur = médecin traitant (MRT)", default=False)
    within_48h = models.BooleanField("sous 48 h après régulation", default=False)
    outside_pdsa = models.BooleanField("hors horaires de PDSA", default=False)
    snp_candidate = models.BooleanField("candidat à la majoration SNP", default=False)

    class Meta:
        verbose_name = "rendez-vous"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(slot__isnull=False, status__in=ACTIVE_APPOINTMENT_STATUSES),
                name="booking_one_active_per_slot",
            ),
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status__in=ACTIVE_APPOINTMENT_STATUSES),
                name="booking_one_active_per_dossier",
            ),
            models.UniqueConstraint(
                fields=["fhir_system", "fhir_value"],
                condition=~Q(fhir_value=""),
                name="booking_fhir_identifier_unique",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.start).strftime("%d/%m %H:%M") if self.start else "?"
        return f"{self.get_kind_display()} – {self.doctor_name or self.rpps} – {when}"


class SurnumeraireRequest(models.Model):
    """A request to take the patient on top of the agenda (DOMAIN.md §3.1 step 3; seed 004):
    to a doctor directly, or to the structure the doctor participates through."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="surnumeraire_requests")
    professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey(
        "cpts.Structure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField("canal", max_length=10, choices=RequestChannel.choices)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField("demandée le", default=timezone.now, db_index=True)
    status = models.CharField(
        "statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepting_doctor_name = models.CharField("médecin qui prend le patient", max_length=150, blank=True)
    accepting_professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appointment_at = models.DateTimeField("heure du rendez-vous", null=True, blank=True)
    answer_notes = models.CharField("précisions", max_length=255, blank=True)
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande en surnuméraire"
        verbose_name_plural = "demandes en surnuméraire"
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(professional__isnull=False, structure__isnull=True)
                | Q(professional__isnull=True, structure__isnull=False),
                name="surnumeraire_target_is_doctor_or_structure",
            ),
        ]

    def __str__(self) -> str:
        return f"Demande {self.pk} – {self.target_label}"

    @property
    def target_label(self) -> str:
        return str(self.professional or self.structure)

    @property
    def answer_seconds(self) -> int | None:
        if self.answered_at is None:
            return None
        return int((self.answered_at - self.asked_at).total_seconds())


class PdsaCalendar(models.Model):
    """A territory's PDSA hours (DOMAIN.md §3.4): regulatory defaults, locally editable."""

    territory = models.OneToOneField(
        "sas_platform.SasTerritory", on_delete=models.CASCADE, primary_key=True, related_name="pdsa_calendar"
    )
    day_start = models.TimeField("fin de la nuit (début des horaires SAS)", default=dt.time(8, 0))
    night_start = models.TimeField("début de la nuit (PDSA)", default=dt.time(20, 0))
    saturday_start = models.TimeField("début de la PDSA le samedi", default=dt.time(12, 0))
    bridge_days = models.JSONField(
        "jours de pont (AAAA-MM-JJ)", default=list, blank=True, help_text="Traités comme des jours fériés."
    )

    class Meta:
        verbose_name = "calendrier de PDSA"
        verbose_name_plural = "calendriers de PDSA"

    def __str__(self) -> str:
        return f"PDSA {self.territory_id}"

    def schedule(self) -> PdsaSchedule:
        from regulation.policies import ALSACE_MOSELLE

        return PdsaSchedule(
            day_start=self.day_start,
            night_start=self.night_start,
            saturday_start=self.saturday_start,
            alsace_moselle=self.territory_id in ALSACE_MOSELLE,
            bridge_days=frozenset(dt.date.fromisoformat(d) for d in self.bridge_days),
        )


class ActFact(models.Model):
    """Facts for pay about one act, written when its outcome is known (DOMAIN.md §7.2-§7.4).

    One row per booking, in the transaction that records the outcome; never updated (an outcome,
    once known, is final: ``services._booking_status_apply``). No amounts: remuneration reads
    these rows with its dated barèmes. The doctor is identified by RPPS (professionals' data, not
    patients': DOMAIN.md §8).
    """

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="act_fact")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    territory = models.ForeignKey(
        "sas_platform.SasTerritory", verbose_name="territoire SAS", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("type de rendez-vous", max_length=20, choices=BookingKind.choices)
    professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey(
        "cpts.Structure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rpps = models.CharField("RPPS de l'effecteur", max_length=11, blank=True, db_index=True)
    doctor_name = models.CharField("médecin effecteur", max_length=150, blank=True)
    regulated_at = models.DateTimeField("régulé le")
    appointment_start = models.DateTimeField("heure du rendez-vous", null=True, blank=True)
    outcome = models.CharField("issue", max_length=10, choices=AppointmentStatus.choices)
    outcome_at = models.DateTimeField("issue connue le")
    is_surnumeraire = models.BooleanField("surnuméraire")
    is_treating_doctor = models.BooleanField("effecteur = médecin traitant")
    within_48h = models.BooleanField("sous 48 h après régulation")
    outside_pdsa = models.BooleanField("hors horaires de PDSA")
    snp_candidate = models.BooleanField("candidat à la majoration SNP")
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        verbose_name = "fait pour la rémunération (acte)"
        verbose_name_plural = "faits pour la rémunération (actes)"
        ordering = ["-outcome_at", "-id"]
        indexes = [
            models.Index(fields=["territory", "appointment_start"], name="actfact_territory_start_idx"),
            models.Index(fields=["rpps", "appointment_start"], name="actfact_rpps_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=OUTCOME_STATUSES), name="actfact_outcome_is_final"
            ),
            models.CheckConstraint(
                condition=Q(snp_candidate=False)
                | Q(within_48h=True, outside_pdsa=True, is_treating_doctor=False),
                name="actfact_snp_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"Acte {self.rpps or self.doctor_name} {self.get_outcome_display()}"


class RegulatorShift(models.Model):
    """One version of a regulator's on-duty period (DOMAIN.md §7.5).

    A régulateur starts and ends a shift on the desk, or a SAS administrator enters the month's
    schedule. A correction never changes a row: it writes a new version (same ``lineage``,
    ``version`` + 1, ``supersedes`` the old one) and marks the old one not current, with an
    audit event; cancelling is a version with ``cancelled``. Minutes are split into SAS and PDSA
    hours by the territory's PDSA calendar when the shift is closed.
    """

    lineage = models.UUIDField("garde", default=uuid.uuid4, db_index=True)
    version = models.PositiveSmallIntegerField("version", default=1)
    is_current = models.BooleanField("version en vigueur", default=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    territory = models.ForeignKey(
        "sas_platform.SasTerritory", verbose_name="territoire SAS", on_delete=models.PROTECT, related_name="+"
    )
    regulator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="régulateur", on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin", null=True, blank=True)
    sas_minutes = models.PositiveIntegerField("minutes SAS (hors PDSA)", default=0)
    pdsa_minutes = models.PositiveIntegerField("minutes en horaires de PDSA", default=0)
    origin = models.CharField("saisie", max_length=10, choices=ShiftOrigin.choices)
    cancelled = models.BooleanField("annulée", default=False)
    reason = models.CharField("motif de la correction", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("saisi le", default=timezone.now)

    class Meta:
        verbose_name = "garde de régulateur"
        verbose_name_plural = "gardes de régulateurs"
        ordering = ["start", "id"]
        indexes = [
            models.Index(
                fields=["territory", "start"], name="shift_territory_start_idx", condition=Q(is_current=True)
            ),
            models.Index(
                fields=["regulator", "start"], name="shift_regulator_start_idx", condition=Q(is_current=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="shift_lineage_version_unique"),
            models.UniqueConstraint(
                fields=["lineage"], condition=Q(is_current=True), name="shift_one_current_version"
            ),
            models.UniqueConstraint(
                fields=["regulator"],
                condition=Q(is_current=True, end__isnull=True, cancelled=False),
                name="shift_one_open_per_regulator",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="shift_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Garde {self.regulator} {timezone.localtime(self.start):%d/%m %H:%M} (v{self.version})"

    @property
    def is_open(self) -> bool:
        return self.end is None and not self.cancelled

    @property
    def total_minutes(self) -> int:
        return self.sas_minutes + self.pdsa_minutes
