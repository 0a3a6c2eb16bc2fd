"""Bookings: appointments made for a dossier (platform, editor, treating doctor, surnuméraire)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from regulation.enums import (
    ACTIVE_APPOINTMENT_STATUSES,
    AppointmentStatus,
    BookingKind,
    Modality,
)
from regulation.models.dossiers import Dossier


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
