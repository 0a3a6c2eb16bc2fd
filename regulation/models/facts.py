"""Act facts: the pay facts of a booking, read by remuneration (DOMAIN.md §7.2-§7.4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from regulation.enums import (
    OUTCOME_STATUSES,
    AppointmentStatus,
    BookingKind,
)
from regulation.models.bookings import Booking
from regulation.models.dossiers import Dossier


class ActFact(models.Model):
    """Facts for pay about one act, written when its outcome is known (DOMAIN.md §7.2-§7.4).

    One row per booking, in the transaction that records the outcome. The desk never changes it
    (an outcome, once known, is final: ``services.bookings._booking_status_apply``); only an audited
    correction (``services.facts.act_fact_correct``) does, and stamps ``corrected_at``: remuneration
    then pays the difference as an adjustment when the act's period is already locked (issue 12 §3). No amounts: remuneration reads
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
    corrected_at = models.DateTimeField("corrigé le", null=True, blank=True)

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
