"""SNP cooperation protocol acts recorded by structures (DOMAIN.md §7.7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from remuneration.enums import ProtocolKind


class ProtocolAct(models.Model):
    """One act under an SNP cooperation protocol, recorded by its structure (DOMAIN.md §7.7).

    The patient is pseudonymised (a code the structure keeps: no name, no NIR, DOMAIN.md §8).
    ``common_law_billed`` records a common-law billing of the same patient by the same
    professionals the same or the next day, which makes the protocol act not payable.
    """

    structure = models.ForeignKey("cpts.Structure", on_delete=models.PROTECT, related_name="+")
    protocol = models.CharField("protocole", max_length=20, choices=ProtocolKind.choices)
    patient_pseudonym = models.CharField("patient (pseudonyme)", max_length=64)
    act_date = models.DateField("date")
    professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_second = models.BooleanField("deuxième consultation / réévaluation", default=False)
    common_law_billed = models.BooleanField(
        "facturation de droit commun le jour même ou le lendemain", default=False
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "acte de protocole de coopération"
        verbose_name_plural = "actes de protocoles de coopération"
        ordering = ["act_date", "id"]
        indexes = [models.Index(fields=["structure", "act_date"], name="protocolact_structure_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} {self.patient_pseudonym} {self.act_date:%d/%m/%Y}"
