"""Dossiers: one call, from pick-up to closing (DOMAIN.md §3.1)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from regulation.enums import (
    CallerRelation,
    CareLevel,
    ClosureReason,
    Decision,
    DossierState,
    OrientationCategory,
    OrientationResult,
    Origin,
    Priority,
    Sex,
    TreatingDoctorCallResult,
)

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
