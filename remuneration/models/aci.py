"""What a CPTS contract says about its variable part (DOMAIN.md §7.6): per mission and year, the
indicators (§5), their weights and targets. Recorded by platform administrators from the signed
contract (admin, with history in the audit trail); the coordinator reads them on the ACI page."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from remuneration.enums import AciIndicator, AciMission

HUNDRED = Decimal(100)


class AciIndicatorTarget(models.Model):
    """One indicator of a contract's variable part: its weight (% of the variable part) and the
    target that reaches it, for one calendar year. The weights of a CPTS × mission × year add up to
    at most 100 % (what is not weighed is never paid)."""

    structure = models.ForeignKey(
        "cpts.Structure",
        verbose_name="CPTS",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "cpts"},
    )
    mission = models.CharField("mission", max_length=20, choices=AciMission.choices, default="access")
    year = models.PositiveSmallIntegerField("année")
    indicator = models.CharField("indicateur", max_length=40, choices=AciIndicator.choices)
    weight = models.DecimalField("poids (% de la part variable)", max_digits=5, decimal_places=2)
    target = models.DecimalField("cible (atteinte si valeur ≥ cible)", max_digits=10, decimal_places=2)
    source = models.CharField("référence au contrat (article, avenant)", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("modifié le", default=timezone.now)

    class Meta:
        verbose_name = "indicateur du contrat ACI"
        verbose_name_plural = "indicateurs des contrats ACI"
        ordering = ["structure_id", "year", "mission", "-weight", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "mission", "year", "indicator"], name="aci_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="aci_target_weight_range"
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="aci_target_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.year} : {self.weight} % si ≥ {self.target}"

    def clean(self) -> None:
        """The weights of one CPTS, mission and year add up to at most 100 %."""
        if self.weight is None or not self.structure_id or not self.year:
            return
        others = AciIndicatorTarget.objects.filter(
            structure_id=self.structure_id, mission=self.mission, year=self.year
        ).exclude(pk=self.pk).aggregate(total=Sum("weight"))["total"] or Decimal(0)
        if others + self.weight > HUNDRED:
            raise ValidationError(
                {
                    "weight": f"Les poids de cette CPTS pour {self.year} dépasseraient 100 % "
                    f"({others + self.weight} %) : il reste {HUNDRED - others} %."
                }
            )
